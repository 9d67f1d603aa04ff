"""Flexion-relaxation: SIMULATED erector spinae activity during a forward bend.

In people without back pain, the lumbar erector spinae fall almost silent near
full trunk flexion (the passive tissues take the load); in many people with
chronic low back pain the activity persists: guarding. The flexion-relaxation
ratio (FRR) measures this. Several formulas are in use (Alschuler et al. 2009
compared five); here FRR = maximum activity during the flexion phase divided by
the mean activity at full flexion. A high ratio means good relaxation.

The signals below are SIMULATED, not recorded: a smooth activity envelope
(arbitrary units, 1 = peak activity while bending) with seeded noise. Only the
ratios are anchored to published values:

* the pooled mean FRR in nonspecific chronic low back pain, 2.96
  (95 % CI 2.02-3.90; Gouteron et al. 2022);
* the pooled difference between asymptomatic people and that group, 1.19
  (95 % CI 0.45-1.92; same review). The simulated pain-free ratio is
  2.96 + 1.19 = 4.15: a rough anchor only, because the two pooled values come
  from different sets of studies and both were very heterogeneous (I2 > 80 %).

Everything else (the shape of the curves, where relaxation starts, the
standing and extension levels) is illustrative.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from spinelab.course import references, style
from spinelab.course.live import LiveFigure, Panel
from spinelab.course.validation import check_range

#: Pooled mean FRR in nonspecific chronic low back pain (Gouteron et al. 2022).
LBP_POOLED_RATIO = 2.96
#: Pooled FRR difference, asymptomatic minus chronic low back pain, as a magnitude (Gouteron et al. 2022).
POOLED_DIFFERENCE = 1.19
#: Simulated pain-free ratio: a rough anchor derived from the two pooled values above.
PAIN_FREE_RATIO = LBP_POOLED_RATIO + POOLED_DIFFERENCE
SOURCE_KEY = "gouteron2022"
DEFINITION_KEY = "alschuler2009"

GUARDING_RANGE = (0.0, 1.0)
SAMPLE_RATE = 100.0  # samples per second
#: Phase boundaries of the simulated bend (seconds): stand, flex, hold full flexion, extend, stand.
PHASES = {"standing": (0.0, 1.5), "flexion": (1.5, 4.5), "full flexion": (4.5, 7.0),
          "extension": (7.0, 10.0), "upright": (10.0, 11.0)}
# Illustrative envelope levels, in units of the peak activity during flexion.
STANDING_LEVEL = 0.35
EXTENSION_PEAK = 1.2
#: Fraction of maximal flexion where relaxation begins (illustrative).
RELAXATION_ONSET = 0.8
NOISE_SD = 0.01
SEED = 2


def _smoothstep(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def time_grid() -> np.ndarray:
    """Sample times of the simulated bend (seconds)."""
    end = PHASES["upright"][1]
    return np.linspace(0.0, end, round(end * SAMPLE_RATE) + 1)


def phase_mask(times: np.ndarray, phase: str) -> np.ndarray:
    """Boolean mask of the samples in one phase of :data:`PHASES`."""
    if phase not in PHASES:
        raise ValueError(f"phase must be one of {', '.join(PHASES)}; got {phase!r}")
    start, end = PHASES[phase]
    return (times >= start) & (times < end)


def flexion_angle(times: np.ndarray) -> np.ndarray:
    """Trunk flexion as a fraction of maximal flexion (0 upright, 1 full flexion)."""
    flex_start, flex_end = PHASES["flexion"]
    ext_start, ext_end = PHASES["extension"]
    down = _smoothstep((times - flex_start) / (flex_end - flex_start))
    up = _smoothstep((times - ext_start) / (ext_end - ext_start))
    return down - up


def full_flexion_level(guarding: float) -> float:
    """Activity at full flexion for a guarding level (0 relaxed as pain-free, 1 no relaxation at all)."""
    guarding = check_range("guarding", guarding, *GUARDING_RANGE)
    relaxed = 1.0 / PAIN_FREE_RATIO
    return relaxed + guarding * (1.0 - relaxed)


def guarding_for_ratio(ratio: float) -> float:
    """The guarding level whose noise-free FRR equals ``ratio`` (1 to :data:`PAIN_FREE_RATIO`)."""
    ratio = check_range("ratio", ratio, 1.0, PAIN_FREE_RATIO)
    relaxed = 1.0 / PAIN_FREE_RATIO
    return (1.0 / ratio - relaxed) / (1.0 - relaxed)


#: The guarding level that reproduces the pooled chronic low back pain FRR.
LBP_GUARDING = guarding_for_ratio(LBP_POOLED_RATIO)


def envelope(guarding: float, noise: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Simulated erector spinae activity envelope during one forward bend.

    Parameters
    ----------
    guarding : float
        0 (relaxes as a pain-free person) to 1 (as active at full flexion as while bending).
    noise : bool
        Add seeded noise (the same noise for every guarding level, so curves are comparable).

    Returns
    -------
    times, activity : numpy.ndarray
        Seconds, and activity in units of the peak activity during flexion.
    """
    residual = full_flexion_level(guarding)
    times = time_grid()
    angle = flexion_angle(times)
    rising = STANDING_LEVEL + (1.0 - STANDING_LEVEL) * np.sin(0.5 * np.pi * np.clip(angle / RELAXATION_ONSET, 0, 1))
    relaxing = 1.0 - (1.0 - residual) * _smoothstep((angle - RELAXATION_ONSET) / (1.0 - RELAXATION_ONSET))
    bending = np.where(angle <= RELAXATION_ONSET, rising, relaxing)
    lift = 1.0 - angle  # 0 at full flexion, 1 upright, during extension
    pulling = residual + (EXTENSION_PEAK - residual) * _smoothstep(lift / 0.3)
    easing = EXTENSION_PEAK - (EXTENSION_PEAK - STANDING_LEVEL) * _smoothstep((lift - 0.3) / 0.7)
    extending = np.where(lift <= 0.3, pulling, easing)
    activity = np.select(
        [phase_mask(times, "flexion"), phase_mask(times, "full flexion"), phase_mask(times, "extension")],
        [bending, np.full_like(times, residual), extending],
        default=STANDING_LEVEL,
    )
    if noise:
        rng = np.random.default_rng(SEED)
        window = np.ones(15) / 15.0  # an RMS envelope is smooth: average the noise over 0.15 s
        jitter = np.convolve(rng.standard_normal(times.size + window.size - 1), window, mode="valid")
        activity = activity * (1.0 + NOISE_SD * jitter / jitter.std())
    return times, activity


