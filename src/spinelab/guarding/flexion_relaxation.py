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
standing and extension levels) is illustrative. The interactive demo is in
:mod:`spinelab.guarding.flexion_relaxation_demo`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from spinelab.course.text import PlainText
from spinelab.course.validation import check_mapping, check_range

#: Pooled mean FRR in nonspecific chronic low back pain (Gouteron et al. 2022).
LBP_POOLED_RATIO = 2.96
#: Pooled FRR difference, asymptomatic minus chronic low back pain, as a magnitude (Gouteron et al. 2022).
POOLED_DIFFERENCE = 1.19
#: Simulated pain-free ratio: a rough anchor derived from the two pooled values above.
PAIN_FREE_RATIO = LBP_POOLED_RATIO + POOLED_DIFFERENCE
SOURCE_KEY = "gouteron2022"

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


def ratio_table(levels: Mapping[str, float]) -> PlainText:
    """The simulated FRR at each named guarding level, one line each.

    Parameters
    ----------
    levels : mapping of str to float
        Labels (``"pain-free"``) and their guarding levels, 0 to 1.
    """
    levels = check_mapping("levels", levels, *GUARDING_RANGE)
    return PlainText("\n".join(f"Simulated FRR, {label} (guarding level {level:.2f}): {ratio_for(level):.1f}"
                                for label, level in levels.items()))
