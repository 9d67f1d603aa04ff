"""Figures and widgets of notebook 03: multifidus recovery, recurrence, and a predict-then-reveal step.

Every figure keeps data and models apart: reported values are drawn as markers
and carry their citation and how they were obtained (see :mod:`spinelab.studies`);
model curves are labelled *model* (calibrated) or *illustrative*. Each class
exposes its widgets as attributes and a :meth:`panel` method, so tests can
drive it; each has a module-level function that builds the figure in a
default state for handouts.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.legend_handler import HandlerTuple

from spinelab import recovery, recurrence, references, studies, style
from spinelab.live import LiveFigure, Panel

WEEKS = np.linspace(0.0, 12.0, 241)
YEARS = np.linspace(0.0, recurrence.MAX_YEARS, 301)
SIZE_LIMITS = (40.0, 116.0)
#: Range of the student's guess, % of the unaffected side.
GUESS_RANGE = (50.0, 110.0)
#: At or above this guess (% of the unaffected side) a prediction counts as "recovered" (a teaching threshold).
RECOVERED_THRESHOLD = 95.0
PLAN_COLOUR = style.OKABE_ITO["black"]
PLAN_STYLE = "-."
_WIDE = {"description_width": "initial"}


def _exam_weeks() -> list[float]:
    return [item.period[1] for item in studies.values("hides1996", "examination")]


def _treatment_period() -> tuple[float, float]:
    return studies.value("hides1996_treatment_weeks").period


def _draw_trial_design(ax) -> None:
    """Shade the treatment weeks and mark the examinations (both reported by Hides et al. 1996)."""
    start, end = _treatment_period()
    ax.axvspan(start, end, color=style.STRUCTURE_GREY, alpha=0.25, linewidth=0)
    ax.text((start + end) / 2, 0.97, "exercise\n2×/week", transform=ax.get_xaxis_transform(),
            ha="center", va="top", fontsize="small", color=style.STRUCTURE_EDGE)
    weeks = _exam_weeks()
    for week in weeks:
        ax.axvline(week, color=style.STRUCTURE_EDGE, linestyle=":", linewidth=1.2)
    top = ax.secondary_xaxis("top")
    top.set_xticks(weeks, labels=["exam"] * len(weeks), fontsize="small", color=style.STRUCTURE_EDGE)


def _size_axes(ax, title: str) -> None:
    ax.set(xlim=(0, WEEKS[-1]), ylim=SIZE_LIMITS, xlabel="Weeks after entry (first episode)",
           ylabel=recovery.SIZE_AXIS_LABEL, title=title)
    ax.axhline(100.0, color=style.STRUCTURE_EDGE, linewidth=1.0)
    ax.text(_treatment_period()[1] + 0.2, 100.5, "unaffected side", ha="left", va="bottom", fontsize="small",
            color=style.STRUCTURE_EDGE)
    _draw_trial_design(ax)


def _group_curve(ax, group: str, x: np.ndarray, y: np.ndarray, label: str):
    (line,) = ax.plot(x, y, color=style.GROUP_COLOURS[group], linestyle=style.GROUP_LINESTYLES[group], label=label)
    return line


def _data_and_model_legend(live: LiveFigure, lines: dict, points: dict, extra: tuple, title: str) -> None:
    """A legend under both panels: one entry per group showing its model line and reported marker together."""
    handles = [(lines[group], points[group]) for group in studies.GROUPS] + [item for item, _label in extra]
    labels = list(studies.GROUPS) + [label for _item, label in extra]
    live.figure.legend(handles, labels, handler_map={tuple: HandlerTuple(ndivide=None)}, loc="outside lower center",
                       ncols=len(labels), fontsize="small", title=title, title_fontsize="small")


def _group_checkboxes() -> dict[str, widgets.Checkbox]:
    return {group: widgets.Checkbox(value=True, description=group, indent=False,
                                    layout=widgets.Layout(width="auto"))
            for group in studies.GROUPS}


class PredictThenReveal:
    """Guess the control group's multifidus size at the last examination, then reveal what was reported.

    The pain panel is visible from the start (pain resolved in both groups); the
    muscle curves and the reported finding appear only after *Reveal*. Because
    per-group sizes were not available, the reveal is the reported qualitative
    finding with illustrative curves, and the feedback compares the guess with it.
    """

    def __init__(self, guess: float = 80.0) -> None:
        self.guess = widgets.FloatSlider(
            value=guess, min=GUESS_RANGE[0], max=GUESS_RANGE[1], step=1.0, style=_WIDE,
            description="Your guess: control group at week 10 (% of unaffected side)",
            layout=widgets.Layout(width="75%"), continuous_update=True,
        )
        self.reveal_button = widgets.Button(description="Reveal", button_style="warning", icon="eye")
        self.feedback = widgets.HTML("<p>Set the slider to your prediction, then press <b>Reveal</b>.</p>")
        self.live = LiveFigure(
            "Left: multifidus size on the painful side as a percentage of the other side over 12 weeks, with the "
            "treatment weeks shaded and the examinations at weeks 4 and 10 marked; your guess for the control group "
            "at week 10 is a black diamond. After Reveal, illustrative curves show the reported finding: the "
            "exercise group returns to about 100 %, the control group stays below it. Right: pain falls to zero in "
            "both groups (illustrative shape; the trial reported that pain resolved in both).",
            figsize=(10.0, 4.0), ncols=2,
        )
        size_ax, pain_ax = self.live.axes
        _size_axes(size_ax, "Multifidus: predict, reveal")
        last = _exam_weeks()[-1]
        (self.guess_marker,) = size_ax.plot([last], [guess], marker="D", color=PLAN_COLOUR, linestyle="none",
                                            markersize=9, label="your guess", zorder=5)
        self.guess_label = size_ax.annotate(f"your guess: {guess:.0f} %", (last, guess), xytext=(-8, 0),
                                            textcoords="offset points", ha="right", va="center", fontsize="small")
        self.curves = {
            group: _group_curve(size_ax, group, WEEKS, recovery.GROUPS[group].size(WEEKS), group)
            for group in studies.GROUPS
        }
        self.finding = size_ax.text(
            0.98, 0.03, "Reported: control\ndid not recover\nspontaneously\n"
            f"(P = {studies.value('hides1996_group_difference_p').value:g})",
            transform=size_ax.transAxes, ha="right", va="bottom", fontsize="x-small",
            bbox={"facecolor": "white", "edgecolor": style.STRUCTURE_EDGE, "alpha": 0.9},
        )
        size_ax.legend(handles=list(self.curves.values()), loc="lower left", fontsize="x-small",
                       title="illustrative", title_fontsize="x-small")
        self._draw_pain(pain_ax)
        for artist in (*self.curves.values(), self.finding):
            artist.set_visible(False)
        self.live.dynamic(self.guess_marker, self.guess_label, *self.curves.values(), self.finding)
        self.guess.observe(lambda change: self.update(change["new"]), names="value")
        self.reveal_button.on_click(lambda _button: self.reveal())
        self.live.render()

    @staticmethod
    def _draw_pain(ax) -> None:
        ax.set(xlim=(0, WEEKS[-1]), ylim=(0, 105), xlabel="Weeks after entry (first episode)",
               ylabel="Pain (% of initial)", title="Pain")
        _draw_trial_design(ax)
        ax.plot(WEEKS, 100.0 * np.exp(-WEEKS / 1.2), color=style.SIGNAL_COLOURS["pain"], linestyle="-",
                label="both groups\n(illustrative)")
        ax.text(0.97, 0.45, f"Reported {references.cite('hides1996')}:\npain and disability\nresolved in both groups",
                transform=ax.transAxes, ha="right", va="top", fontsize="x-small",
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.9})
        ax.legend(loc="upper right", fontsize="x-small")

    @property
    def revealed(self) -> bool:
        """Whether the reported finding is shown."""
        return self.finding.get_visible()

    def update(self, guess: float) -> None:
        """Move the guess marker; after the reveal, also update the feedback."""
        self.guess_marker.set_ydata([guess])
        self.guess_label.xy = (self.guess_marker.get_xdata()[0], guess)
        self.guess_label.set_text(f"your guess: {guess:.0f} %")
        if self.revealed:
            self.feedback.value = self.feedback_for(guess)
        self.live.refresh()

    def reveal(self) -> None:
        """Show the illustrative curves, the reported finding and feedback on the guess."""
        for artist in (*self.curves.values(), self.finding):
            artist.set_visible(True)
        self.feedback.value = self.feedback_for(self.guess.value)
        self.live.refresh()

    @staticmethod
    def feedback_for(guess: float) -> str:
        """Feedback comparing a guess with the reported (qualitative) finding of Hides et al. 1996."""
        source = references.cite("hides1996")
        if guess >= RECOVERED_THRESHOLD:
            verdict = (f"You predicted that the control group's multifidus was back to about the size of the other "
                       f"side ({guess:.0f} %). The trial found the opposite {source}: although pain and disability "
                       "had resolved, the muscle <b>did not recover spontaneously</b> without specific exercise.")
        else:
            verdict = (f"You predicted that the control group's multifidus was still smaller than the other side "
                       f"({guess:.0f} %). That matches the reported finding {source}: pain went, the muscle "
                       "<b>did not recover spontaneously</b>; recovery was more rapid and more complete with "
                       "specific exercise.")
        start = recovery.GROUPS["control"].start
        if guess < start:
            verdict += (f" But your guess is below the size the illustrative curves start from ({start:.0f} %): it "
                        "would mean the muscle went on wasting after entry, which nothing reported shows. (That "
                        "starting size is invented too: the sizes at entry were not available to us.)")
        return (f"<p>{verdict}</p><p><i>How much smaller?</i> The per-group sizes are in the paper's figures, which "
                "we could not read, so no number is shown and the curves are illustrative.</p>")

    def panel(self) -> Panel:
        """Slider, Reveal button, feedback and figure as one displayable panel."""
        return Panel(self.live, [self.guess, self.reveal_button, self.feedback],
                     caption="Predict first: pain resolved in both groups. What happened to the muscle in the "
                             "group without specific exercise? Curves are illustrative (model), not data.")


def predict_reveal_figure() -> LiveFigure:
    """The predict-then-reveal figure in its revealed state, for handouts."""
    demo = PredictThenReveal()
    demo.reveal()
    return demo.live


class RecurrencePlot:
    """Cumulative recurrence over three years per group, calibrated to Hides et al. 2001, with the reported figures.

    Left: modelled cumulative recurrence (proportion with at least one recurrence
    so far) with the reported year-1 figures on it. Right: the proportion with a
    recurrence *within* each follow-up period, reported (filled) against the model
    (horizontal tick): the calibration reproduces them.
    """

    def __init__(self) -> None:
        self.groups = _group_checkboxes()
        self.effects = widgets.HTML(self.effects_html())
        self.live = LiveFigure(
            "Left: modelled cumulative recurrence of low back pain over three years, rising steeply in the first "
            "year to 96 % by year 3 in the control group and more slowly to 54.5 % in the specific exercise group; the "
            "reported one-year figures (84 % and 30 %) are markers on the curves. Right: for the periods year 0-1 "
            "and years 1-3, the reported proportions (84 % and 75 % control; 30 % and 35 % exercise) as markers "
            "with the model's values as ticks at the same heights.",
            figsize=(10.0, 4.5), ncols=2,
        )
        cumulative_ax, period_ax = self.live.axes
        self.artists: dict[str, list] = {group: [] for group in studies.GROUPS}
        self._draw_cumulative(cumulative_ax)
        self._draw_periods(period_ax)
        _data_and_model_legend(self.live, self._lines, self._points, ((self._tick, "model, within period"),),
                               f"lines and ticks: model; markers: reported ({references.get('hides2001').short()}, "
                               "abstract)")
        self.live.dynamic(*(artist for group in studies.GROUPS for artist in self.artists[group]))
        for checkbox in self.groups.values():
            checkbox.observe(lambda _change: self.update(), names="value")
        self.live.render()

    def _draw_cumulative(self, ax) -> None:
        ax.set(xlim=(0, recurrence.MAX_YEARS), ylim=(0, 1.02), xlabel="Years after treatment",
               ylabel="≥ 1 recurrence so far", title="Cumulative recurrence")
        lines, points = {}, {}
        for group in studies.GROUPS:
            model = recurrence.calibrated(group)
            first, _second = studies.reported_recurrence(group)
            lines[group] = line = _group_curve(ax, group, YEARS, model.cumulative(YEARS), group)
            (point,) = ax.plot([first.period[1]], [first.proportion], marker=style.GROUP_MARKERS[group],
                               color=style.GROUP_COLOURS[group], linestyle="none", markersize=9,
                               markeredgecolor="black")
            points[group] = point
            by_end = float(model.cumulative(recurrence.MAX_YEARS))
            # Label below the steep control curve and above the shallow exercise curve, clear of both.
            end = ax.annotate(f"{by_end:.1%}", (recurrence.MAX_YEARS, by_end),
                              xytext=(-4, -28 if group == "control" else 8), textcoords="offset points", ha="right",
                              fontsize="small", color=style.GROUP_COLOURS[group])
            self.artists[group] += [line, point, end]
        self._lines, self._points = lines, points

    def _draw_periods(self, ax) -> None:
        periods = [value.period for value in studies.reported_recurrence("control")]
        labels = [f"years {start:g}–{end:g}" for start, end in periods]
        ax.set(xlim=(-0.5, 1.5), ylim=(0, 1.02), xticks=[0, 1], xticklabels=labels,
               ylabel="Recurrence within period", title="Within each period (assumed)")
        offsets = {"control": -0.12, "specific exercise": 0.12}
        for group in studies.GROUPS:
            model = recurrence.calibrated(group)
            for x, reported in enumerate(studies.reported_recurrence(group)):
                position = x + offsets[group]
                (point,) = ax.plot([position], [reported.proportion], marker=style.GROUP_MARKERS[group],
                                   color=style.GROUP_COLOURS[group], markeredgecolor="black", markersize=9,
                                   linestyle="none")
                (tick,) = ax.plot([position - 0.09, position + 0.09], [model.within(*reported.period)] * 2,
                                  color="black", linewidth=1.5)
                self._tick = tick
                text = ax.annotate(f"{reported.value:.0f} %", (position, reported.proportion), xytext=(0, 9),
                                   textcoords="offset points", ha="center", fontsize="small")
                self.artists[group] += [point, tick, text]

    @staticmethod
    def effects_html() -> str:
        """ARR and NNT per period, with the caveats, as HTML."""
        rows = "".join(f"<li>{effect.sentence()}</li>" for effect in recurrence.reported_effects())
        return (f"<p><b>From the reported figures</b> {references.cite('hides2001')}:</p><ul>{rows}</ul>"
                "<p><small>No confidence interval: it needs the number answering in each group at each follow-up, "
                "which we could not verify.</small></p>")

    def update(self) -> None:
        """Show or hide each group's curves and points by its checkbox."""
        for group, checkbox in self.groups.items():
            for artist in self.artists[group]:
                artist.set_visible(checkbox.value)
        self.live.refresh()

    def panel(self) -> Panel:
        """Checkboxes, figure and the ARR/NNT readout as one displayable panel."""
        return Panel(self.live, [widgets.HBox(list(self.groups.values())), self.effects],
                     caption="Lines: survival model calibrated to the reported figures (an assumption about what "
                             "they mean, see the text). Markers: reported values, Hides et al. 2001 (abstract).")


