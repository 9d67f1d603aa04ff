"""Checks for user-facing parameters: bad input fails early, naming the parameter and what is allowed.

Every public function a notebook or an instructor calls checks its numbers, sequences and names here, so that
None, text, :class:`~decimal.Decimal`, lists, booleans, NaN, infinities and numbers too large to compute with
all fail the same way: a :class:`ParameterTypeError` for a value of the wrong kind, a :class:`ValueError` for a
number out of range, both naming the parameter and the allowed values.
"""

from __future__ import annotations

import math
import reprlib
from collections.abc import Iterable, Mapping
from numbers import Integral, Real

import numpy as np


class ParameterTypeError(TypeError, ValueError):
    """A parameter of the wrong kind (None, text, a list where a number belongs...).

    It is also a :class:`ValueError`, so callers that catch bad input as ``ValueError`` still catch it.
    """


def _shown(value: object) -> str:
    return f"{reprlib.repr(value)} ({type(value).__name__})"


def _interval(low: float, high: float, low_open: bool = False, high_open: bool = False) -> str:
    return f"{'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"


def check_number(name: str, value: object, low: float = -math.inf, high: float = math.inf, *,
                 low_open: bool = False, high_open: bool = False) -> float:
    """Return ``value`` as a float if it is a finite real number (not a bool) within the bounds.

    Parameters
    ----------
    name : str
        Parameter name, used in the error message.
    value : object
        The value to check: an int, a float or a NumPy number.
    low, high : float
        Bounds of the allowed range (``math.inf`` for none).
    low_open, high_open : bool
        Whether the bound itself is excluded.

    Returns
    -------
    float
        The checked value.

    Raises
    ------
    ParameterTypeError
        If ``value`` is not a real number (None, text, Decimal, a sequence, a bool).
    ValueError
        If it is NaN, infinite, too large for a float, or outside the range.
    """
    allowed = _interval(low, high, low_open, high_open)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real):
        raise ParameterTypeError(f"{name} must be a number in {allowed} (an int or a float); got {_shown(value)}")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    inside = (low < number if low_open else low <= number) and (number < high if high_open else number <= high)
    if not math.isfinite(number) or not inside:
        raise ValueError(f"{name} must be a finite number in {allowed}; got {reprlib.repr(value)}")
    return number


def check_range(name: str, value: object, low: float, high: float) -> float:
    """Return ``value`` as a float if it is a finite number in ``[low, high]`` (see :func:`check_number`)."""
    return check_number(name, value, low, high)


def check_integer(name: str, value: object, low: int, high: int) -> int:
    """Return ``value`` as an int if it is a whole number (an int, not a bool or a float) in ``[low, high]``.

    Raises
    ------
    ParameterTypeError
        If ``value`` is not an integer.
    ValueError
        If it lies outside the range.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Integral):
        raise ParameterTypeError(f"{name} must be a whole number from {low} to {high}; got {_shown(value)}")
    if not low <= int(value) <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}; got {reprlib.repr(value)}")
    return int(value)


def _items(name: str, values: object, what: str) -> list[object]:
    """The items of a collection, refusing None, a single number, text and mappings."""
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable) \
            or (isinstance(values, np.ndarray) and values.ndim != 1):
        raise ParameterTypeError(f"{name} must be a collection of {what} (a list, tuple or set); got "
                                 f"{_shown(values)}")
    return list(values)


def check_numbers(name: str, values: object, low: float = -math.inf, high: float = math.inf, *,
                  low_open: bool = False, high_open: bool = False, min_length: int = 1) -> tuple[float, ...]:
    """Return a list, tuple or 1-D array of numbers as a tuple of floats, each checked by :func:`check_number`.

    Raises
    ------
    ParameterTypeError
        If ``values`` is not such a collection (None, a single number, text), or an item is not a number.
    ValueError
        If it holds fewer than ``min_length`` items, or an item is out of range (named ``name[i]``).
    """
    items = _items(name, values, f"numbers in {_interval(low, high, low_open, high_open)}")
    if len(items) < min_length:
        raise ValueError(f"{name} must hold at least {min_length} number{'s' * (min_length != 1)}; got {len(items)}")
    return tuple(check_number(f"{name}[{index}]", item, low, high, low_open=low_open, high_open=high_open)
                 for index, item in enumerate(items))


def check_array(name: str, values: object, low: float = -math.inf, high: float = math.inf, *,
                allow_empty: bool = False) -> np.ndarray:
    """Return a number or an array-like of numbers (any shape) as a float array, each in range.

    Raises
    ------
    ParameterTypeError
        If ``values`` holds anything but ints and floats (None, text, Decimal, bools).
    ValueError
        If it is ragged, empty (unless ``allow_empty``), or a value is NaN, infinite or outside ``[low, high]``.
    """
    allowed = f"numbers in {_interval(low, high)}"
    try:
        raw = np.asarray(values)
    except ValueError:  # ragged nesting
        raise ValueError(f"{name} must be a number or a regular array of {allowed}; got {reprlib.repr(values)}") \
            from None
    if raw.size and (raw.dtype.kind not in "iuf" or (not isinstance(values, np.ndarray) and any(
            isinstance(item, (bool, np.bool_)) for item in np.asarray(values, dtype=object).ravel()))):
        raise ParameterTypeError(f"{name} must be a number or an array of {allowed}; got {_shown(values)}")
    array = raw.astype(float)
    if (array.size == 0 and not allow_empty) or not np.all(np.isfinite(array)) or np.any(array < low) \
            or np.any(array > high):
        raise ValueError(f"{name} must be finite {allowed}, at least one; got {reprlib.repr(values)}")
    return array


def check_mapping(name: str, values: object, low: float = -math.inf, high: float = math.inf) -> dict[str, float]:
    """Return a mapping of labels to numbers as a dict, each number checked by :func:`check_number`.

    Raises
    ------
    ParameterTypeError
        If ``values`` is not a mapping, a label is not a string or a value not a number.
    ValueError
        If a number is out of range (named ``name[label]``).
    """
    if not isinstance(values, Mapping):
        raise ParameterTypeError(f"{name} must be a mapping of labels to numbers in {_interval(low, high)}, e.g. "
                                 f"a dict; got {_shown(values)}")
    checked = {}
    for label, value in values.items():
        check_text(f"{name} label", label)
        checked[label] = check_number(f"{name}[{label!r}]", value, low, high)
    return checked


def check_text(name: str, value: object) -> str:
    """Return ``value`` if it is a ``str``.

    Raises
    ------
    ParameterTypeError
        If it is anything else (bytes included: decode them first).
    """
    if not isinstance(value, str):
        hint = "; decode bytes first, e.g. data.decode('utf-8')" if isinstance(value, (bytes, bytearray)) else ""
        raise ParameterTypeError(f"{name} must be a string (str){hint}; got {_shown(value)}")
    return value


def check_names(name: str, values: object, what: str = "names") -> tuple[str, ...]:
    """Return a collection of names (list, tuple, set) as a tuple of strings; ``what`` says what they name.

    Raises
    ------
    ParameterTypeError
        If ``values`` is None, a single string, a number, or holds an item that is not a string.
    """
    items = _items(name, values, what)
    for index, item in enumerate(items):
        if not isinstance(item, str):
            raise ParameterTypeError(f"{name} must hold {what} (strings); item {index} is {_shown(item)}")
    return tuple(items)  # type: ignore[arg-type]
