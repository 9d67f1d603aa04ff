"""Figures and widgets of notebook 03: a predict-then-reveal step and a recovery explorer.

Every figure keeps data and models apart: reported values are drawn as markers
and carry their citation and how they were obtained (see :mod:`spinelab.multifidus.studies`);
model curves are labelled *illustrative*. Recurrence and prognosis, which are
shown as reported data only, are in :mod:`spinelab.multifidus.evidence_figures`. Each class
exposes its widgets as attributes, so tests can drive it, and is displayed by
ending a cell with it; each has a module-level function that builds the figure
in a default state for handouts. The words shown are in ``data/wording.toml`` ``[multifidus_figures]``.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from spinelab.course import a11y, references, style, wording
from spinelab.course.a11y import plain_text
from spinelab.course.display import Displayable, FigurePanel
from spinelab.course.live import LiveFigure
from spinelab.course.style import PLAN_COLOUR, PLAN_STYLE
from spinelab.course.text import PlainText
from spinelab.course.validation import check_number
from spinelab.multifidus import recovery, studies
from spinelab.multifidus.evidence_figures import draw_pain_course

WEEKS = np.linspace(0.0, 12.0, 241)
SIZE_LIMITS = (40.0, 116.0)
#: What a student may predict for the control group's multifidus at the last examination (Hides et al. 1996); their
#: words are :func:`prediction_label`'s.
PREDICTIONS = ("recovered", "partly", "not recovered")
_WIDE = {"description_width": "initial"}


def _words(key: str, /, **values: object) -> str:
    return wording.phrase("multifidus_figures", key, **values)


def prediction_label(key: str) -> str:
    """What the prediction ``key`` (one of :data:`PREDICTIONS`) says, in the student's words."""
    return _words(f"prediction_{key.replace(' ', '_')}")


def _exam_weeks() -> list[float]:
    return [item.period[1] for item in studies.values("hides1996", "examination")]


def _p_value() -> str:
    return f"{studies.value('hides1996_group_difference_p').value:g}"


def _treatment_period() -> tuple[float, float]:
    return studies.value("hides1996_treatment_weeks").period


def _draw_trial_design(ax) -> None:
    """Shade the treatment weeks and mark the examinations (both reported by Hides et al. 1996)."""
    start, end = _treatment_period()
    ax.axvspan(start, end, color=style.STRUCTURE_GREY, alpha=0.25, linewidth=0)
    ax.text((start + end) / 2, 0.97, _words("treatment_weeks"), transform=ax.get_xaxis_transform(),
            ha="center", va="top", fontsize="small", color=style.STRUCTURE_EDGE)
    weeks = _exam_weeks()
    for week in weeks:
        ax.axvline(week, color=style.STRUCTURE_EDGE, linestyle=":", linewidth=1.2)
    top = ax.secondary_xaxis("top")
    top.set_xticks(weeks, labels=[_words("exam")] * len(weeks), fontsize="small", color=style.STRUCTURE_EDGE)


def _size_axes(ax, title: str) -> None:
    ax.set(xlim=(0, WEEKS[-1]), ylim=SIZE_LIMITS, xlabel=_words("weeks_axis"),
           ylabel=recovery.SIZE_AXIS_LABEL, title=title)
    ax.axhline(100.0, color=style.STRUCTURE_EDGE, linewidth=1.0)
    ax.text(_treatment_period()[1] + 0.2, 100.5, _words("unaffected_side"), ha="left", va="bottom", fontsize="small",
            color=style.STRUCTURE_EDGE)
    _draw_trial_design(ax)


def _group_curve(ax, group: str, x: np.ndarray, y: np.ndarray, label: str):
    (line,) = ax.plot(x, y, color=style.GROUP_COLOURS[group], linestyle=style.GROUP_LINESTYLES[group], label=label)
    return line


def _group_checkboxes() -> dict[str, widgets.Checkbox]:
    return {group: widgets.Checkbox(value=True, description=group, indent=False,
                                    layout=widgets.Layout(width="auto"))
            for group in studies.GROUPS}


def _description(revealed: bool) -> str:
    """The predict-then-reveal figure's description: before the reveal it names no finding."""
    return _words("description", finding=_words("finding_revealed" if revealed else "finding_hidden"))


