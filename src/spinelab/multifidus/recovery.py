"""Multifidus recovery after a first episode of low back pain: an approach to an asymptote.

Size is the cross-sectional area of multifidus on the painful side as a
percentage of the unaffected side (100 % = symmetric). The model is

``size(t) = asymptote - (asymptote - start) * exp(-t / time_constant)``

with t in weeks: the muscle recovers quickly at first, then ever more slowly
towards its asymptote, the size it would eventually reach.

What is data and what is not
----------------------------
Hides et al. 1996 reported that recovery was more rapid and more complete
with specific exercise (P = 0.0001) and that in the control group the muscle
did not recover spontaneously, while pain resolved in both groups. The
abstract reports no per-group sizes at 4 and 10 weeks. The group parameters
in :data:`GROUPS` are therefore ILLUSTRATIVE: chosen to express the reported result (exercise: full recovery, faster;
control: incomplete), not fitted to data. :func:`fit` lets students fit the
model to measurements themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import curve_fit

from spinelab.course import wording
from spinelab.course.validation import check_array, check_integer, check_range
from spinelab.multifidus import studies

#: Physiological bounds of size, % of the unaffected side (a retrained side may slightly exceed the other).
SIZE_RANGE = (0.0, 110.0)
#: Time constants allowed, in weeks.
TIME_CONSTANT_RANGE = (0.1, 52.0)
#: Weeks the model is drawn for (the trial's last examination was at week 10).
MAX_WEEKS = 52.0


def follow_up_week() -> float:
    """Week of the trial's last examination (Hides et al. 1996), from the study data."""
    return studies.value("hides1996_exam_week10").value


def __getattr__(name: str) -> str:
    """The words every modelled size is shown with, read from ``data/wording.toml`` on first use:
    :data:`ILLUSTRATIVE_NOTE` (what every printout must say: the scale is invented, not measured) and
    :data:`SIZE_AXIS_LABEL` (the y-axis label of every figure that plots modelled sizes)."""
    if name in ("ILLUSTRATIVE_NOTE", "SIZE_AXIS_LABEL"):
        return wording.phrase("recovery", name.lower())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class RecoveryParameters:
    """Parameters of one recovery curve.

    Parameters
    ----------
    asymptote : float
        Size approached in the long run, % of the unaffected side.
    start : float
        Size at week 0, % of the unaffected side.
    time_constant : float
        Weeks to cover about 63 % of the distance from start to asymptote.
    status : str
        "illustrative", "fitted" or "synthetic": what the numbers are.
    """

    asymptote: float
    start: float
    time_constant: float
    status: str = "illustrative"

    def __post_init__(self) -> None:
        check_range("asymptote", self.asymptote, *SIZE_RANGE)
        check_range("start", self.start, *SIZE_RANGE)
        check_range("time_constant", self.time_constant, *TIME_CONSTANT_RANGE)

    def size(self, weeks: np.ndarray | float) -> np.ndarray:
        """Modelled size at ``weeks``, % of the unaffected side."""
        return size(weeks, self.asymptote, self.start, self.time_constant)


#: ILLUSTRATIVE group curves (not fitted: the abstract reports no per-group sizes). They encode only the reported
#: direction of the result of Hides et al. 1996: exercise recovers fully and faster, control incompletely.
#: Their numbers (start 80 %, control plateau 88 %, time constants) are INVENTED: anything printing or plotting
#: them says so with :data:`ILLUSTRATIVE_NOTE` or :data:`SIZE_AXIS_LABEL`.
GROUPS: dict[str, RecoveryParameters] = {
    "control": RecoveryParameters(asymptote=88.0, start=80.0, time_constant=4.0),
    "specific exercise": RecoveryParameters(asymptote=100.0, start=80.0, time_constant=2.0),
}


def _checked_weeks(weeks: np.ndarray | float) -> np.ndarray:
    return check_array("weeks", weeks, 0.0, MAX_WEEKS)


