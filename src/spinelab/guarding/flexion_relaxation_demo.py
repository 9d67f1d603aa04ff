"""The flexion-relaxation demo of notebook 02: a guarding slider and SIMULATED erector spinae activity.

The signals and the ratio come from :mod:`spinelab.guarding.flexion_relaxation`;
they are simulated, not recorded, and only the ratios are anchored to published values. The words shown are in
``data/wording.toml`` ``[flexion_relaxation_demo]``.
"""

from __future__ import annotations

import ipywidgets as widgets

from spinelab.course import references, style, wording
from spinelab.course.a11y import plain_text
from spinelab.course.display import Displayable, FigurePanel
from spinelab.course.live import LiveFigure
from spinelab.guarding.flexion_relaxation import (
    GUARDING_RANGE,
    LBP_GUARDING,
    LBP_POOLED_RATIO,
    PHASES,
    SOURCE_KEY,
    envelope,
    flexion_angle,
    flexion_relaxation_ratio,
    phase_mask,
)


def _words(key: str, /, **values: object) -> str:
    return wording.phrase("flexion_relaxation_demo", key, **values)


@references.shows(lambda: (SOURCE_KEY,))
class FlexionRelaxationDemo(Displayable):
    """A guarding slider and the simulated activity of a pain-free person and of one who guards."""

    def __init__(self, guarding: float = LBP_GUARDING) -> None:
        self.slider = widgets.FloatSlider(
            value=round(guarding, 2), min=GUARDING_RANGE[0], max=GUARDING_RANGE[1], step=0.01,
            description=_words("guarding_level"), style={"description_width": "initial"},
            continuous_update=True, layout=widgets.Layout(width="60%"),
        )
        self.readout = widgets.HTML()
        self.live = LiveFigure(
            _words("alt_text"),
            figsize=(10.0, 4.0), ncols=2,
        )
        self.times, pain_free = envelope(0.0)
        self.pain_free_ratio = flexion_relaxation_ratio(self.times, pain_free)
        angle = 100.0 * flexion_angle(self.times)
        self.bending = phase_mask(self.times, "flexion") | phase_mask(self.times, "full flexion")
        ax_time, ax_angle = self.live.axes
        for name, (start, end) in PHASES.items():
            if name in ("flexion", "full flexion", "extension"):
                # Full flexion is hatched as well as darker: two light greys alone are hard to tell apart.
                full = name == "full flexion"
                ax_time.axvspan(start, end, color=style.STRUCTURE_GREY, alpha=0.35 if full else 0.15,
                                hatch="//" if full else None)
                ax_time.text((start + end) / 2, 1.42, name, ha="center", va="top", fontsize="small")
        pain_free_style = {"color": style.OKABE_ITO["blue"], "linestyle": "-", "label": _words("pain_free")}
        guard_style = {"color": style.SIGNAL_COLOURS["guarding"], "linestyle": "--", "label": _words("guarding")}
        ax_time.plot(self.times, pain_free, **pain_free_style)
        (self.time_line,) = ax_time.plot(self.times, pain_free, **guard_style)
        ax_time.set(xlim=(0, self.times[-1]), ylim=(0, 1.45), xlabel=_words("time_axis"),
                    ylabel=_words("activity_axis"), title=_words("time_title"))
        ax_angle.plot(angle[self.bending], pain_free[self.bending], **pain_free_style)
        (self.angle_line,) = ax_angle.plot(angle[self.bending], pain_free[self.bending], **guard_style)
        ax_angle.set(xlim=(0, 102), ylim=(0, 1.45), xlabel=_words("flexion_axis"),
                     ylabel=_words("activity_axis"), title=_words("angle_title"))
        ax_angle.legend(loc="upper left")
        self.live.dynamic(self.time_line, self.angle_line)
        self.slider.observe(lambda change: self.update(change["new"]), names="value")
        self.update(self.slider.value)
        self.live.render()
        # After every redraw the readout's words go to the panel's polite live region, for screen readers.
        self.live.describe = lambda: plain_text(self.readout.value)
        self.view = FigurePanel(
            self.live, [self.slider, self.readout],
            caption=_words("caption", citation=references.cite(SOURCE_KEY)))

    def update(self, guarding: float) -> None:
        """Redraw the guarding curve and the ratio for a new guarding level."""
        _, activity = envelope(guarding)
        self.ratio = flexion_relaxation_ratio(self.times, activity)
        self.time_line.set_ydata(activity)
        self.angle_line.set_ydata(activity[self.bending])
        self.readout.value = _words("readout", ratio=f"{self.ratio:.1f}", pain_free=f"{self.pain_free_ratio:.1f}",
                                    pooled=f"{LBP_POOLED_RATIO:.2f}", citation=references.cite(SOURCE_KEY))
        self.live.refresh(state=guarding)


def demo_figure() -> LiveFigure:
    """The demo in its default state (the pooled chronic low back pain ratio), for static handouts."""
    return FlexionRelaxationDemo().live
