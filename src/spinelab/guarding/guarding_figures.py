"""Figures, widgets and worked numbers for notebook 02: the guarding model explorer and the theories side by side.

The words shown are in ``data/wording.toml`` ``[guarding_figures]``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import ipywidgets as widgets
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.legend import Legend

from spinelab.course import references, style, wording
from spinelab.course.a11y import plain_text
from spinelab.course.display import Displayable, FigurePanel, markdown_html
from spinelab.course.live import LiveFigure
from spinelab.course.text import PlainText
from spinelab.course.validation import check_numbers
from spinelab.guarding import guarding, pain_theories, treatments
from spinelab.guarding.guarding import GuardingParams

NO_TREATMENT = "none"
SIMULATED_DAYS = 120.0
LOOP_GAIN_AXIS = np.linspace(0.0, 1.0, 201)
_WIDE = {"style": {"description_width": "initial"}, "continuous_update": True,
         "layout": widgets.Layout(width="48%")}


def _words(key: str, /, **values: object) -> str:
    return wording.phrase("guarding_figures", key, **values)


def _legend_pair(ax: Axes, always: list[Artist], with_treatment: list[Artist],
                 **kwargs: object) -> tuple[Legend, Legend]:
    """Two legends at the same place: without and with the treatment artists, so only drawn artists are listed."""
    pair = []
    for handles in (always, [*always, *with_treatment]):
        legend = Legend(ax, handles, [handle.get_label() for handle in handles], **kwargs)
        ax.add_artist(legend)
        legend.set_clip_on(False)  # add_artist clips to the axes: a legend placed outside them must not be
        pair.append(legend)
    return pair[0], pair[1]


def _percent_long_run(params: GuardingParams, gains: np.ndarray, treatment: treatments.Treatment | None) -> np.ndarray:
    threshold = guarding.threshold_gain(params, treatment)
    with np.errstate(divide="ignore", invalid="ignore"):
        level = np.where(gains > threshold, 1.0 - threshold / gains, 0.0)
    return 100.0 * level


@references.shows(lambda: ())
class GuardingExplorer(Displayable):
    """Sliders for the guarding model, its curves over days and the threshold loop gain.

    Attributes
    ----------
    injury, healing, loop_gain, start_day : ipywidgets slider
        Model inputs: injury severity, healing time constant (days), loop gain, treatment start day.
    treatment : ipywidgets.Dropdown
        ``"none"`` or one of :data:`spinelab.guarding.treatments.NAMES`.
    readout, evidence : ipywidgets.HTML
        Key numbers (threshold, end-state guarding) and the chosen treatment's evidence.
    curves : spinelab.guarding.guarding.GuardingCurves
        The curves currently shown.
    """

    def __init__(self, params: GuardingParams | None = None, treatment: str = NO_TREATMENT,
                 start_day: int = 14) -> None:
        self.base = params or GuardingParams()
        self.injury = widgets.FloatSlider(value=self.base.injury_severity, min=0.0, max=1.0, step=0.05,
                                          description=_words("injury"), **_WIDE)
        self.healing = widgets.FloatSlider(value=self.base.healing_days, min=2.0, max=30.0, step=1.0,
                                           description=_words("healing"), **_WIDE)
        self.loop_gain = widgets.FloatSlider(value=self.base.loop_gain, min=0.0, max=1.0, step=0.01,
                                             description=_words("loop_gain"), **_WIDE)
        self.treatment = widgets.Dropdown(options=[NO_TREATMENT, *treatments.NAMES], value=treatment,
                                          description=_words("treatment"), style=_WIDE["style"],
                                          layout=widgets.Layout(width="48%"))
        self.start_day = widgets.IntSlider(value=start_day, min=0, max=60, step=1,
                                           description=_words("start_day"), **_WIDE)
        self.readout = widgets.HTML()
        self.evidence = widgets.HTML()
        self.live = LiveFigure(
            _words("explorer_alt_text"),
            figsize=(11.0, 4.0), ncols=3, gridspec_kw={"width_ratios": [1.0, 1.0, 0.85]},
        )
        self._build()
        for control in (self.injury, self.healing, self.loop_gain, self.treatment, self.start_day):
            control.observe(lambda _change: self.update(), names="value")
        self.update()
        controls = [widgets.HBox([self.injury, self.healing]), widgets.HBox([self.loop_gain]),
                    widgets.HBox([self.treatment, self.start_day]), self.readout]
        # After every redraw the readout's words go to the panel's polite live region, for screen readers.
        self.live.describe = lambda: plain_text(self.readout.value)
        self.view = FigurePanel(self.live, controls, below=[self.evidence],
                                caption=_words("explorer_caption"))

    def _build(self) -> None:
        ax_pain, ax_guard, ax_gain = self.live.axes
        days = np.array([0.0, SIMULATED_DAYS])
        colours = style.SIGNAL_COLOURS
        (self.injury_line,) = ax_pain.plot(days, days * 0, color=colours["injury"], linestyle=":",
                                           label=_words("injury_line"))
        (self.pain_line,) = ax_pain.plot(days, days * 0, color=colours["pain"], linestyle="-",
                                         label=_words("pain_line"))
        ax_pain.set(xlim=(0, SIMULATED_DAYS), ylim=(0, 2.05), xlabel=_words("day"),
                    ylabel=_words("model_units"), title=_words("pain_title"))
        ax_pain.legend(loc="upper right")
        (self.guard_line,) = ax_guard.plot(days, days * 0, color=colours["guarding"], linestyle="-",
                                           label=_words("guarding_line"))
        (self.rom_line,) = ax_guard.plot(days, days * 0, color=colours["range of motion"], linestyle="--",
                                         label=_words("rom_line"))
        self.start_line = ax_guard.axvline(0.0, color=style.STRUCTURE_EDGE, linestyle="-.",
                                          label=_words("treatment_starts"))
        ax_guard.set(xlim=(0, SIMULATED_DAYS), ylim=(0, 105), xlabel=_words("day"), ylabel="%",
                     title=_words("guarding_title"))
        threshold = guarding.threshold_gain(self.base)
        ax_gain.plot(LOOP_GAIN_AXIS, _percent_long_run(self.base, LOOP_GAIN_AXIS, None),
                     color=style.OKABE_ITO["black"], linestyle="-", label=_words("no_treatment"))
        ax_gain.axvline(threshold, color=style.OKABE_ITO["black"], linestyle=":")
        ax_gain.text(threshold, 92, _words("threshold_label", threshold=f"{threshold:.2f}"), fontsize="small")
        (self.treated_curve,) = ax_gain.plot(LOOP_GAIN_AXIS, LOOP_GAIN_AXIS * 0, color=style.OKABE_ITO["orange"],
                                             linestyle="--", label=_words("with_treatment"))
        (self.marker,) = ax_gain.plot([self.base.loop_gain], [0.0], marker="o", linestyle="none",
                                      color=colours["guarding"], label=_words("current_setting"))
        ax_gain.set(xlim=(0, 1), ylim=(0, 100), xlabel=_words("loop_gain_axis"),
                    ylabel=_words("guarding_left_axis"), title=_words("threshold_title"))
        # The treatment entries are listed only while a treatment is drawn: each axis gets a legend without and
        # one with them, and update() shows one of the two. Legends are static (text is slow to draw): choosing
        # or clearing a treatment redraws the background; slider moves only blit the curves.
        # Under the axes, not on them: the curves move with every slider, so no place inside stays clear of them.
        below = {"loc": "upper center", "bbox_to_anchor": (0.5, -0.2), "fontsize": "small"}
        self.legends = (
            _legend_pair(ax_guard, [self.guard_line, self.rom_line], [self.start_line], **below),
            _legend_pair(ax_gain, [ax_gain.lines[0], self.marker], [self.treated_curve], **below),
        )
        self.live.figure.suptitle(_words("suptitle"), fontsize="medium")
        self._legends_with_treatment: bool | None = None
        self.live.dynamic(self.injury_line, self.pain_line, self.guard_line, self.rom_line, self.start_line,
                          self.treated_curve, self.marker)

    @property
    def params(self) -> GuardingParams:
        """The model parameters set by the sliders."""
        return self.base.with_changes(injury_severity=self.injury.value, healing_days=self.healing.value,
                                      loop_gain=self.loop_gain.value)

    @property
    def chosen_treatment(self) -> treatments.Treatment | None:
        """The selected treatment, or None."""
        return None if self.treatment.value == NO_TREATMENT else treatments.get(self.treatment.value)

    @property
    def end_guarding(self) -> float:
        """Guarding on the last simulated day (0 to 1), as shown in the readout."""
        return self.curves.end_guarding

    def update(self) -> None:
        """Recompute the model and update the curves, the readout and the evidence."""
        params, treatment = self.params, self.chosen_treatment
        self.curves = guarding.simulate(params, treatment, start_day=self.start_day.value, days=SIMULATED_DAYS)
        curves = self.curves
        self.injury_line.set_data(curves.days, curves.injury)
        self.pain_line.set_data(curves.days, curves.pain)
        self.guard_line.set_data(curves.days, 100.0 * curves.guarding)
        self.rom_line.set_data(curves.days, curves.rom_percent)
        self.start_line.set_xdata([self.start_day.value] * 2)
        self.start_line.set_visible(treatment is not None)
        self.treated_curve.set_ydata(_percent_long_run(params, LOOP_GAIN_AXIS, treatment))
        self.treated_curve.set_visible(treatment is not None)
        self.marker.set_data([params.loop_gain], [100.0 * guarding.long_run_guarding(params, treatment)])
        self.readout.value = self._readout(params, treatment)
        self.evidence.value = _evidence_html(self.treatment.value)
        if self._legends_with_treatment == (treatment is not None):
            self.live.refresh(state=(self.base, self.injury.value, self.healing.value, self.loop_gain.value,
                                     self.treatment.value, self.start_day.value))
            return
        self._legends_with_treatment = treatment is not None
        for without, with_treatment in self.legends:
            without.set_visible(treatment is None)
            with_treatment.set_visible(treatment is not None)
        self.live.render()

    def _readout(self, params: GuardingParams, treatment: treatments.Treatment | None) -> str:
        threshold = guarding.threshold_gain(params)
        text = _words("readout", threshold=f"{threshold:.2f}", gain=f"{params.loop_gain:.2f}",
                      side=_words("above" if params.loop_gain > threshold else "below"),
                      day=f"{SIMULATED_DAYS:.0f}", guarding=f"{self.end_guarding:.0%}",
                      rom=f"{self.curves.rom_percent[-1]:.0f}",
                      long_run=f"{guarding.long_run_guarding(params, treatment):.0%}")
        if treatment is not None:
            treated = guarding.threshold_gain(params, treatment)
            text += " " + _words("readout_treated", treatment=treatment.name, day=self.start_day.value,
                                 threshold=f"{treated:.2f}")
        return text



@functools.cache
def _evidence_html(choice: str) -> str:
    """The evidence panel for the dropdown's choice, built once per choice: a slider move does not change it."""
    if choice == NO_TREATMENT:
        return markdown_html(_words("choose_treatment"))
    treatment = treatments.get(choice)
    return markdown_html(_words("evidence", treatment=treatment.name,
                                mechanism=treatments.mechanism_text(treatment.mechanism),
                                strength=f"{treatments.ILLUSTRATIVE_STRENGTH:.0%}", rationale=treatment.rationale,
                                evidence=treatment.evidence_markdown()))


