"""Protective guarding: a small model of one contested idea, guarding kept going by a pain–spasm–pain loop.

The model is ILLUSTRATIVE: its equations show a mechanism, and its parameter
values are chosen to make that mechanism visible, not fitted to patients.

Four quantities, all dimensionless, change with time ``t`` in days:

* **injury** ``I(t) = I0 · exp(-t / healing_days)``: the tissue heals on its own;
  ``I0`` (injury severity) is between 0 and 1.
* **pain** ``P = I + g · G``: pain comes from the injury and, through the
  "pain-spasm-pain" loop of gain ``g``, from the guarding itself.
* **guarding** ``G`` (activity of the long back extensors, the erector spinae,
  and other global trunk muscles above baseline, 0 = none, 1 = maximal) rises
  with pain and decays:
  ``dG/dt = (k · P · (1 - G) - G) / guarding_days``, with ``k`` the drive.
* **range of motion** ``ROM = 100 % · (1 - rom_loss · G)``: guarding stiffens the back.

Once the tissue has healed (``I = 0``) the guarding equation is
``dG/dt = G · (k · g · (1 - G) - 1) / guarding_days``. No guarding (``G = 0``)
is stable when ``k · g < 1``: below the **threshold loop gain** ``g* = 1 / k``
guarding fades as the tissue heals. Above it guarding
sustains itself at ``G* = 1 - 1 / (k · g)`` after the tissue has healed.

A treatment starting on a chosen day changes the parameters (see
:mod:`spinelab.guarding.treatments`): it can lower the drive ``k`` or the loop gain
``g``, or add a decay ``extra_decay_per_day`` of guarding. The threshold then
becomes ``g* = (1 + extra_decay_per_day · guarding_days) / (k · drive_factor · gain_factor)``.

Integration uses a semi-implicit Euler step (pain explicit, guarding
implicit), which keeps ``G`` in ``[0, 1)`` for any step size, has exactly the
same equilibria and threshold as the equations above, and preserves the order
of solutions: lowering any parameter never raises guarding at any time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from typing import Protocol

import numpy as np

from spinelab.course.validation import check_range

#: Allowed range of each model parameter (inclusive).
PARAMETER_RANGES: dict[str, tuple[float, float]] = {
    "injury_severity": (0.0, 1.0),
    "healing_days": (1.0, 60.0),
    "loop_gain": (0.0, 2.0),
    "drive": (0.1, 10.0),
    "guarding_days": (0.5, 10.0),
    "rom_loss": (0.0, 1.0),
}

#: Allowed ranges of the simulation settings and of a parameter change.
DAYS_RANGE = (10.0, 720.0)
STEP_RANGE = (0.01, 1.0)
START_DAY_RANGE = (0.0, 720.0)
FACTOR_RANGE = (0.0, 1.0)
EXTRA_DECAY_RANGE = (0.0, 5.0)


@dataclass(frozen=True)
class GuardingParams:
    """Parameters of the guarding model (illustrative values, not fitted to data).

    Parameters
    ----------
    injury_severity : float
        Initial tissue injury ``I0``, 0 (none) to 1 (severe).
    healing_days : float
        Time constant of tissue healing (days): the injury falls to 37 % in this time.
    loop_gain : float
        Gain ``g`` of the pain-spasm-pain loop: pain added per unit of guarding.
    drive : float
        ``k``: how strongly pain drives guarding.
    guarding_days : float
        Time constant with which guarding follows pain (days).
    rom_loss : float
        Fraction of range of motion lost at maximal guarding.

    Raises
    ------
    ValueError
        If a parameter is not a finite number in its range (:data:`PARAMETER_RANGES`).
    """

    injury_severity: float = 0.8
    healing_days: float = 10.0
    loop_gain: float = 0.3
    drive: float = 2.5
    guarding_days: float = 2.0
    rom_loss: float = 0.5

    def __post_init__(self) -> None:
        for item in fields(self):
            value = check_range(item.name, getattr(self, item.name), *PARAMETER_RANGES[item.name])
            object.__setattr__(self, item.name, value)

    def with_changes(self, **changes: float) -> GuardingParams:
        """A copy with some parameters changed (validated again)."""
        return replace(self, **changes)


@dataclass(frozen=True)
class ParameterChange:
    """How a treatment changes the model from its start day on.

    Parameters
    ----------
    drive_factor : float
        Multiplies the drive ``k`` (0 to 1: a treatment never raises it).
    gain_factor : float
        Multiplies the loop gain ``g`` (0 to 1).
    extra_decay_per_day : float
        Added decay rate of guarding (per day, 0 to 5).
    """

    drive_factor: float = 1.0
    gain_factor: float = 1.0
    extra_decay_per_day: float = 0.0

    def __post_init__(self) -> None:
        ranges = {"drive_factor": FACTOR_RANGE, "gain_factor": FACTOR_RANGE, "extra_decay_per_day": EXTRA_DECAY_RANGE}
        for name, bounds in ranges.items():
            object.__setattr__(self, name, check_range(name, getattr(self, name), *bounds))


class Changes(Protocol):
    """Anything that gives a :class:`ParameterChange`, such as a :class:`spinelab.guarding.treatments.Treatment`."""

    def change_for(self, guarding_days: float) -> ParameterChange:
        """The parameter change for a model with this guarding time constant."""


NO_CHANGE = ParameterChange()


@dataclass(frozen=True)
class GuardingCurves:
    """The simulated course: one value per day-grid point.

    Attributes
    ----------
    days : numpy.ndarray
        Time grid (days).
    injury, pain, guarding : numpy.ndarray
        Model quantities (dimensionless; injury and guarding in [0, 1], pain in [0, 1 + loop gain]).
    rom_percent : numpy.ndarray
        Range of motion in % of the pain-free range.
    params : GuardingParams
        The parameters used.
    change : ParameterChange
        The treatment's parameter change (``NO_CHANGE`` without treatment).
    start_day : float
        Day the change starts (``inf`` without treatment).
    """

    days: np.ndarray
    injury: np.ndarray
    pain: np.ndarray
    guarding: np.ndarray
    rom_percent: np.ndarray
    params: GuardingParams
    change: ParameterChange = field(default=NO_CHANGE)
    start_day: float = math.inf

    @property
    def end_guarding(self) -> float:
        """Guarding on the last day of the simulation (0 to 1)."""
        return float(self.guarding[-1])

    @property
    def peak_guarding(self) -> float:
        """Highest guarding reached (0 to 1)."""
        return float(self.guarding.max())

    @property
    def total_guarding(self) -> float:
        """Guarding summed over time (guarding-days): the area under the guarding curve."""
        return float(np.sum(0.5 * (self.guarding[1:] + self.guarding[:-1]) * np.diff(self.days)))


def _change_of(treatment: ParameterChange | Changes | None, params: GuardingParams) -> ParameterChange:
    if treatment is None:
        return NO_CHANGE
    if isinstance(treatment, ParameterChange):
        return treatment
    if not callable(getattr(treatment, "change_for", None)):
        raise ValueError(f"treatment must be None, a ParameterChange or a Treatment; got {treatment!r}")
    return treatment.change_for(params.guarding_days)


def threshold_gain(params: GuardingParams | None = None,
                   treatment: ParameterChange | Changes | None = None) -> float:
    """The loop gain above which guarding outlasts the injury: ``g* = (1 + λ·τ_g) / (k · factors)``.

    Without treatment this is ``1 / drive``. Returns ``inf`` if the treatment removes the loop.
    """
    params = params or GuardingParams()
    change = _change_of(treatment, params)
    effective_drive_gain = params.drive * change.drive_factor * change.gain_factor
    if effective_drive_gain == 0.0:
        return math.inf
    return (1.0 + change.extra_decay_per_day * params.guarding_days) / effective_drive_gain


def long_run_guarding(params: GuardingParams | None = None,
                      treatment: ParameterChange | Changes | None = None) -> float:
    """Guarding left once the tissue has healed (analytic): ``max(0, 1 - g*/g)``.

    With a treatment, the treated parameters apply (the treatment is assumed to continue).
    """
    params = params or GuardingParams()
    threshold = threshold_gain(params, treatment)
    if params.loop_gain <= threshold:
        return 0.0
    return 1.0 - threshold / params.loop_gain


def simulate(
    params: GuardingParams | None = None,
    treatment: ParameterChange | Changes | None = None,
    start_day: float = 7.0,
    days: float = 120.0,
    step: float = 0.25,
) -> GuardingCurves:
    """Simulate injury, pain, guarding and range of motion over days.

    Parameters
    ----------
    params : GuardingParams, optional
        Model parameters (defaults: :class:`GuardingParams`).
    treatment : ParameterChange or Treatment or None
        A change of parameters applied from ``start_day`` on; None for no treatment.
    start_day : float
        Day the treatment starts (0 to 720).
    days : float
        Length of the simulation (10 to 720 days).
    step : float
        Time step (0.01 to 1 day).

    Returns
    -------
    GuardingCurves
        The curves on a grid from day 0 to ``days``.

    Raises
    ------
    ValueError
        Naming the parameter and its allowed range.

    Examples
    --------
    >>> curves = simulate(GuardingParams(loop_gain=0.6), days=200)
    >>> round(curves.end_guarding, 2)  # guarding outlasts the healed injury
    0.33
    """
    params = params or GuardingParams()
    change = _change_of(treatment, params)
    start_day = check_range("start_day", start_day, *START_DAY_RANGE) if treatment is not None else math.inf
    days = check_range("days", days, *DAYS_RANGE)
    step = check_range("step", step, *STEP_RANGE)

    n_steps = math.ceil(days / step)
    grid = np.linspace(0.0, n_steps * step, n_steps + 1)
    injury = params.injury_severity * np.exp(-grid / params.healing_days)
    treated = grid >= start_day
    drive = np.where(treated, params.drive * change.drive_factor, params.drive)
    gain = np.where(treated, params.loop_gain * change.gain_factor, params.loop_gain)
    decay = 1.0 + np.where(treated, change.extra_decay_per_day * params.guarding_days, 0.0)

    rate = step / params.guarding_days
    guarding = np.zeros_like(grid)
    level = 0.0
    # Semi-implicit step: the drive k·P uses the current pain; guarding's own loss terms are implicit.
    for n in range(n_steps):
        push = drive[n] * (injury[n] + gain[n] * level)
        level = (level + rate * push) / (1.0 + rate * (push + decay[n]))
        guarding[n + 1] = level
    pain = injury + gain * guarding
    rom_percent = 100.0 * (1.0 - params.rom_loss * guarding)
    return GuardingCurves(grid, injury, pain, guarding, rom_percent, params, change, start_day)