def size(weeks: np.ndarray | float, asymptote: float, start: float, time_constant: float) -> np.ndarray:
    """Size at ``weeks`` approaching ``asymptote`` from ``start`` with ``time_constant`` (weeks).

    Returns
    -------
    numpy.ndarray
        Size in % of the unaffected side.
    """
    asymptote = check_range("asymptote", asymptote, *SIZE_RANGE)
    start = check_range("start", start, *SIZE_RANGE)
    time_constant = check_range("time_constant", time_constant, *TIME_CONSTANT_RANGE)
    return asymptote - (asymptote - start) * np.exp(-_checked_weeks(weeks) / time_constant)


def predict(weeks: np.ndarray | float, exercise_start_week: float = 0.0, adherence: float = 1.0) -> np.ndarray:
    """Modelled size for a plan: specific exercise from ``exercise_start_week``, kept up to ``adherence``.

    MODEL, NOT DATA. Before exercise starts the muscle follows the control curve.
    From then on it approaches an asymptote and at a rate that interpolate by
    adherence between the control (0) and exercise (1) curves of :data:`GROUPS`;
    the curve is continuous at the start week. With ``exercise_start_week = 0`` and
    ``adherence = 1`` it is the exercise curve; with ``adherence = 0`` the control curve.

    Parameters
    ----------
    weeks : array_like
        Times in [0, 52] weeks.
    exercise_start_week : float
        Week specific exercise begins, in [0, 52].
    adherence : float
        Fraction of the programme carried out, in [0, 1].

    Returns
    -------
    numpy.ndarray
        Size in % of the unaffected side.
    """
    weeks = _checked_weeks(weeks)
    exercise_start_week = check_range("exercise_start_week", exercise_start_week, 0.0, MAX_WEEKS)
    adherence = check_range("adherence", adherence, 0.0, 1.0)
    control, exercise = GROUPS["control"], GROUPS["specific exercise"]
    asymptote = control.asymptote + adherence * (exercise.asymptote - control.asymptote)
    # Interpolate the rate (1 / time constant): a half-kept programme recovers at a rate between the two.
    rate = (1.0 - adherence) / control.time_constant + adherence / exercise.time_constant
    size_at_start = control.size(exercise_start_week)
    after = asymptote - (asymptote - size_at_start) * np.exp(-np.clip(weeks - exercise_start_week, 0.0, None) * rate)
    return np.where(weeks < exercise_start_week, control.size(weeks), after)


def recovery_achieved(
    exercise_start_week: float = 0.0, adherence: float = 1.0, at_week: float | None = None,
) -> float:
    """Where a plan's modelled size at ``at_week`` lies between the control (0) and exercise (1) curves.

    MODEL, NOT DATA: the treatment explorer's readout of a plan's modelled recovery.
    """
    at_week = check_range("at_week", follow_up_week() if at_week is None else at_week, 1e-3, MAX_WEEKS)
    control = float(GROUPS["control"].size(at_week))
    exercise = float(GROUPS["specific exercise"].size(at_week))
    planned = float(predict(at_week, exercise_start_week, adherence)[()])
    return float(np.clip((planned - control) / (exercise - control), 0.0, 1.0))


@dataclass(frozen=True)
class FitResult:
    """A least-squares fit of the recovery model, with standard errors from the fit's covariance."""

    parameters: RecoveryParameters
    standard_errors: tuple[float, float, float]
    residual_sd: float

    def summary(self) -> str:
        """The fitted parameters in words, with their standard errors."""
        p, (se_a, se_s, se_t) = self.parameters, self.standard_errors
        return wording.phrase("recovery", "fit_summary", asymptote=f"{p.asymptote:.1f}", se_asymptote=f"{se_a:.1f}",
                              start=f"{p.start:.1f}", se_start=f"{se_s:.1f}", time_constant=f"{p.time_constant:.1f}",
                              se_time_constant=f"{se_t:.1f}", residual_sd=f"{self.residual_sd:.1f}")


