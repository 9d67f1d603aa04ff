"""Figures of reported data on prognosis and recurrence: points with confidence intervals, never a model.

- :func:`prognosis_panel`: the pooled course of pain in acute and persistent low
  back pain (Menezes Costa et al. 2012), the real recovery curves a physical
  therapist uses to reassure a patient; :func:`draw_pain_course` draws it on any axes.
- :func:`recurrence_panel`: recurrence as Hides et al. 2001 reported it, beside a
  cohort (da Silva et al. 2019) and a Cochrane review (Choi et al. 2010);
  :func:`recurrence_effects` states the effect sizes that follow from the trial's figures.

Every point is a value of :mod:`spinelab.multifidus.studies`, with its citation; lines between
points are labelled as interpolation.
"""

from __future__ import annotations

import textwrap

from matplotlib.axes import Axes

from spinelab.course import references, style, wording
from spinelab.course.display import FigurePanel
from spinelab.course.live import LiveFigure
from spinelab.course.text import MarkdownText, PlainText
from spinelab.multifidus import recurrence, studies

#: The two kinds of cohort pooled by Menezes Costa et al. 2012, with how they are drawn.
COHORTS: dict[str, dict[str, str]] = {
    "acute": {"color": style.OKABE_ITO["blue"], "marker": "o", "linestyle": ":"},
    "persistent": {"color": style.OKABE_ITO["vermillion"], "marker": "s", "linestyle": ":"},
}
PROGNOSIS_KEY = "menezescosta2012"
#: The table of ``data/wording.toml`` with this module's captions and summary.
WORDS = "evidence_figures"


def _words(key: str, /, **values: object) -> str:
    return wording.phrase(WORDS, key, **values)


def pain_course(cohort: str) -> list[studies.Value]:
    """The pooled mean pain values of one cohort type (``"acute"`` or ``"persistent"``), in time order."""
    if cohort not in COHORTS:
        raise ValueError(f"cohort must be one of {', '.join(COHORTS)}; got {cohort!r}")
    found = studies.values(PROGNOSIS_KEY, "mean pain", cohort)
    return sorted(found, key=lambda item: item.period[0] if item.period else 0.0)


def draw_pain_course(ax: Axes, cohorts: tuple[str, ...] = tuple(COHORTS)) -> None:
    """Pooled mean pain (0-100) with 95 % CIs at 0, 6, 26 and 52 weeks, joined by dotted interpolation lines."""
    for cohort in cohorts:
        points = pain_course(cohort)
        weeks = [item.period[0] for item in points]
        means = [item.value for item in points]
        errors = [[item.value - item.ci[0] for item in points], [item.ci[1] - item.value for item in points]]
        look = COHORTS[cohort]
        ax.plot(weeks, means, color=look["color"], linestyle=look["linestyle"], linewidth=1.2)
        ax.errorbar(weeks, means, yerr=errors, color=look["color"], marker=look["marker"], linestyle="none",
                    markersize=7, markeredgecolor="black", capsize=4, label=_words("cohort_legend", cohort=cohort))
    ax.set(xlim=(-2, 54), ylim=(0, 70), xticks=[0, 6, 26, 52], xlabel=_words("weeks_axis"),
           ylabel=_words("pain_axis"))
    ax.legend(loc="upper right", fontsize="small",
              title=_words("pain_legend", source=references.get(PROGNOSIS_KEY).short()), title_fontsize="x-small")
    ax.text(0.98, 0.60, _words("interpolation"), transform=ax.transAxes,
            ha="right", va="top", fontsize="x-small", color=style.STRUCTURE_EDGE)


def _pain_alt_text(cohorts: tuple[str, ...]) -> str:
    parts = []
    for cohort in cohorts:
        points = pain_course(cohort)
        course = ", ".join(_words("pain_point", value=f"{item.value:g}", week=f"{item.period[0]:g}")
                           for item in points)
        parts.append(_words("pain_cohort", cohort=cohort, course=course))
    return _words("pain_alt_text", citation=references.cite(PROGNOSIS_KEY), cohorts="; ".join(parts))


