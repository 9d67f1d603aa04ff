"""A small interactive curve that proves the notebook set-up works.

The curve is pure mathematics (exponential decay), not a model of anything in
the body: it only checks that sliders, figures and redraws work on your machine. Its words are in
``data/wording.toml`` ``[setup_check]``.
"""

from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np

from spinelab.course import references, style, wording
from spinelab.course.a11y import plain_text
from spinelab.course.display import Displayable, FigurePanel
from spinelab.course.live import LiveFigure
from spinelab.course.validation import check_range

DAYS = np.linspace(0.0, 60.0, 241)
TIME_CONSTANT_RANGE = (1.0, 30.0)


def _words(key: str, /, **values: object) -> str:
    return wording.phrase("setup_check", key, **values)


def decay(days: np.ndarray, time_constant: float) -> np.ndarray:
    """Exponential decay from 100 with the given time constant (days)."""
    time_constant = check_range("time_constant", time_constant, *TIME_CONSTANT_RANGE)
    return 100.0 * np.exp(-days / time_constant)


def half_life(time_constant: float) -> float:
    """Days for the curve to fall to half: time constant x ln 2."""
    return check_range("time_constant", time_constant, *TIME_CONSTANT_RANGE) * math.log(2.0)


@references.shows(lambda: ())
class DecayDemo(Displayable):
    """A slider that sets a time constant and a curve that follows it."""

    def __init__(self, time_constant: float = 10.0) -> None:
        time_constant = check_range("time_constant", time_constant, *TIME_CONSTANT_RANGE)
        self.slider = widgets.FloatSlider(
            value=time_constant, min=TIME_CONSTANT_RANGE[0], max=TIME_CONSTANT_RANGE[1], step=0.5,
            description=_words("time_constant"), style={"description_width": "initial"},
            continuous_update=True, layout=widgets.Layout(width="60%"),
        )
        self.readout = widgets.HTML()
        self.live = LiveFigure(_words("alt_text"), figsize=(8.0, 3.5))
        ax = self.live.axes[0]
        ax.set(xlim=(0, 60), ylim=(0, 105), xlabel=_words("day"), ylabel=_words("value"), title=_words("title"))
        (self.line,) = ax.plot(DAYS, decay(DAYS, time_constant), color=style.OKABE_ITO["blue"])
        self.marker = ax.axvline(half_life(time_constant), color=style.OKABE_ITO["vermillion"], linestyle="--")
        self.live.dynamic(self.line, self.marker)
        self.slider.observe(lambda change: self.update(change["new"]), names="value")
        self.update(time_constant)
        self.live.render()
        # After every redraw the readout's words go to the panel's polite live region, for screen readers.
        self.live.describe = lambda: plain_text(self.readout.value)
        self.view = FigurePanel(
            self.live, [self.slider, self.readout],
            caption=_words("caption"))

    def update(self, time_constant: float) -> None:
        """Redraw the curve for a new time constant."""
        self.line.set_ydata(decay(DAYS, time_constant))
        days = half_life(time_constant)
        self.marker.set_xdata([days, days])
        self.readout.value = _words("readout", days=f"{days:.1f}")
        self.live.refresh(state=time_constant)

