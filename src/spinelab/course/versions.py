"""Which versions of a library the course's adapters to its private internals were tested with.

The course reaches into a few private parts of other libraries (ipywidgets' number-widget bases and CSS classes,
Voilà's kernel pool, jupyter_client's pending kernels), each through one small adapter
(:mod:`spinelab.course.widget_internals`, :mod:`spinelab.publish.internals`). Each adapter states the versions it
was tested with; :func:`require_tested` fails with a message naming the library, the installed version and the
tested range before a private name is touched, rather than an ``AttributeError`` deep inside. A test checks that the
pins of ``constraints.txt`` lie inside every range. Pure Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import metadata


class UntestedVersionError(RuntimeError):
    """An installed library is outside the versions an adapter to its private internals was tested with."""


@dataclass(frozen=True)
class Tested:
    """A distribution and the versions tested: from ``low`` (inclusive) to ``below`` (exclusive)."""

    distribution: str
    low: str
    below: str

    def covers(self, version: str) -> bool:
        """Whether ``version`` (as ``pip`` reports it) lies in the tested range."""
        return _numbers(self.low) <= _numbers(version) < _numbers(self.below)


def _numbers(version: str) -> tuple[int, ...]:
    """The release numbers of a version (``"8.1.9"`` -> ``(8, 1, 9)``; pre-release tags ignored)."""
    match = re.match(r"\d+(?:\.\d+)*", version.strip())
    return tuple(int(part) for part in match.group().split(".")) if match else ()


def installed(distribution: str) -> str:
    """The installed version of ``distribution``."""
    return metadata.version(distribution)


@cache
def require_tested(tested: Tested) -> str:
    """Return the installed version of ``tested.distribution`` if it lies in the tested range.

    Raises
    ------
    UntestedVersionError
        Naming the library, the installed version and the tested range.
    """
    version = installed(tested.distribution)
    if not tested.covers(version):
        raise UntestedVersionError(
            f"spinelab relies on private parts of {tested.distribution}, tested with versions {tested.low} up to "
            f"(not including) {tested.below}; {version} is installed. Install a tested version "
            f"(pip install -c constraints.txt ...) or update spinelab.")
    return version
