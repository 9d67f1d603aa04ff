"""Every handout figure stays readable under the three dichromacies, not just in its choice of palette.

For each handout, every axes is searched for the artists that encode data: lines, markers, scatter points, line
and polygon collections, bars and other patches. Each is reduced to a *series*: its colour (composited over the
white axes background when it is translucent) and its non-colour cue (line style and marker for lines and
collections, hatch and edge style for patches).

Two series of different colours in the same axes must stay told apart by a student with deuteranopia,
protanopia or tritanopia. They pass when

* their non-colour cue differs (a dashed against a solid line, circles against squares, hatched against plain
  bars): then colour is not the only cue; or
* the colours, as simulated with ``colorspacious`` (Machado, Oliveira & Fernandes 2009 model at severity 100,
  i.e. full dichromacy), differ by at least ``MIN_DELTA_E`` in CAM02-UCS.

Series of one and the same colour are the same group drawn in pieces (an error bar and its caps, a curve and its
marker), or are told apart by position and labels; a colour-vision deficiency cannot make them any more alike, so
they are not compared.

The threshold: CAM02-UCS (Luo, Cui & Li 2006) is the uniform space ``colorspacious`` recommends for colour
differences; one unit there is roughly one just-noticeable difference between two large, adjacent patches.
Lines 2 px wide and 6 px markers are far from that best case: colour-difference thresholds for marks of this size
are several times larger (Stone, Szafir & Setlur 2014; Szafir 2018). ``MIN_DELTA_E = 10`` asks for about ten
just-noticeable differences, which keeps thin, separated marks apart with a margin. The Okabe-Ito colours the course
uses are at least 11 units apart from each other under all three simulations (checked below), so the threshold
does not forbid any pair of the palette; it catches colours from outside it, the structure greys against a
palette colour, and translucent fills washed out towards white.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pytest
from colorspacious import cspace_convert, deltaE
from matplotlib.axes import Axes
from matplotlib.collections import Collection, LineCollection, PathCollection, PolyCollection
from matplotlib.colors import to_rgb, to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from spinelab.course import style
from spinelab.publish import handouts

#: Minimum CAM02-UCS distance between two simulated colours that share their other cues (see the module docstring).
MIN_DELTA_E = 10.0

#: The three dichromacies, as ``colorspacious`` names them (severity 100 is the full deficiency).
CVD_TYPES = ("deuteranomaly", "protanomaly", "tritanomaly")


@dataclass(frozen=True)
class Series:
    """One data-encoding artist of an axes, reduced to what a reader can tell apart."""

    description: str
    rgb: tuple[float, float, float]
    cue: tuple[object, ...]


def _over_white(rgba: tuple[float, float, float, float]) -> tuple[float, float, float]:
    """The colour seen when ``rgba`` is drawn on the white axes background."""
    red, green, blue, alpha = rgba
    return tuple(round(alpha * channel + (1 - alpha), 4) for channel in (red, green, blue))  # type: ignore[return-value]


def _rgba(colour: object) -> tuple[float, float, float, float] | None:
    """The first colour of ``colour`` (one colour or an array of them), or None when nothing is painted."""
    array = np.asarray(colour, dtype=object)
    if array.size == 0:
        return None
    if array.ndim == 2:
        colour = tuple(array[0])
    rgba = to_rgba(colour)
    return None if rgba[3] == 0 else rgba


def _line_style(linestyle: object) -> object:
    """A line style, normalised: None when no line is drawn; dash patterns for the named ones."""
    if linestyle in (None, "None", "none", " ", ""):
        return None
    return linestyle


def _line_series(line: Line2D) -> Series | None:
    linestyle = _line_style(line.get_linestyle())
    marker = line.get_marker()
    marker = None if marker in (None, "None", "none", " ", "") else str(marker)
    if linestyle is None and marker is None:
        return None
    rgba = _rgba(line.get_color())
    if rgba is None:
        return None
    if line.get_alpha() is not None:
        rgba = (*rgba[:3], rgba[3] * line.get_alpha())
    return Series(f"line {line.get_label()!r}", _over_white(rgba), ("line", linestyle, marker))


def _collection_series(collection: Collection) -> Series | None:
    rgba = _rgba(collection.get_facecolor())
    if isinstance(collection, LineCollection) or rgba is None:
        rgba = _rgba(collection.get_edgecolor())
    if rgba is None:
        return None
    linestyles = collection.get_linestyle()
    offsets, pattern = linestyles[0] if linestyles else (0, None)
    dash = None if pattern is None else (offsets, tuple(pattern))
    paths = collection.get_paths() if isinstance(collection, PathCollection) else []
    marker = tuple(map(tuple, paths[0].vertices.round(3))) if paths else None
    kind = type(collection).__name__
    cue = (kind, dash, marker, collection.get_hatch() or None)
    return Series(f"{kind} {collection.get_label()!r}", _over_white(rgba), cue)


def _patch_series(patch: Patch) -> Series | None:
    rgba = _rgba(patch.get_facecolor()) if patch.get_fill() else None
    edge = False
    if rgba is None:
        rgba, edge = _rgba(patch.get_edgecolor()), True
    if rgba is None:
        return None
    cue = ("patch", patch.get_hatch() or None, _line_style(patch.get_linestyle()) if edge else None)
    return Series(f"{type(patch).__name__} {patch.get_label()!r}", _over_white(rgba), cue)


def series_of(axes: Axes) -> list[Series]:
    """Every visible data-encoding artist of ``axes`` as a :class:`Series`."""
    found: list[Series | None] = []
    for line in axes.lines:
        if line.get_visible():
            found.append(_line_series(line))
    for collection in axes.collections:
        if collection.get_visible() and isinstance(collection, PathCollection | LineCollection | PolyCollection):
            found.append(_collection_series(collection))
    for patch in axes.patches:
        if patch.get_visible():
            found.append(_patch_series(patch))
    return [series for series in found if series is not None]


def simulate(rgb: tuple[float, float, float], cvd_type: str) -> np.ndarray:
    """``rgb`` as seen with the full dichromacy ``cvd_type`` (sRGB1, clipped to the gamut)."""
    space = {"name": "sRGB1+CVD", "cvd_type": cvd_type, "severity": 100}
    return np.clip(cspace_convert(np.asarray(rgb), space, "sRGB1"), 0, 1)


def difference(first: tuple[float, float, float], second: tuple[float, float, float], cvd_type: str) -> float:
    """CAM02-UCS distance between two colours as simulated for ``cvd_type``."""
    return float(deltaE(simulate(first, cvd_type), simulate(second, cvd_type),
                        input_space="sRGB1", uniform_space="CAM02-UCS"))


def confusable_pairs(axes: Axes) -> list[str]:
    """Pairs of series in ``axes`` that differ only by a colour a dichromat cannot tell apart."""
    distinct: dict[tuple[tuple[float, float, float], tuple[object, ...]], Series] = {}
    for series in series_of(axes):
        distinct.setdefault((series.rgb, series.cue), series)
    failures = []
    for first, second in itertools.combinations(distinct.values(), 2):
        if first.rgb == second.rgb or first.cue != second.cue:
            continue
        for cvd_type in CVD_TYPES:
            delta = difference(first.rgb, second.rgb, cvd_type)
            if delta < MIN_DELTA_E:
                failures.append(f"{first.description} vs {second.description}: ΔE' {delta:.1f} under {cvd_type}")
    return failures


@pytest.fixture(scope="module")
def figures():
    built = {handout.name: handout.build() for handout in handouts.HANDOUTS}
    yield {name: live.figure for name, live in built.items()}
    for live in built.values():
        plt.close(live.figure)


def test_the_palette_itself_clears_the_threshold():
    for cvd_type in CVD_TYPES:
        for first, second in itertools.combinations(style.OKABE_ITO.values(), 2):
            rgb = (to_rgb(first), to_rgb(second))
            assert difference(*rgb, cvd_type) >= MIN_DELTA_E, (first, second, cvd_type)


def test_a_red_green_pair_with_nothing_else_is_caught():
    figure, axes = plt.subplots()
    axes.plot([0, 1], [0, 1], color="#D62728", label="red")
    axes.plot([0, 1], [1, 0], color="#2CA02C", label="green")
    try:
        failures = confusable_pairs(axes)
        assert any("deuteranomaly" in failure for failure in failures)
        axes.lines[1].set_linestyle("--")
        assert confusable_pairs(axes) == []
    finally:
        plt.close(figure)


@pytest.mark.parametrize("handout", handouts.HANDOUTS, ids=lambda handout: handout.name)
def test_every_pair_of_series_stays_distinguishable(figures, handout):
    figure = figures[handout.name]
    compared = [series for axes in figure.axes for series in series_of(axes)]
    assert compared, f"{handout.name}: no series found to compare"
    failures = [f"axes {index} ({axes.get_title()!r}): {failure}"
                for index, axes in enumerate(figure.axes) for failure in confusable_pairs(axes)]
    assert not failures, "\n".join(failures)