def recurrence_figure() -> LiveFigure:
    """The recurrence figure with both groups shown, for handouts."""
    return RecurrencePlot().live


class TreatmentExplorer:
    """Set when specific exercise starts and how well it is kept up; watch the modelled curves move.

    MODEL, NOT DATA: the plan's recovery curve interpolates between the illustrative
    group curves (:func:`spinelab.recovery.predict`), and its recurrence curve
    interpolates between the calibrated group curves by the recovery achieved at
    week 10 (:func:`spinelab.recurrence.cumulative`), an illustrative link.
    """

    def __init__(self, exercise_start_week: float = 0.0, adherence_percent: float = 100.0) -> None:
        self.groups = _group_checkboxes()
        self.start = widgets.FloatSlider(value=exercise_start_week, min=0.0, max=10.0, step=1.0, style=_WIDE,
                                         description="Specific exercise starts at week",
                                         layout=widgets.Layout(width="60%"))
        self.adherence = widgets.FloatSlider(value=adherence_percent, min=0.0, max=100.0, step=5.0, style=_WIDE,
                                             description="Adherence (% of programme done)",
                                             layout=widgets.Layout(width="60%"))
        self.readout = widgets.HTML()
        self.live = LiveFigure(
            "Left: modelled multifidus size over 12 weeks for the control and exercise groups (illustrative) and "
            "for your plan (black dash-dot line), which follows the control curve until exercise starts and then "
            "rises faster and higher the better the programme is kept up. Right: modelled cumulative recurrence "
            "over three years for both groups (calibrated) and for your plan, which lies between them.",
            figsize=(10.0, 4.5), ncols=2,
        )
        size_ax, recurrence_ax = self.live.axes
        _size_axes(size_ax, "Recovery (illustrative model)")
        recurrence_ax.set(xlim=(0, recurrence.MAX_YEARS), ylim=(0, 1.02), xlabel="Years after treatment",
                          ylabel="≥ 1 recurrence so far", title="Recurrence (model)")
        self.group_artists: dict[str, list] = {group: [] for group in studies.GROUPS}
        lines, points = {}, {}
        for group in studies.GROUPS:
            first, _second = studies.reported_recurrence(group)
            (points[group],) = recurrence_ax.plot([first.period[1]], [first.proportion],
                                                  marker=style.GROUP_MARKERS[group], color=style.GROUP_COLOURS[group],
                                                  markeredgecolor="black", linestyle="none", markersize=9)
            lines[group] = _group_curve(recurrence_ax, group, YEARS, recurrence.calibrated(group).cumulative(YEARS),
                                        group)
            self.group_artists[group] += [
                _group_curve(size_ax, group, WEEKS, recovery.GROUPS[group].size(WEEKS), group), lines[group],
                points[group],
            ]
        (self.plan_size,) = size_ax.plot(WEEKS, WEEKS, color=PLAN_COLOUR, linestyle=PLAN_STYLE,
                                         label="your plan")
        self.start_line = size_ax.axvline(exercise_start_week, color=PLAN_COLOUR, linewidth=1.0)
        (self.plan_recurrence,) = recurrence_ax.plot(YEARS, YEARS, color=PLAN_COLOUR, linestyle=PLAN_STYLE,
                                                     label="your plan")
        _data_and_model_legend(self.live, lines, points, ((self.plan_recurrence, "your plan"),),
                               f"lines: models; markers: reported year-1 recurrence "
                               f"({references.get('hides2001').short()})")
        self.live.dynamic(*(a for group in studies.GROUPS for a in self.group_artists[group]),
                          self.plan_size, self.start_line, self.plan_recurrence)
        for control in (self.start, self.adherence, *self.groups.values()):
            control.observe(lambda _change: self.update(), names="value")
        self.update()
        self.live.render()

    def state(self) -> dict[str, float]:
        """The plan's modelled numbers: size at week 10 (invented illustrative scale), recovery achieved, recurrence."""
        start, adherence = float(self.start.value), float(self.adherence.value) / 100.0
        achieved = recovery.recovery_achieved(start, adherence)
        by_year = recurrence.cumulative(np.array([1.0, recurrence.MAX_YEARS]), achieved)
        return {
            "size_at_follow_up": float(recovery.predict(recovery.FOLLOW_UP_WEEK, start, adherence)[()]),
            "recovery_achieved": achieved,
            "recurrence_1y": float(by_year[0]),
            "recurrence_3y": float(by_year[1]),
        }

    def update(self) -> None:
        """Redraw the plan's curves and the group visibility for the current widget values."""
        start, adherence = float(self.start.value), float(self.adherence.value) / 100.0
        self.plan_size.set_ydata(recovery.predict(WEEKS, start, adherence))
        self.start_line.set_xdata([start, start])
        state = self.state()
        self.plan_recurrence.set_ydata(recurrence.cumulative(YEARS, state["recovery_achieved"]))
        for group, checkbox in self.groups.items():
            for artist in self.group_artists[group]:
                artist.set_visible(checkbox.value)
        self.readout.value = f"<b>Model, not data.</b> {self.describe()}"
        self.live.refresh()

    def describe(self) -> str:
        """The plan's modelled numbers in words, each labelled with what kind of model it comes from."""
        state = self.state()
        return (f"{recovery.ILLUSTRATIVE_NOTE.capitalize()}: by week {recovery.FOLLOW_UP_WEEK:g} the muscle got "
                f"{state['recovery_achieved']:.0%} of the way from the control curve to the exercise curve. Through "
                "an illustrative link to the calibrated group curves (not an estimate), modelled recurrence is "
                f"{state['recurrence_1y']:.0%} by year 1 and {state['recurrence_3y']:.0%} by year 3.")

    def panel(self) -> Panel:
        """Checkboxes, sliders, readout and figure as one displayable panel."""
        return Panel(self.live, [widgets.HBox(list(self.groups.values())), self.start, self.adherence, self.readout],
                     caption="All curves are models. Group recovery curves are illustrative; group recurrence curves "
                             "are calibrated to Hides et al. 2001; the plan's curves interpolate between them.")


def treatment_explorer_figure() -> LiveFigure:
    """The treatment explorer in its default state (exercise from week 0, full adherence), for handouts."""
    return TreatmentExplorer().live
