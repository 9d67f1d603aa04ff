"""Recurrence of low back pain after a first episode: a survival model calibrated to Hides et al. 2001.

What was reported
-----------------
One year after treatment 30 % of the specific-exercise group and 84 % of the
control group reported a recurrence; two to three years after treatment, 35 %
and 75 % (telephone questionnaires at one and three years). The control
figure *falls* from 84 % to 75 %, so the two figures cannot both be cumulative
proportions ("recurred at any time so far") of the same people.

The interpretation this module makes (an assumption, stated to students)
-------------------------------------------------------------------------
Each figure is the proportion reporting at least one recurrence *within that
follow-up period*: years 0-1 for the first questionnaire, years 1-3 for the
second. Recurrences are modelled as events of a non-homogeneous Poisson
process with a Weibull cumulative hazard ``Λ(t) = (t / scale) ** shape``
(t in years), so that

- P(at least one recurrence in (t1, t2]) = 1 - exp(-(Λ(t2) - Λ(t1))), and
- the cumulative curve F(t) = 1 - exp(-Λ(t)) = P(at least one recurrence by t)
  rises monotonically within [0, 1].

Two figures fix the two parameters exactly. With a = -ln(1 - p1) and
b = -ln(1 - p2) for the periods (0, t1] and (t1, t2]:
``(t2 / t1) ** shape = 1 + b / a`` and ``scale = t1 * a ** (-1 / shape)``.

The model also assumes one shared hazard for everyone in a group: in reality
people differ, and someone who has recurred once is likelier to recur again.
It is a way to draw smooth curves that honour the reported figures, not an
estimate of anyone's risk.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np

from spinelab import studies
from spinelab.validation import check_range

#: Longest time the model is drawn for, in years (the trial's last follow-up was at three years).
MAX_YEARS = 3.0
#: Allowed range of a proportion used for calibration: 0 and 1 would need an infinite hazard.
PROPORTION_RANGE = (1e-6, 1.0 - 1e-6)
#: Below this Weibull shape nearly all risk sits at time zero and the scale underflows: no usable model.
MIN_SHAPE = 0.05


@dataclass(frozen=True)
class WeibullRecurrence:
    """Recurrences as a Poisson process with Weibull cumulative hazard ``(t / scale) ** shape``.

    Parameters
    ----------
    scale : float
        Years at which the cumulative hazard reaches 1 (about 63 % have recurred).
    shape : float
        Below 1 the hazard falls with time (recurrences cluster early), above 1 it rises.
    """

    scale: float
    shape: float

    def __post_init__(self) -> None:
        check_range("scale", self.scale, 1e-300, math.inf)
        check_range("shape", self.shape, 1e-3, 100.0)

    def cumulative_hazard(self, years: np.ndarray | float) -> np.ndarray:
        """Λ(t): expected number of recurrences by ``years``."""
        return (_checked_years(years) / self.scale) ** self.shape

    def cumulative(self, years: np.ndarray | float) -> np.ndarray:
        """F(t) = 1 - exp(-Λ(t)): proportion with at least one recurrence by ``years``."""
        return -np.expm1(-self.cumulative_hazard(years))

    def within(self, start: float, end: float) -> float:
        """Proportion with at least one recurrence in the period (start, end], in years."""
        start = check_range("start", start, 0.0, MAX_YEARS)
        end = check_range("end", end, start, MAX_YEARS)
        hazard = self.cumulative_hazard(np.array([start, end]))
        return float(-np.expm1(-(hazard[1] - hazard[0])))


def _checked_years(years: np.ndarray | float) -> np.ndarray:
    array = np.asarray(years, dtype=float)
    if not np.all(np.isfinite(array)) or np.any(array < 0.0) or np.any(array > MAX_YEARS):
        raise ValueError(f"years must be finite numbers in [0, {MAX_YEARS}]; got values from "
                         f"{np.nanmin(array)} to {np.nanmax(array)}")
    return array


def calibrate(first: float, second: float, first_end: float = 1.0, second_end: float = 3.0) -> WeibullRecurrence:
    """The Weibull model that reproduces two period proportions exactly.

    Parameters
    ----------
    first : float
        Proportion with a recurrence in (0, first_end], in (0, 1).
    second : float
        Proportion with a recurrence in (first_end, second_end], in (0, 1).
    first_end, second_end : float
        Ends of the two periods in years, 0 < first_end < second_end <= 3.

    Raises
    ------
    ValueError
        For a parameter out of range, or a pair whose implied shape is below ``MIN_SHAPE``.

    Returns
    -------
    WeibullRecurrence
        The calibrated model.
    """
    first = check_range("first", first, *PROPORTION_RANGE)
    second = check_range("second", second, *PROPORTION_RANGE)
    first_end = check_range("first_end", first_end, 1e-3, MAX_YEARS)
    second_end = check_range("second_end", second_end, first_end * (1.0 + 1e-6), MAX_YEARS)
    hazard_first = -math.log1p(-first)
    hazard_second = -math.log1p(-second)
    shape = math.log1p(hazard_second / hazard_first) / math.log(second_end / first_end)
    if shape < MIN_SHAPE:
        raise ValueError(
            f"second must not be so small beside first: the implied Weibull shape {shape:.3g} is below {MIN_SHAPE} "
            "(almost all recurrence at time zero), which this model cannot represent"
        )
    scale = first_end * hazard_first ** (-1.0 / shape)
    return WeibullRecurrence(scale=scale, shape=shape)


@cache
def calibrated(group: str) -> WeibullRecurrence:
    """The model calibrated to a group's reported figures (Hides et al. 2001), e.g. ``calibrated("control")``."""
    first, second = studies.reported_recurrence(group)
    return calibrate(first.proportion, second.proportion, first.period[1], second.period[1])