def explorer_figure() -> LiveFigure:
    """The guarding explorer in its default state, for static handouts."""
    return GuardingExplorer().live


_ROLE_STYLE = {"agonist": {"color": style.OKABE_ITO["blue"], "hatch": ""},
               "antagonist": {"color": style.OKABE_ITO["orange"], "hatch": "//"}}


def theories_figure() -> LiveFigure:
    """The three theories' predicted change in agonist and antagonist activity during pain (static)."""
    live = LiveFigure(
        _words("theories_alt_text"),
        figsize=(10.0, 3.6), ncols=len(pain_theories.THEORIES), sharey=True,
    )
    positions = np.arange(len(pain_theories.ROLES))
    for ax, theory in zip(live.axes, pain_theories.THEORIES, strict=True):
        for x, role in zip(positions, pain_theories.ROLES, strict=True):
            direction = theory.predictions[role]
            role_style = _ROLE_STYLE[role]
            if direction is None:
                ax.bar(x, 2.0, bottom=-1.0, width=0.6, color=role_style["color"], alpha=0.3,
                       hatch=role_style["hatch"], edgecolor=style.STRUCTURE_EDGE)
                ax.text(x, 0.0, _words("up_or_down"), ha="center", va="center", fontsize="small")
            else:
                ax.bar(x, direction, width=0.6, color=role_style["color"], hatch=role_style["hatch"],
                       edgecolor=style.STRUCTURE_EDGE)
                ax.text(x, direction + (0.04 if direction > 0 else -0.04), theory.prediction_text(role),
                        ha="center", va="bottom" if direction > 0 else "top", fontsize="small")
        ax.axhline(0.0, color=style.STRUCTURE_EDGE, linewidth=0.8)
        ax.set(xticks=positions, xticklabels=pain_theories.ROLES, ylim=(-1.25, 1.25), title=theory.short_name)
    live.axes[0].set(yticks=[-1, 0, 1], yticklabels=wording.phrases("guarding_figures", "change_ticks"),
                     ylabel=_words("change_axis"))
    live.render()
    return live


