"""Notebook 03's fit widget: fit the recovery model to synthetic measurements without writing code.

The student sees the synthetic measurements (the model plus noise, labelled as not patient data), sets a curve with
three sliders (its residual SD is shown, to compare with the fit's) and presses *Fit the model*: the fitted curve
(:func:`spinelab.multifidus.recovery.fit`) is drawn and its estimates printed with their standard errors (the
fit's ``summary()``), beside the curve the measurements were made from. The words are ``[recovery_fit]`` of
``data/wording.toml``.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from spinelab.course import references, style, wording
from spinelab.course.a11y import plain_text
from spinelab.course.display import Displayable, FigurePanel
from spinelab.course.live import LiveFigure
from spinelab.course.style import PLAN_COLOUR, PLAN_STYLE
from spinelab.course.validation import check_array
from spinelab.multifidus import recovery

#: The table of ``data/wording.toml`` with the widget's words.
WORDS = "recovery_fit"
#: Slider ranges: (low, high, step), in % of the unaffected side or weeks.
SIZE_SLIDER = (60.0, 110.0, 0.5)
TIME_CONSTANT_SLIDER = (0.5, 10.0, 0.1)
#: The time constant the slider starts at, in weeks (the sizes start at the first and last measurements' means).
FIRST_TIME_CONSTANT = 5.0
_WIDE = {"description_width": "initial"}


def _slider(key: str, value: float, bounds: tuple[float, float, float]) -> widgets.FloatSlider:
    low, high, step = bounds
    return widgets.FloatSlider(value=float(np.clip(round(value / step) * step, low, high)), min=low, max=high,
                               step=step, description=wording.phrase(WORDS, key), style=_WIDE,
                               continuous_update=False, layout=widgets.Layout(width="95%"))


@references.shows(lambda: ())
class RecoveryFit(Displayable):
    """Synthetic measurements, a curve set with sliders and a *Fit the model* button.

    Parameters
    ----------
    weeks, sizes : array_like
        The synthetic measurements, as for :func:`spinelab.multifidus.recovery.fit`.
    truth : RecoveryParameters
        The curve they were made from (its status must be "synthetic"), shown after the fit for comparison.
    """

    def __init__(self, weeks: np.ndarray, sizes: np.ndarray, truth: recovery.RecoveryParameters) -> None:
        self.weeks = check_array("weeks", weeks, 0.0, recovery.MAX_WEEKS)
        self.sizes = check_array("sizes", sizes, *recovery.SIZE_RANGE)
        if self.sizes.shape != self.weeks.shape:
            raise ValueError(f"sizes must have the same length as weeks ({self.weeks.size}); got {self.sizes.size}")
        if not isinstance(truth, recovery.RecoveryParameters) or truth.status != "synthetic":
            raise ValueError("truth must be RecoveryParameters with status 'synthetic' (the widget labels its points "
                             f"synthetic); got {truth!r}")
        self.truth = truth
        #: The last fit, None before *Fit the model* is pressed.
        self.result: recovery.FitResult | None = None
        first, last = self.weeks.min(), self.weeks.max()
        self.asymptote = _slider("asymptote", self.sizes[self.weeks == last].mean(), SIZE_SLIDER)
        self.start = _slider("start", self.sizes[self.weeks == first].mean(), SIZE_SLIDER)
        self.time_constant = _slider("time_constant", FIRST_TIME_CONSTANT, TIME_CONSTANT_SLIDER)
        self.fit_button = widgets.Button(description=wording.phrase(WORDS, "fit_button"), icon="line-chart",
                                         button_style="primary", tooltip=wording.phrase(WORDS, "fit_tooltip"))
        self.slider_readout = widgets.HTML()
        self.fit_readout = widgets.HTML()
        self.grid = np.linspace(0.0, max(12.0, float(last)), 241)
        self.live = LiveFigure(wording.phrase(WORDS, "alt_text", count=self.weeks.size, first=f"{first:g}",
                                              last=f"{last:g}"), figsize=(8.5, 4.5))
        ax = self.live.axes[0]
        ax.set(xlim=(-0.3, self.grid[-1]), ylim=(SIZE_SLIDER[0], SIZE_SLIDER[1] + 2.0),
               xlabel=wording.phrase(WORDS, "axis_weeks"), ylabel=recovery.SIZE_AXIS_LABEL,
               title=wording.phrase(WORDS, "title"))
        ax.axhline(100.0, color=style.STRUCTURE_EDGE, linewidth=1.0)
        (self.points,) = ax.plot(self.weeks, self.sizes, linestyle="none", marker="o", markerfacecolor="none",
                                 color=style.STRUCTURE_EDGE, label=wording.phrase(WORDS, "data_label"))
        (self.slider_curve,) = ax.plot(self.grid, self.grid, color=PLAN_COLOUR, linestyle=PLAN_STYLE,
                                       label=wording.phrase(WORDS, "slider_label"))
        (self.fitted_curve,) = ax.plot(self.grid, self.grid, color=style.SIGNAL_COLOURS["multifidus"],
                                       linewidth=2.0, label=wording.phrase(WORDS, "fitted_label"))
        # Beside the axes, not on them: the sliders move the curve over the whole plot.
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small")
        self.fitted_curve.set_visible(False)  # after the legend, which keeps its entry
        self.live.dynamic(self.slider_curve, self.fitted_curve)
        for slider in (self.asymptote, self.start, self.time_constant):
            slider.observe(lambda _change: self.update(), names="value")
        self.fit_button.on_click(lambda _button: self.fit())
        self.update()
        self.live.render()
        self.live.describe = lambda: plain_text(f"{self.slider_readout.value} {self.fit_readout.value}")
        self.view = FigurePanel(
            self.live, beside=[self.asymptote, self.start, self.time_constant, self.slider_readout, self.fit_button,
                               self.fit_readout],
            caption=wording.phrase(WORDS, "caption"))

    def slider_parameters(self) -> recovery.RecoveryParameters:
        """The curve set with the sliders."""
        return recovery.RecoveryParameters(float(self.asymptote.value), float(self.start.value),
                                           float(self.time_constant.value), status="synthetic")

    def _state(self, parameters: recovery.RecoveryParameters) -> tuple[object, ...]:
        """What the moving curves depend on: the sliders' curve, the grid's end and the fitted curve (None before)."""
        fitted = None if self.result is None else self.result.parameters
        return parameters, float(self.grid[-1]), fitted

    def update(self) -> None:
        """Redraw the sliders' curve and its residual SD."""
        parameters = self.slider_parameters()
        self.slider_curve.set_ydata(parameters.size(self.grid))
        spread = recovery.residual_sd(self.weeks, self.sizes, parameters)
        self.slider_readout.value = wording.phrase(WORDS, "slider_readout", residual_sd=f"{spread:.1f}")
        self.live.refresh(state=self._state(parameters))

    def fit(self) -> recovery.FitResult | None:
        """Fit the model (as *Fit the model* does): draw the fitted curve and print its estimates.

        Returns the fit, or None (with a message, never a traceback) if no curve could be fitted.
        """
        try:
            result = recovery.fit(self.weeks, self.sizes, status="synthetic")
        except (ValueError, RuntimeError) as error:
            self.fit_readout.value = wording.phrase(WORDS, "fit_failed", reason=str(error))
            return None
        self.result = result
        self.fitted_curve.set_ydata(result.parameters.size(self.grid))
        self.fitted_curve.set_visible(True)
        self.fit_readout.value = wording.phrase(
            WORDS, "fitted_readout", summary=result.summary(), asymptote=f"{self.truth.asymptote:g}",
            start=f"{self.truth.start:g}", time_constant=f"{self.truth.time_constant:g}")
        self.live.refresh(state=self._state(self.slider_parameters()))
        return result