@references.shows(lambda: ("hides1996",))
class PredictThenReveal(Displayable):
    """Predict what happened to the control group's multifidus by the last examination, then reveal what was reported.

    The student starts with no prediction and must choose one of :data:`PREDICTIONS` before *Reveal* can be
    pressed; the reveal locks the prediction. The pain panel is visible from the start (pain resolved in both
    groups); the illustrative muscle curves and the reported finding appear only after the reveal. The feedback
    compares the prediction with what Hides et al. 1996 reported (the direction and the P value): the abstract
    gives no per-group sizes, so no size is ever shown as data.
    """

    def __init__(self) -> None:
        self.prediction = widgets.RadioButtons(
            options=[(prediction_label(key), key) for key in PREDICTIONS], value=None,
            layout=widgets.Layout(width="auto"),
        )
        self.question = widgets.HTML(_words("question"))
        self.reveal_button = widgets.Button(description=_words("reveal"), button_style="warning", icon="eye",
                                            disabled=True, tooltip=_words("choose_first"))
        self.feedback = widgets.HTML(_words("ask"))
        self.live = LiveFigure(_description(revealed=False), figsize=(10.0, 4.0), ncols=2)
        size_ax, pain_ax = self.live.axes
        _size_axes(size_ax, _words("reveal_title"))
        self.curves = {
            group: _group_curve(size_ax, group, WEEKS, recovery.GROUPS[group].size(WEEKS), group)
            for group in studies.GROUPS
        }
        self.finding = size_ax.text(
            0.98, 0.03, _words("finding", p=_p_value()),
            transform=size_ax.transAxes, ha="right", va="bottom", fontsize="x-small",
            bbox={"facecolor": "white", "edgecolor": style.STRUCTURE_EDGE, "alpha": 0.9},
        )
        # Beside the axes, not on them: inside, it would lie over the examination lines and the curves.
        size_ax.legend(handles=list(self.curves.values()), loc="upper left", bbox_to_anchor=(1.0, 1.0),
                       fontsize="x-small", title=_words("illustrative"), title_fontsize="x-small")
        self._draw_pain(pain_ax)
        for artist in (*self.curves.values(), self.finding):
            artist.set_visible(False)
        self.live.dynamic(*self.curves.values(), self.finding)
        self.prediction.observe(self._chosen, names="value")
        self.reveal_button.on_click(lambda _button: self.reveal())
        self.live.render()
        self.view = FigurePanel(
            self.live, [self.question, self.prediction, self.reveal_button, self.feedback],
            caption=_words("reveal_caption"))

    @staticmethod
    def _draw_pain(ax) -> None:
        draw_pain_course(ax, ("acute",))
        ax.set_title(_words("pain_title"))

    @property
    def revealed(self) -> bool:
        """Whether the reported finding is shown."""
        return self.finding.get_visible()

    def predict(self, key: str) -> None:
        """Choose a prediction (a key of :data:`PREDICTIONS`), as a student would."""
        if key not in PREDICTIONS:
            raise ValueError(f"prediction must be one of {', '.join(PREDICTIONS)}; got {key!r}")
        self.prediction.value = key

    def _chosen(self, change: dict) -> None:
        if not self.revealed:
            self.reveal_button.disabled = change["new"] is None
            self.reveal_button.tooltip = "" if change["new"] is not None else _words("choose_first")
            self.feedback.value = _words("ask" if change["new"] is None else "now_reveal")

    def reveal(self) -> bool:
        """Show the reported finding and the illustrative curves, lock the prediction and give feedback on it.

        Returns False, and only asks for a prediction, if none has been made.
        """
        if self.prediction.value is None:
            self.feedback.value = _words("ask")
            return False
        if not self.revealed:
            self._show_finding()
            self.prediction.disabled = True
            self.reveal_button.disabled = True
            self.feedback.value = self.feedback_for(self.prediction.value)
            self.live.refresh()
        return True

    def _show_finding(self) -> None:
        for artist in (*self.curves.values(), self.finding):
            artist.set_visible(True)
        # Only now may the description say what the curves show: before the reveal it must not give the answer.
        hidden, shown = self.live.alt_text, _description(revealed=True)
        self.live.alt_text = shown
        a11y.label(self.live.image, shown)
        self.view.caption.value = self.view.caption.value.replace(hidden, shown)
        self.view.text = self.view.text.replace(hidden, shown)

    @staticmethod
    def feedback_for(prediction: str) -> str:
        """Feedback comparing a prediction (a key of :data:`PREDICTIONS`) with what Hides et al. 1996 reported."""
        if prediction not in PREDICTIONS:
            raise ValueError(f"prediction must be one of {', '.join(PREDICTIONS)}; got {prediction!r}")
        verdict = _words(f"feedback_{prediction.replace(' ', '_')}", citation=references.cite("hides1996"),
                         reported=_words("reported", p=_p_value()))
        return f"<p>{verdict}</p><p>{_words('how_much_smaller')}</p>"


