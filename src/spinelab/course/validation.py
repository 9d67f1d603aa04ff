"""Checks for user-facing parameters: bad input fails early, naming the parameter."""

from __future__ import annotations

import math
from numbers import Real


def check_range(name: str, value: object, low: float, high: float) -> float:
    """Return ``value`` as a float if it is a finite number in ``[low, high]``.

    Parameters
    ----------
    name : str
        Parameter name, used in the error message.
    value : object
        The value to check.
    low, high : float
        Inclusive bounds of the allowed range (``math.inf`` for no upper bound).

    Returns
    -------
    float
        The checked value.

    Raises
    ------
    ValueError
        If ``value`` is not a real number, is NaN or infinite, or lies outside the range.
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a number in [{low}, {high}]; got {value!r}")
    number = float(value)
    if not math.isfinite(number) or not low <= number <= high:
        raise ValueError(f"{name} must be a finite number in [{low}, {high}]; got {value!r}")
    return number