def fit(weeks: np.ndarray, sizes: np.ndarray, status: str = "fitted") -> FitResult:
    """Fit the recovery model to measurements by bounded least squares (scipy ``curve_fit``).

    Parameters
    ----------
    weeks : array_like
        Times of the measurements in [0, 52] weeks; at least 4 measurements at 3 or more distinct times.
    sizes : array_like
        Measured size in % of the unaffected side, in [0, 110].
    status : str
        Label of the result ("fitted" for real data, "synthetic" for generated data).

    Returns
    -------
    FitResult
        The fitted parameters and their standard errors.
    """
    weeks_array = _checked_weeks(weeks)
    sizes_array = np.asarray(sizes, dtype=float)
    if sizes_array.shape != weeks_array.shape:
        raise ValueError(f"sizes must have the same length as weeks ({weeks_array.size}); got {sizes_array.size}")
    low, high = SIZE_RANGE
    if not np.all(np.isfinite(sizes_array)) or np.any(sizes_array < low) or np.any(sizes_array > high):
        raise ValueError(f"sizes must be finite numbers in [{SIZE_RANGE[0]}, {SIZE_RANGE[1]}] % of the unaffected side")
    if weeks_array.size < 4 or np.unique(weeks_array).size < 3:
        raise ValueError("weeks must hold at least 4 measurements at 3 or more distinct times to fit 3 parameters")
    first = sizes_array[weeks_array == weeks_array.min()].mean()
    guess = (sizes_array.max(), first, min(max(np.ptp(weeks_array) / 3.0, 0.2), 50.0))
    bounds = ([low, low, TIME_CONSTANT_RANGE[0]], [high, high, TIME_CONSTANT_RANGE[1]])
    estimate, covariance = curve_fit(
        lambda t, a, s, tau: a - (a - s) * np.exp(-t / tau), weeks_array, sizes_array, p0=guess, bounds=bounds,
    )
    parameters = RecoveryParameters(*(float(x) for x in estimate), status=status)
    errors = np.sqrt(np.clip(np.diag(covariance), 0.0, None))
    return FitResult(
        parameters=parameters,
        standard_errors=(float(errors[0]), float(errors[1]), float(errors[2])),
        residual_sd=residual_sd(weeks_array, sizes_array, parameters),
    )


def residual_sd(weeks: np.ndarray, sizes: np.ndarray, parameters: RecoveryParameters) -> float:
    """The typical distance of measurements from a curve, % of the unaffected side.

    The root of the residual sum of squares over the degrees of freedom left by the model's 3 parameters, as
    :func:`fit` reports it: a curve set by hand can be compared with the fitted one.

    Parameters
    ----------
    weeks, sizes : array_like
        The measurements, as for :func:`fit`.
    parameters : RecoveryParameters
        The curve.
    """
    weeks_array = _checked_weeks(weeks)
    sizes_array = check_array("sizes", sizes, *SIZE_RANGE)
    if sizes_array.shape != weeks_array.shape:
        raise ValueError(f"sizes must have the same length as weeks ({weeks_array.size}); got {sizes_array.size}")
    residuals = sizes_array - parameters.size(weeks_array)
    return float(np.sqrt(np.sum(residuals**2) / max(weeks_array.size - 3, 1)))


def synthetic_measurements(
    parameters: RecoveryParameters, weeks: np.ndarray, noise_sd: float = 3.0, seed: int = 0,
) -> np.ndarray:
    """SYNTHETIC measurements for practising :func:`fit`: the model plus Gaussian noise. Not patient data.

    Parameters
    ----------
    parameters : RecoveryParameters
        The curve to sample.
    weeks : array_like
        Measurement times in [0, 52] weeks.
    noise_sd : float
        Standard deviation of the measurement noise, % of the unaffected side, in [0, 20].
    seed : int
        Seed of the random generator, so the numbers are reproducible.

    Returns
    -------
    numpy.ndarray
        Sizes clipped to the physiological range.
    """
    noise_sd = check_range("noise_sd", noise_sd, 0.0, 20.0)
    weeks_array = _checked_weeks(weeks)
    seed = check_integer("seed", seed, 0, 2 ** 63 - 1)
    noise = np.random.default_rng(seed).normal(0.0, noise_sd, size=weeks_array.shape)
    return np.clip(parameters.size(weeks_array) + noise, *SIZE_RANGE)

