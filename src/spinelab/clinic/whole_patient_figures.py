"""Figures of notebook 05 (the whole patient): results as the sources report them, never a model of the course.

:func:`imaging_panel` draws how common degenerative imaging findings are in people *without* back pain at 20 and at
80 years of age, as a systematic review estimated it from 33 studies (Brinjikji et al. 2015). It is a dumbbell: two
points per finding joined by a line, each age with its own colour and marker, every value written beside its point.
The values are those of :func:`spinelab.clinic.yellow_flags.imaging_findings`, and the alt text states each of them.

:func:`whole_patient_panel` puts the notebook's two questions in one figure: which findings at the clinical
evaluation predict persistent disabling pain (each predictor's median likelihood ratio with its range across
studies, on a log scale around 1; Chou & Shekelle 2010), and, below it, the imaging dumbbell.
"""

from __future__ import annotations

from matplotlib.axes import Axes

from spinelab.clinic import yellow_flags
from spinelab.course import references, style, wording
from spinelab.course.display import FigurePanel
from spinelab.course.live import LiveFigure

#: The table of ``data/wording.toml`` with the figure's words.
WORDS = "whole_patient_figures"
#: The two ages of the review's estimates, with how each is drawn (colour and marker, so colour is not the only cue).
AGES: dict[int, dict[str, str]] = {
    20: {"color": style.OKABE_ITO["sky_blue"], "marker": "o"},
    80: {"color": style.OKABE_ITO["vermillion"], "marker": "s"},
}

#: How a predictor's median is drawn: towards persistent disabling pain, or towards recovery (marker and colour).
PREDICTS: dict[str, dict[str, str]] = {
    "worse": {"color": style.OKABE_ITO["reddish_purple"], "marker": "D"},
    "recovery": {"color": style.OKABE_ITO["bluish_green"], "marker": "^"},
}


def _imaging_key() -> str:
    return yellow_flags.data().imaging_conclusion.sources[0]


def prevalence(finding: yellow_flags.ImagingFinding, age: int) -> int:
    """The finding's prevalence (%) in people without back pain at ``age`` (one of :data:`AGES`)."""
    if age not in AGES:
        raise ValueError(f"age must be one of {', '.join(map(str, AGES))}; got {age!r}")
    return finding.at_20 if age == 20 else finding.at_80


def _alt_text(findings: tuple[yellow_flags.ImagingFinding, ...]) -> str:
    values = "; ".join(wording.phrase(WORDS, "alt_value", finding=item.finding, at_20=item.at_20, at_80=item.at_80)
                       for item in findings)
    return wording.phrase(WORDS, "alt_text", population=yellow_flags.data().imaging_population,
                          citation=references.cite(_imaging_key()), values=values)


def imaging_figure() -> LiveFigure:
    """Prevalence of degenerative imaging findings in people without back pain, at 20 and 80 years (static)."""
    live = LiveFigure(_alt_text(yellow_flags.imaging_findings()), figsize=(7.5, 3.6))
    _draw_imaging(live.axes[0])
    live.render()
    return live


def _draw_imaging(ax: Axes) -> None:
    findings = yellow_flags.imaging_findings()
    rows = range(len(findings))
    for y, item in zip(rows, findings, strict=True):
        ax.plot([item.at_20, item.at_80], [y, y], color=style.STRUCTURE_EDGE, linewidth=1.5, zorder=1)
    for age, look in AGES.items():
        values = [prevalence(item, age) for item in findings]
        ax.plot(values, list(rows), linestyle="none", marker=look["marker"], color=look["color"], markersize=10,
                markeredgecolor="black", label=wording.phrase(WORDS, "age_label", age=age), zorder=2)
        # The lower value is written left of its point, the higher one right of it, so labels never meet the line.
        for y, item in zip(rows, findings, strict=True):
            lower = age == min(AGES, key=lambda other: (prevalence(item, other), other))
            ax.annotate(f"{prevalence(item, age)} %", (prevalence(item, age), y), xytext=(-10 if lower else 10, 0),
                        textcoords="offset points", ha="right" if lower else "left", va="center", fontsize="small")
    ax.set(xlim=(0, 110), xticks=range(0, 101, 20), ylim=(len(findings) - 0.4, -0.6), yticks=list(rows),
           yticklabels=[item.finding for item in findings],
           xlabel=wording.phrase(WORDS, "axis"), title=wording.phrase(WORDS, "title"))
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right", fontsize="small",
              title=wording.phrase(WORDS, "data_label", source=references.get(_imaging_key()).short()),
              title_fontsize="x-small")