def prognosis_figure() -> LiveFigure:
    """The course of pain in acute and persistent low back pain, as reported (a static figure)."""
    cohorts = tuple(COHORTS)
    live = LiveFigure(_pain_alt_text(cohorts), figsize=(7.0, 4.0))
    draw_pain_course(live.axes[0], cohorts)
    live.axes[0].set_title(_words("prognosis_title"))
    live.render()
    return live


@references.shows(lambda: (PROGNOSIS_KEY,))
def prognosis_panel() -> FigurePanel:
    """:func:`prognosis_figure` with its caption, displayable."""
    return FigurePanel(prognosis_figure(), caption=wording.phrase(WORDS, "prognosis_caption",
                                                                  citation=references.cite(PROGNOSIS_KEY)))


@references.shows(lambda: (PROGNOSIS_KEY,))
def prognosis_summary() -> MarkdownText:
    """What the pooled data say, in words a student can use with a patient."""
    acute, persistent = pain_course("acute"), pain_course("persistent")
    return MarkdownText(wording.phrase(
        WORDS, "prognosis_summary", acute_start=f"{acute[0].value:g}", acute_6_weeks=f"{acute[1].value:g}",
        acute_6_months=f"{acute[2].value:g}", acute_1_year=f"{acute[3].value:g}",
        persistent_start=f"{persistent[0].value:g}", persistent_1_year=f"{persistent[3].value:g}",
        citation=references.cite(PROGNOSIS_KEY)))


def _draw_hides(ax: Axes) -> None:
    offsets = {"control": -0.12, "specific exercise": 0.12}
    for group in studies.GROUPS:
        for x, reported in enumerate(studies.reported_recurrence(group)):
            ax.plot([x + offsets[group]], [reported.value], marker=style.GROUP_MARKERS[group], markersize=10,
                    color=style.GROUP_COLOURS[group], markeredgecolor="black", linestyle="none",
                    label=group if x == 0 else None)
            ax.annotate(f"{reported.value:g} %", (x + offsets[group], reported.value), xytext=(0, 9),
                        textcoords="offset points", ha="center", fontsize="small")
    labels = [studies.years_label(reported.period) for reported in studies.reported_recurrence("control")]
    patients = studies.value("hides2001_patients").value
    ax.set(xlim=(-0.5, 1.5), ylim=(0, 105), xticks=[0, 1], xticklabels=labels, ylabel=_words("recurrence_axis"),
           xlabel=_words("after_treatment"),
           title=_words("trial_title", patients=f"{patients:g}", source=references.get("hides2001").short()))
    ax.legend(loc="lower center", fontsize="x-small", title=_words("questionnaire"), title_fontsize="x-small")


def _participants() -> str:
    return f"{studies.value('dasilva2019_participants').value:g}"


def _proportions() -> str:
    """The cohort's proportions with their confidence intervals, in words."""
    return "; ".join(_words("proportion", quantity=item.quantity, value=f"{item.value:g}", low=f"{item.ci[0]:g}",
                            high=f"{item.ci[1]:g}")
                     for item in studies.values("dasilva2019") if item.unit == "%")


def _draw_cohort(ax: Axes) -> None:
    rows = [value for value in studies.values("dasilva2019") if value.unit == "%"]
    for y, item in enumerate(rows):
        ax.errorbar([item.value], [y], xerr=[[item.value - item.ci[0]], [item.ci[1] - item.value]], marker="D",
                    color=style.OKABE_ITO["bluish_green"], markeredgecolor="black", capsize=4, linestyle="none")
        ax.annotate(f"{item.value:g} %", (item.ci[1], y), xytext=(5, 0), textcoords="offset points",
                    va="center", fontsize="small")
    ax.set(xlim=(0, 100), ylim=(-0.6, len(rows) - 0.4), yticks=range(len(rows)),
           yticklabels=[textwrap.fill(item.quantity, 20) for item in rows],
           xlabel=_words("cohort_axis"),
           title=_words("cohort_title", participants=_participants(), source=references.get("dasilva2019").short()))


