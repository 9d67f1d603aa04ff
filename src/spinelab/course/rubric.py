"""An exercise's analytic rubric: criteria, each with levels (label, points, descriptor) from the best to the weakest.

Parsed from the ``rubric`` of an ``[[exercise]]`` in ``data/selfcheck/*.toml`` by :mod:`spinelab.course.quiz`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise


@dataclass(frozen=True)
class RubricLevel:
    """One level of a rubric criterion: its label, its points and what an answer at that level contains."""

    label: str
    points: float
    descriptor: str


@dataclass(frozen=True)
class RubricCriterion:
    """One criterion of an analytic rubric, with its levels from the best to the weakest."""

    name: str
    levels: tuple[RubricLevel, ...]

    @property
    def max_points(self) -> float:
        """The points of the criterion's best level."""
        return self.levels[0].points



def parse(rows: Iterable[dict], where: str) -> tuple[RubricCriterion, ...]:
    """An exercise's rubric; each criterion's levels must run from the most points to the fewest."""
    rubric = tuple(RubricCriterion(row["name"], tuple(RubricLevel(level["label"], float(level["points"]),
                                                                  level["descriptor"]) for level in row["levels"]))
                   for row in rows)
    names = [criterion.name for criterion in rubric]
    for name in {name for name in names if names.count(name) > 1}:
        raise ValueError(f"{where}: rubric criterion {name!r}: the id is used twice")
    for criterion in rubric:
        points = [level.points for level in criterion.levels]
        if any(better <= worse for better, worse in pairwise(points)):
            raise ValueError(f"{where}: rubric criterion {criterion.name!r}: field 'levels' must run from the most "
                             f"points to the fewest, each level fewer than the one before; got {points}")
    return rubric