@references.shows(lambda: (_imaging_key(),))
def imaging_panel() -> FigurePanel:
    """:func:`imaging_figure` with its caption, displayable."""
    return FigurePanel(imaging_figure(), caption=wording.phrase(WORDS, "caption",
                                                                population=yellow_flags.data().imaging_population,
                                                                citation=references.cite(_imaging_key())))


def _predictor_key() -> str:
    return yellow_flags.data().less_useful.sources[0]


def _predictor_alt_text() -> str:
    found = yellow_flags.data()
    values = "; ".join(wording.phrase(WORDS, "predictor_value", name=item.name, median=item.median_lr, low=item.low,
                                      high=item.high, predicts=item.predicts) for item in found.predictors)
    return wording.phrase(WORDS, "predictor_alt_text", outcome=found.predictor_outcome,
                          population=found.predictor_population, citation=references.cite(_predictor_key()),
                          values=values)


def _draw_predictors(ax: Axes) -> None:
    found = yellow_flags.data().predictors
    rows = range(len(found))
    ax.axvline(1.0, color=style.STRUCTURE_EDGE, linestyle=":", linewidth=1.2, zorder=1)
    for y, item in zip(rows, found, strict=True):
        ax.plot([float(item.low), float(item.high)], [y, y], color=style.STRUCTURE_EDGE, linewidth=1.5, zorder=1)
        look = PREDICTS["recovery" if item.predicts == "recovery" else "worse"]
        ax.plot([item.median], [y], linestyle="none", marker=look["marker"], color=look["color"], markersize=9,
                markeredgecolor="black", zorder=2)
        ax.annotate(item.median_lr, (float(item.high), y), xytext=(6, 0), textcoords="offset points",
                    ha="left", va="center", fontsize="small")
    ax.set_xscale("log")
    ax.set(xlim=(0.08, 12), ylim=(len(found) - 0.4, -0.6), yticks=list(rows),
           yticklabels=[item.name for item in found],
           xlabel=wording.phrase(WORDS, "predictor_axis"),
           title=wording.phrase(WORDS, "predictor_title", citation=references.cite(_predictor_key())))
    ax.set_xticks([0.1, 0.25, 0.5, 1, 2, 4, 10], labels=["0.1", "0.25", "0.5", "1", "2", "4", "10"])
    ax.grid(axis="y", visible=False)


def whole_patient_figure() -> LiveFigure:
    """Predictors of persistent disabling pain (top) above imaging findings in people without pain (bottom)."""
    alt = wording.phrase(WORDS, "panel_alt_text", predictors=_predictor_alt_text(),
                         imaging=_alt_text(yellow_flags.imaging_findings()))
    live = LiveFigure(alt, figsize=(9.0, 7.6), nrows=2)
    _draw_predictors(live.axes[0])
    _draw_imaging(live.axes[1])
    live.axes[1].set_title(wording.phrase(WORDS, "imaging_title"))
    live.render()
    return live


@references.shows(lambda: (_predictor_key(), _imaging_key()))
def whole_patient_panel() -> FigurePanel:
    """:func:`whole_patient_figure` with its caption, displayable (notebook 05's core figure)."""
    found = yellow_flags.data()
    return FigurePanel(whole_patient_figure(), caption=wording.phrase(
        WORDS, "panel_caption", predictor_population=found.predictor_population,
        predictor_citation=references.cite(_predictor_key()), imaging_population=found.imaging_population,
        imaging_citation=references.cite(_imaging_key())))