def predict_reveal_figure() -> LiveFigure:
    """The predict-then-reveal figure with the finding shown (no prediction is drawn), for handouts."""
    demo = PredictThenReveal()
    demo._show_finding()
    demo.live.refresh()
    return demo.live


@references.shows(lambda: ())
class TreatmentExplorer(Displayable):
    """Set when specific exercise starts and how well it is kept up; watch the modelled recovery curve move.

    MODEL, NOT DATA: the plan's recovery curve interpolates between the illustrative
    group curves (:func:`spinelab.multifidus.recovery.predict`). It illustrates a mechanism
    (later or less exercise, less recovery); it is not a patient's prognosis.
    """

    def __init__(self, exercise_start_week: float = 0.0, adherence_percent: float = 100.0) -> None:
        exercise_start_week = check_number("exercise_start_week", exercise_start_week, 0.0, 10.0)
        adherence_percent = check_number("adherence_percent", adherence_percent, 0.0, 100.0)
        self.groups = _group_checkboxes()
        self.start = widgets.FloatSlider(value=exercise_start_week, min=0.0, max=10.0, step=1.0, style=_WIDE,
                                         description=_words("start_week"),
                                         layout=widgets.Layout(width="60%"))
        self.adherence = widgets.FloatSlider(value=adherence_percent, min=0.0, max=100.0, step=5.0, style=_WIDE,
                                             description=_words("adherence"),
                                             layout=widgets.Layout(width="60%"))
        self.readout = widgets.HTML()
        self.live = LiveFigure(_words("explorer_alt_text"), figsize=(7.5, 4.5))
        size_ax = self.live.axes[0]
        _size_axes(size_ax, _words("explorer_title"))
        self.group_lines = {group: _group_curve(size_ax, group, WEEKS, recovery.GROUPS[group].size(WEEKS), group)
                            for group in studies.GROUPS}
        (self.plan_size,) = size_ax.plot(WEEKS, WEEKS, color=PLAN_COLOUR, linestyle=PLAN_STYLE,
                                         label=_words("your_plan"))
        self.start_line = size_ax.axvline(exercise_start_week, color=PLAN_COLOUR, linewidth=1.0)
        # Beside the axes, not on them: the start line moves across the whole plot.
        size_ax.legend(handles=[*self.group_lines.values(), self.plan_size], loc="upper left",
                       bbox_to_anchor=(1.0, 1.0), fontsize="small",
                       title=_words("illustrative_model"), title_fontsize="small")
        self.live.dynamic(*self.group_lines.values(), self.plan_size, self.start_line)
        for control in (self.start, self.adherence, *self.groups.values()):
            control.observe(lambda _change: self.update(), names="value")
        self.update()
        self.live.render()
        # After every redraw the readout's words go to the panel's polite live region, for screen readers.
        self.live.describe = lambda: plain_text(self.readout.value)
        self.view = FigurePanel(
            self.live, [widgets.HBox(list(self.groups.values())), self.start, self.adherence, self.readout],
            caption=_words("explorer_caption"))

    def state(self) -> dict[str, float]:
        """The plan's modelled numbers: size at week 10 (invented illustrative scale) and recovery achieved."""
        start, adherence = float(self.start.value), float(self.adherence.value) / 100.0
        return {
            "size_at_follow_up": float(recovery.predict(recovery.follow_up_week(), start, adherence)[()]),
            "recovery_achieved": recovery.recovery_achieved(start, adherence),
        }

    def update(self) -> None:
        """Redraw the plan's curve and the group visibility for the current widget values."""
        start, adherence = float(self.start.value), float(self.adherence.value) / 100.0
        self.plan_size.set_ydata(recovery.predict(WEEKS, start, adherence))
        self.start_line.set_xdata([start, start])
        for group, checkbox in self.groups.items():
            self.group_lines[group].set_visible(checkbox.value)
        self.readout.value = _words("model_not_data", description=self.describe())
        self.live.refresh(state=(start, adherence, tuple(box.value for box in self.groups.values())))

    def describe(self) -> PlainText:
        """The plan's modelled recovery in words, labelled as an illustrative model."""
        state = self.state()
        return PlainText(_words("explorer_readout", note=recovery.ILLUSTRATIVE_NOTE.capitalize(),
                                week=f"{recovery.follow_up_week():g}", achieved=f"{state['recovery_achieved']:.0%}"))


def treatment_explorer_figure() -> LiveFigure:
    """The treatment explorer in its default state (exercise from week 0, full adherence), for handouts."""
    return TreatmentExplorer().live