@references.shows(lambda: (pain_theories.EVIDENCE_KEY,))
def theories_panel() -> FigurePanel:
    """The theories figure with its caption, for the notebook."""
    return FigurePanel(theories_figure(),
                       caption=_words("theories_caption", citation=references.cite(pain_theories.EVIDENCE_KEY)))


def threshold_table(loop_gains: Sequence[float]) -> PlainText:
    """The threshold loop gain, then each loop gain's peak guarding, guarding on day 120 and long-run guarding.

    Parameters
    ----------
    loop_gains : sequence of float
        Loop gains to simulate, the other parameters at their defaults.
    """
    loop_gains = check_numbers("loop_gains", loop_gains, *guarding.PARAMETER_RANGES["loop_gain"])
    lines = [_words("threshold_line", threshold=f"{guarding.threshold_gain():.2f}")]
    for gain in loop_gains:
        params = GuardingParams(loop_gain=gain)
        curves = guarding.simulate(params, days=SIMULATED_DAYS)
        lines.append(_words("loop_gain_line", gain=f"{gain:.1f}", peak=f"{curves.peak_guarding:.0%}",
                            day=f"{SIMULATED_DAYS:.0f}", end=f"{curves.end_guarding:.0%}",
                            long_run=f"{guarding.long_run_guarding(params):.0%}"))
    return PlainText("\n".join(lines))


def treatment_timing_table(treatment: str, start_days: Sequence[int], loop_gain: float) -> PlainText:
    """Total guarding and guarding on day 120 when one treatment starts on each of several days.

    Parameters
    ----------
    treatment : str
        One of :data:`spinelab.guarding.treatments.NAMES`.
    start_days : sequence of int
        Days after the injury on which the treatment starts.
    loop_gain : float
        The model's loop gain, the other parameters at their defaults.
    """
    start_days = check_numbers("start_days", start_days, *guarding.START_DAY_RANGE)
    chosen, params = treatments.get(treatment), GuardingParams(loop_gain=loop_gain)
    lines = []
    for day in start_days:
        curves = guarding.simulate(params, chosen, start_day=day, days=SIMULATED_DAYS)
        lines.append(_words("timing_line", start=f"{day:2g}", total=f"{curves.total_guarding:5.1f}",
                            day=f"{SIMULATED_DAYS:.0f}", end=f"{curves.end_guarding:.0%}"))
    return PlainText("\n".join(lines))