def calibration_report() -> str:
    """Each group's calibrated parameters, the reported figures beside the model's, and the 3-year cumulative value."""
    lines = []
    for group in studies.GROUPS:
        model = calibrated(group)
        lines.append(f"{group}: shape {model.shape:.2f}, scale {model.scale:.2f} years")
        for reported in studies.reported_recurrence(group):
            start, end = reported.period
            lines.append(f"  recurrence within years {start:g}-{end:g}: reported {reported.proportion:.0%}, "
                         f"model {model.within(start, end):.1%}")
        by_end = float(model.cumulative(MAX_YEARS))
        lines.append(f"  model: at least one recurrence by year {MAX_YEARS:g}: {by_end:.1%}")
    return "\n".join(lines)


def cumulative(years: np.ndarray | float, recovery_achieved: float) -> np.ndarray:
    """Modelled cumulative recurrence for a patient whose multifidus recovered partly.

    ILLUSTRATIVE LINK, NOT AN ESTIMATE: the cumulative hazard is interpolated
    between the calibrated control curve (``recovery_achieved = 0``) and the
    calibrated specific-exercise curve (``recovery_achieved = 1``). The trial
    compared two groups; it did not measure how recurrence depends on how much
    the muscle recovered, and muscle change need not track symptoms (Wong et al. 2014).

    Parameters
    ----------
    years : array_like
        Times in [0, 3] years.
    recovery_achieved : float
        In [0, 1], e.g. from :func:`spinelab.recovery.recovery_achieved`.

    Returns
    -------
    numpy.ndarray
        Proportion with at least one recurrence by each time, in [0, 1].
    """
    recovery_achieved = check_range("recovery_achieved", recovery_achieved, 0.0, 1.0)
    hazard = ((1.0 - recovery_achieved) * calibrated("control").cumulative_hazard(years)
              + recovery_achieved * calibrated("specific exercise").cumulative_hazard(years))
    return -np.expm1(-hazard)


def absolute_risk_reduction(control_risk: float, treated_risk: float) -> float:
    """ARR = control risk - treated risk (proportions in [0, 1])."""
    control_risk = check_range("control_risk", control_risk, 0.0, 1.0)
    treated_risk = check_range("treated_risk", treated_risk, 0.0, 1.0)
    return control_risk - treated_risk


def number_needed_to_treat(control_risk: float, treated_risk: float) -> int:
    """NNT = 1 / ARR, rounded up to a whole patient.

    Raises
    ------
    ValueError
        If the treatment does not reduce the risk (ARR <= 0): no NNT exists.
    """
    reduction = absolute_risk_reduction(control_risk, treated_risk)
    if reduction <= 0.0:
        raise ValueError(f"treated_risk must be below control_risk for an NNT; got ARR = {reduction:.3f}")
    # Round first so that e.g. 1 / 0.5 does not become 2.0000000001 and round up to 3.
    return math.ceil(round(1.0 / reduction, 9))


@dataclass(frozen=True)
class Effect:
    """ARR and NNT of one follow-up period of Hides et al. 2001, from the reported figures."""

    period: str
    control_risk: float
    exercise_risk: float
    absolute_risk_reduction: float
    number_needed_to_treat: int

    def sentence(self) -> str:
        """The effect in words, with the small-trial caveat."""
        return (f"{self.period}: recurrence {self.control_risk:.0%} (control) vs {self.exercise_risk:.0%} "
                f"(specific exercise); ARR = {self.absolute_risk_reduction:.2f}, "
                f"NNT = {self.number_needed_to_treat} (one trial, 39 patients: an uncertain estimate).")


def reported_effects() -> list[Effect]:
    """ARR and NNT for each follow-up period, computed from the figures reported by Hides et al. 2001.

    No confidence interval is given: it needs the number of patients answering in
    each group at each follow-up, which we could not verify in the paper.
    """
    control = studies.reported_recurrence("control")
    exercise = studies.reported_recurrence("specific exercise")
    return [
        Effect(period_label(c.period), c.proportion, e.proportion,
               absolute_risk_reduction(c.proportion, e.proportion), number_needed_to_treat(c.proportion, e.proportion))
        for c, e in zip(control, exercise, strict=True)
    ]


def period_label(period: tuple[float, float]) -> str:
    """A follow-up period in the paper's words and in ours, e.g. (1, 3) -> "2–3 years after treatment (read as ...)".

    The paper counts the years in which recurrence was asked about ("two to three years after treatment"); the
    model reads the same figure as the window from ``period[0]`` to ``period[1]`` years.
    """
    start, end = period
    check_range("period end", end, start + 1.0, MAX_YEARS)
    years = f"{end:g} year" if end == start + 1.0 else f"{start + 1.0:g}–{end:g} years"
    return f"{years} after treatment (read as the window from year {start:g} to year {end:g})"