def _rate_ratios() -> list[studies.Value]:
    """The Cochrane review's rate ratios (its hazard ratio for time to recurrence is another measure, not drawn)."""
    return [item for item in studies.values("choi2010") if item.unit == "rate ratio"]


def _draw_review(ax: Axes) -> None:
    rows = _rate_ratios()
    for y, item in enumerate(rows):
        ax.errorbar([item.value], [y], xerr=[[item.value - item.ci[0]], [item.ci[1] - item.value]], marker="s",
                    color=style.OKABE_ITO["black"], capsize=4, linestyle="none")
    ax.axvline(1.0, color=style.STRUCTURE_EDGE, linestyle="--", linewidth=1.0)
    ax.set(xlim=(0.2, 1.3), ylim=(-0.6, len(rows) - 0.4), yticks=range(len(rows)),
           yticklabels=[f"{studies.years_label(item.period)}\n({item.note.split(';')[0]})" for item in rows],
           xlabel=_words("rate_ratio_axis"),
           title=_words("review_title", source=references.get("choi2010").short()))
    ax.annotate(_words("fewer_with_exercise"), (0.97, len(rows) - 0.5), ha="right", fontsize="x-small")


def _recurrence_alt_text() -> str:
    trial = "; ".join(_words("trial_point", group=item.group, value=f"{item.value:g}",
                             years=studies.years_label(item.period))
                      for group in studies.GROUPS for item in studies.reported_recurrence(group))
    review = "; ".join(_words("rate_ratio", value=f"{item.value:g}", low=f"{item.ci[0]:g}", high=f"{item.ci[1]:g}",
                              years=studies.years_label(item.period))
                       for item in _rate_ratios())
    return _words("recurrence_alt_text", trial=trial, cohort=_proportions(), review=review)


def recurrence_figure() -> LiveFigure:
    """Recurrence as reported: the Hides trial, a recurrence cohort and the Cochrane review (a static figure)."""
    live = LiveFigure(_recurrence_alt_text(), figsize=(12.0, 4.4), ncols=3)
    trial_ax, cohort_ax, review_ax = live.axes
    _draw_hides(trial_ax)
    _draw_cohort(cohort_ax)
    _draw_review(review_ax)
    live.render()
    return live


@references.shows(lambda: ("hides2001", "dasilva2019", "choi2010"))
def recurrence_panel() -> FigurePanel:
    """:func:`recurrence_figure` with its caption, displayable."""
    return FigurePanel(recurrence_figure(), caption=wording.phrase(WORDS, "recurrence_caption"))


def _cohort_alt_text() -> str:
    return _words("cohort_alt_text", participants=_participants(), citation=references.cite("dasilva2019"),
                  proportions=_proportions())


def cohort_recurrence_figure() -> LiveFigure:
    """The recurrence cohort alone (da Silva et al. 2019): each proportion with its 95 % CI (a static figure)."""
    live = LiveFigure(_cohort_alt_text(), figsize=(7.5, 3.2))
    _draw_cohort(live.axes[0])
    live.render()
    return live


@references.shows(lambda: ("dasilva2019",))
def cohort_recurrence_panel() -> FigurePanel:
    """:func:`cohort_recurrence_figure` with its caption, displayable."""
    return FigurePanel(cohort_recurrence_figure(), caption=wording.phrase(WORDS, "cohort_caption"))


@references.shows(lambda: ("hides2001",))
def recurrence_effects() -> PlainText:
    """ARR and NNT at each follow-up of Hides et al. 2001, one sentence each (:func:`recurrence.reported_effects`)."""
    return PlainText("\n".join(effect.sentence() for effect in recurrence.reported_effects()))