def flexion_relaxation_ratio(times: np.ndarray, activity: np.ndarray) -> float:
    """FRR = maximum activity during the flexion phase / mean activity at full flexion."""
    times = np.asarray(times, dtype=float)
    activity = np.asarray(activity, dtype=float)
    if times.shape != activity.shape:
        raise ValueError(f"times and activity must have the same shape; got {times.shape} and {activity.shape}")
    full = activity[phase_mask(times, "full flexion")].mean()
    if not np.isfinite(full) or full <= 0.0:
        raise ValueError(f"activity at full flexion must be a positive number; got {full!r}")
    return float(activity[phase_mask(times, "flexion")].max() / full)


def ratio_for(guarding: float) -> float:
    """The FRR of the simulated (noisy) signal at a guarding level."""
    return flexion_relaxation_ratio(*envelope(guarding))


class FlexionRelaxationDemo:
    """A guarding slider and the simulated activity of a pain-free person and of one who guards."""

    def __init__(self, guarding: float = LBP_GUARDING) -> None:
        self.slider = widgets.FloatSlider(
            value=round(guarding, 2), min=GUARDING_RANGE[0], max=GUARDING_RANGE[1], step=0.01,
            description="Guarding level", style={"description_width": "initial"},
            continuous_update=True, layout=widgets.Layout(width="60%"),
        )
        self.readout = widgets.HTML()
        self.live = LiveFigure(
            "Simulated erector spinae activity during a forward bend. Left: activity against time through "
            "standing, bending, full flexion and straightening up; right: activity against trunk flexion angle. "
            "The pain-free curve falls to a low level at full flexion; the guarding curve stays active, more so "
            "as the slider rises.",
            figsize=(10.0, 4.0), ncols=2,
        )
        self.times, pain_free = envelope(0.0)
        self.pain_free_ratio = flexion_relaxation_ratio(self.times, pain_free)
        angle = 100.0 * flexion_angle(self.times)
        self.bending = phase_mask(self.times, "flexion") | phase_mask(self.times, "full flexion")
        ax_time, ax_angle = self.live.axes
        for name, (start, end) in PHASES.items():
            if name in ("flexion", "full flexion", "extension"):
                ax_time.axvspan(start, end, color=style.STRUCTURE_GREY, alpha=0.15 if name != "full flexion" else 0.35)
                ax_time.text((start + end) / 2, 1.42, name, ha="center", va="top", fontsize="small")
        pain_free_style = {"color": style.OKABE_ITO["blue"], "linestyle": "-", "label": "pain-free (simulated)"}
        guard_style = {"color": style.SIGNAL_COLOURS["guarding"], "linestyle": "--", "label": "guarding (simulated)"}
        ax_time.plot(self.times, pain_free, **pain_free_style)
        (self.time_line,) = ax_time.plot(self.times, pain_free, **guard_style)
        ax_time.set(xlim=(0, self.times[-1]), ylim=(0, 1.45), xlabel="Time (s)",
                    ylabel="Erector spinae activity (peak = 1)", title="Activity through one bend")
        ax_angle.plot(angle[self.bending], pain_free[self.bending], **pain_free_style)
        (self.angle_line,) = ax_angle.plot(angle[self.bending], pain_free[self.bending], **guard_style)
        ax_angle.set(xlim=(0, 102), ylim=(0, 1.45), xlabel="Trunk flexion (% of maximal flexion)",
                     ylabel="Erector spinae activity (peak = 1)", title="Bending down: activity against angle")
        ax_angle.legend(loc="upper left")
        self.live.dynamic(self.time_line, self.angle_line)
        self.slider.observe(lambda change: self.update(change["new"]), names="value")
        self.update(self.slider.value)
        self.live.render()

    def update(self, guarding: float) -> None:
        """Redraw the guarding curve and the ratio for a new guarding level."""
        _, activity = envelope(guarding)
        self.ratio = flexion_relaxation_ratio(self.times, activity)
        self.time_line.set_ydata(activity)
        self.angle_line.set_ydata(activity[self.bending])
        self.readout.value = (
            f"Flexion-relaxation ratio of the simulated guarding curve: <b>{self.ratio:.1f}</b> "
            f"(pain-free simulation {self.pain_free_ratio:.1f}; pooled mean in chronic low back pain "
            f"{LBP_POOLED_RATIO:.2f} {references.cite(SOURCE_KEY)})"
        )
        self.live.refresh()

    def panel(self) -> Panel:
        """Slider, readout and figure as one displayable panel."""
        return Panel(self.live, [self.slider, self.readout],
                     caption="Signals are SIMULATED (seeded noise), not recordings. Only the ratios are anchored to "
                             f"a published meta-analysis {references.cite(SOURCE_KEY)}; the curve shapes are "
                             "illustrative.")


def demo_figure() -> LiveFigure:
    """The demo in its default state (the pooled chronic low back pain ratio), for static handouts."""
    return FlexionRelaxationDemo().live
