"""The plan explorer: choose a plan, read the evidence for its parts, see the modelled mechanism.

The plans, their evidence and the model are :mod:`spinelab.clinic.plan`; this
module draws the model against the alternatives and shows the feedback. Its
figure is the handouts' case-study outcome figure (:func:`outcome_figure`). Its words are in
``data/wording.toml`` ``[plan_chooser]``.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from spinelab.clinic import plan
from spinelab.clinic.plan import (
    ALTERNATIVES,
    EXERCISE_START_RANGE,
    MODEL_WEEKS,
    NO_TREATMENT,
    STARTING_PLAN,
    TREATMENT_OPTIONS,
    TREATMENT_START_RANGE,
    Plan,
    PlanOutcome,
    outcome,
    plan_feedback,
)
from spinelab.course import references, style, wording
from spinelab.course.a11y import plain_text
from spinelab.course.display import Displayable, FigurePanel, markdown_html
from spinelab.course.live import LiveFigure
from spinelab.course.style import PLAN_COLOUR, PLAN_STYLE
from spinelab.multifidus import recovery

#: How the alternatives are drawn: like the control and exercise groups of the trial.
ALTERNATIVE_STYLES = (
    {"color": style.GROUP_COLOURS["control"], "linestyle": style.GROUP_LINESTYLES["control"]},
    {"color": style.GROUP_COLOURS["specific exercise"], "linestyle": style.GROUP_LINESTYLES["specific exercise"]},
)



def _words(key: str, /, **values: object) -> str:
    return wording.phrase("plan_chooser", key, **values)


@references.shows(plan.citation_keys)
class PlanChooser(Displayable):
    """Choose a plan; read the evidence for its parts and see the modelled mechanism against the alternatives.

    Two panels, both MODEL outputs illustrating a mechanism: guarding (illustrative
    guarding model) and multifidus size (illustrative recovery model) over 12 weeks.
    The alternatives are drawn once; only the student's plan is redrawn.

    Parameters
    ----------
    plan : Plan
        The plan the widgets start from.
    """

    def __init__(self, plan: Plan = STARTING_PLAN) -> None:
        wide, width = {"description_width": "16em"}, widgets.Layout(width="36em")
        self.exercise = widgets.Checkbox(value=plan.specific_exercise, indent=False,
                                         description=_words("include_exercise"))
        self.exercise_start = widgets.IntSlider(value=round(plan.exercise_start_week),
                                                min=round(EXERCISE_START_RANGE[0]), max=round(EXERCISE_START_RANGE[1]),
                                                description=_words("exercise_start"), style=wide, layout=width)
        self.adherence = widgets.IntSlider(value=round(plan.adherence * 100), min=0, max=100, step=10, style=wide,
                                           description=_words("adherence"), layout=width)
        self.treatment = widgets.Dropdown(options=TREATMENT_OPTIONS, value=plan.treatment, style=wide,
                                          description=_words("treatment"), layout=width)
        self.treatment_start = widgets.IntSlider(value=round(plan.treatment_start_day),
                                                 min=round(TREATMENT_START_RANGE[0]),
                                                 max=round(TREATMENT_START_RANGE[1]),
                                                 description=_words("treatment_start"), style=wide, layout=width)
        self.live = LiveFigure(_words("alt_text"), figsize=(10.0, 4.2), ncols=2)
        self.readout, self.feedback = widgets.HTML(), widgets.HTML()
        self._draw_static()
        # The first update draws the figure: refresh() renders the background when there is none yet.
        self.update()
        for control in (self.exercise, self.exercise_start, self.adherence, self.treatment, self.treatment_start):
            control.observe(lambda _change: self.update(), names="value")
        exercise_head = widgets.HTML(_words("exercise_head"))
        guarding_head = widgets.HTML(_words("guarding_head"))
        # After every redraw the readout's words go to the panel's polite live region, for screen readers.
        self.live.describe = lambda: plain_text(self.readout.value)
        self.view = FigurePanel(
            self.live, [exercise_head, self.exercise, self.exercise_start, self.adherence, guarding_head,
                        self.treatment, self.treatment_start],
            # The evidence and the table go under the figure: above it they pushed it out of sight of the controls.
            below=[self.readout, self.feedback],
            caption=_words("caption"))

    def _draw_static(self) -> None:
        guard_ax, size_ax = self.live.axes
        guard_ax.set(xlim=(0, MODEL_WEEKS), ylim=(0, 100), xlabel=_words("weeks_axis"),
                     ylabel=_words("guarding_axis"), title=_words("guarding_title"))
        size_ax.set(xlim=(0, MODEL_WEEKS), ylim=(70, 105), xlabel=_words("weeks_axis"),
                    ylabel=recovery.SIZE_AXIS_LABEL, title=_words("size_title"))
        size_ax.axhline(100.0, color=style.STRUCTURE_EDGE, linewidth=1.0)
        size_ax.axvline(recovery.follow_up_week(), color=style.STRUCTURE_EDGE, linestyle=":", linewidth=1.0)
        size_ax.annotate(_words("last_exam"), (recovery.follow_up_week(), 72), ha="right",
                         xytext=(-4, 0), textcoords="offset points", fontsize="small")
        alternatives = [outcome(plan) for plan in ALTERNATIVES]
        # The alternatives never change: their curves are static and their readouts computed once.
        self._alternative_rows = [(result.plan.label, result) for result in alternatives]
        for result, line_style in zip(alternatives, ALTERNATIVE_STYLES, strict=True):
            self._plot(result, line_style)
        self.lines = self._plot(outcome(STARTING_PLAN), {"color": PLAN_COLOUR, "linestyle": PLAN_STYLE})
        self.live.dynamic(*self.lines)
        self.live.figure.legend(handles=[*size_ax.get_lines()[2:4], self.lines[-1]],
                                labels=[plan.label for plan in ALTERNATIVES] + [_words("your_plan")],
                                loc="outside lower center", ncols=3)

    def _plot(self, result: PlanOutcome, line_style: dict) -> list:
        guard_ax, size_ax = self.live.axes
        return [guard_ax.plot(result.weeks, 100.0 * result.curves.guarding, **line_style)[0],
                size_ax.plot(result.weeks, result.size, **line_style)[0]]

    @property
    def plan(self) -> Plan:
        """The plan the widgets describe."""
        return Plan(_words("your_plan"), treatment=self.treatment.value, treatment_start_day=self.treatment_start.value,
                    specific_exercise=self.exercise.value, exercise_start_week=self.exercise_start.value,
                    adherence=self.adherence.value / 100.0)

    def state(self) -> dict[str, float]:
        """The current plan's modelled readouts: guarding on day 28 and multifidus size at week 10."""
        result = outcome(self.plan)
        return {"guarding_day_28": result.guarding_on_day_28, "size_week_10": result.size_at_follow_up}

    def update(self) -> None:
        """Recompute the plan, redraw its two curves, the readout and the feedback."""
        result = outcome(self.plan)
        guard_line, size_line = self.lines
        guard_line.set_ydata(100.0 * result.curves.guarding)
        size_line.set_ydata(result.size)
        self.exercise_start.disabled = self.adherence.disabled = not self.exercise.value
        self.treatment_start.disabled = self.treatment.value == NO_TREATMENT
        rows = [*self._alternative_rows, (_words("your_plan"), result)]
        cells = "".join(f"<tr><td>{html.escape(label)}</td><td>{row.guarding_on_day_28:.0%}</td>"
                        f"<td>{row.size_at_follow_up:.0f}%</td></tr>" for label, row in rows)
        header = "".join(f"<th>{column}</th>" for column in wording.phrases("plan_chooser", "table_header"))
        footnote = _words("footnote", size_note=html.escape(plan.SIZE_NOTE), plan=html.escape(self.plan.describe()))
        self.readout.value = (f"{_words('not_a_prognosis')}<table><tr>{header}</tr>{cells}</table>"
                              f"<small>{footnote}</small>")
        self.feedback.value = markdown_html(plan_feedback(result))
        self.live.refresh(state=self.plan)


def outcome_figure() -> LiveFigure:
    """The model figure with the starting plan, for handouts."""
    return PlanChooser().live
