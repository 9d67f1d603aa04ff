"""Measuring multifidus on ultrasound: outline geometry and simulated images (a model: numpy only, no widgets).

Clinicians measure lumbar multifidus on a transverse ultrasound image by outlining the muscle on each side of
the spinous process, above the lamina, and reading the enclosed cross-sectional area (CSA). This module
holds the arithmetic of that measurement and a simulator for practising it:

- :func:`polygon_area` (the shoelace formula), :func:`area_cm2` (pixels to cm² through the image scale),
  :func:`asymmetry_percent` (the side-to-side difference as a % of the larger side),
  :func:`self_intersects` and :func:`check_outline` (a tracing must be a simple polygon inside the image);
- :class:`Case`: a **simulated** transverse image at L4 or L5, generated from a seed, with the true outlines
  and areas known, so a tracing can be compared with the truth. The images are drawn by this model (speckle,
  the bright outline of bone with its acoustic shadow, the muscle borders); they are not patients' images and
  their sizes are illustrative, not reference values;
- :func:`repeat_tracings`: a simulated examiner tracing the same image many times, the way a reliability
  study measures the same people twice, to show how measurement error compares with an asymmetry.

Coordinates are in cm: ``x`` across the image from its left edge, ``depth`` down from the skin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

from spinelab.course import wording
from spinelab.course.validation import check_array, check_integer, check_number
from spinelab.multifidus.outlines import self_intersects

SIDES = ("left", "right")
#: The table of ``data/wording.toml`` with the tracing feedback.
WORDS = "ultrasound"
LEVELS = ("L4", "L5")
IMAGE_WIDTH_CM = 10.0
IMAGE_DEPTH_CM = 6.0
CM_PER_PIXEL = 0.04
MIDLINE_CM = IMAGE_WIDTH_CM / 2
#: The coarsest image scale :func:`area_cm2` accepts: no ultrasound image has pixels a centimetre wide.
MAX_CM_PER_PIXEL = 1.0
#: The largest area change :func:`scaled_outline` makes (a factor of 100 either way).
MAX_SCALE = 100.0


def as_points(points: ArrayLike, name: str = "points") -> NDArray[np.float64]:
    """An ``(n, 2)`` float array of finite points, or ``ValueError`` naming ``name`` (also a ``TypeError`` for
    points that are not numbers: :func:`spinelab.course.validation.check_array`)."""
    array = check_array(name, points, allow_empty=True)
    if array.size == 0:
        array = array.reshape(0, 2)  # no point yet: an empty outline, not a malformed one
    if array.ndim != 2 or array.shape[1] != 2:
        raise ValueError(f"{name} must be a sequence of (x, y) pairs; got an array of shape {array.shape}")
    return array


def _shoelace(array: NDArray[np.float64]) -> float:
    x, y = array[:, 0], array[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2.0)


def _enclosed_area(points: ArrayLike, name: str) -> float:
    array = as_points(points, name)
    if len(array) < 3:
        raise ValueError(f"{name} must hold at least three points to enclose an area; got {len(array)}")
    if self_intersects(array):
        raise ValueError(f"{name} crosses itself (a bow-tie encloses no single area): give the points in order "
                         "around the outline")
    area = _shoelace(array)
    if not np.isfinite(area):
        raise ValueError(f"{name} has coordinates too large to compute an area with")
    return area


def polygon_area(points: ArrayLike) -> float:
    """Area enclosed by a polygon, by the shoelace formula, in the square of the points' unit.

    Parameters
    ----------
    points : array_like, shape (n, 2)
        The vertices in order (clockwise or anticlockwise); the polygon is closed automatically.

    Returns
    -------
    float
        The enclosed area (always >= 0).

    Raises
    ------
    ValueError
        Naming ``points`` if there are fewer than three points, a coordinate is not finite, or the outline
        crosses itself (where the shoelace formula gives no meaningful area: 0 for a symmetric bow-tie).
    """
    return _enclosed_area(points, "points")


def area_cm2(pixel_points: ArrayLike, cm_per_pixel: float) -> float:
    """Area of an outline traced in image pixels, in cm², from the image scale.

    Raises
    ------
    ValueError
        Naming ``cm_per_pixel`` if the scale is not a number in (0, :data:`MAX_CM_PER_PIXEL`], or
        ``pixel_points`` as :func:`polygon_area` (a self-intersecting outline included).
    """
    scale = check_number("cm_per_pixel", cm_per_pixel, 0.0, MAX_CM_PER_PIXEL, low_open=True)
    return _enclosed_area(pixel_points, "pixel_points") * scale ** 2


def asymmetry_percent(left_area: float, right_area: float) -> float:
    """Side-to-side difference as a percentage of the larger side: ``100 × |L − R| / max(L, R)``.

    Raises
    ------
    ValueError
        Naming ``left_area`` or ``right_area`` if it is not a finite number greater than 0.
    """
    left = check_number("left_area", left_area, 0.0, low_open=True)
    right = check_number("right_area", right_area, 0.0, low_open=True)
    return 100.0 * (abs(left - right) / max(left, right))


def check_outline(points: ArrayLike, width: float = IMAGE_WIDTH_CM, depth: float = IMAGE_DEPTH_CM,
                  name: str = "points") -> NDArray[np.float64]:
    """A tracing as an array, after checking it can be measured.

    Parameters
    ----------
    points : array_like, shape (n, 2)
        The outline's vertices, ``(x, depth)`` in cm.
    width, depth : float
        The image's size in cm: every point must lie inside it.
    name : str
        The parameter named in errors (e.g. ``"left"``).

    Raises
    ------
    ValueError
        Naming ``name``: fewer than three points, a point outside the image, or an outline that crosses itself.
    """
    array = as_points(points, name)
    if len(array) < 3:
        raise ValueError(f"{name} must hold at least three points to enclose an area; got {len(array)}")
    outside = (array[:, 0] < 0) | (array[:, 0] > width) | (array[:, 1] < 0) | (array[:, 1] > depth)
    if outside.any():
        x, y = array[np.argmax(outside)]
        raise ValueError(f"{name} has a point outside the image ({x:.2f}, {y:.2f}) cm; the image is "
                         f"{width:g} cm wide and {depth:g} cm deep")
    if self_intersects(array):
        raise ValueError(f"{name} crosses itself: click the points in order around the muscle")
    return array


def ellipse_outline(centre_x: float, centre_depth: float, half_width: float, half_height: float,
                    vertices: int = 32) -> NDArray[np.float64]:
    """An elliptical outline as a polygon (for tracing with sliders).

    Raises
    ------
    ValueError
        Naming ``half_width`` or ``half_height`` if not greater than 0, or ``vertices`` if fewer than 3.
    """
    for name, value in (("half_width", half_width), ("half_height", half_height)):
        if not value > 0:
            raise ValueError(f"{name} must be greater than 0; got {value!r}")
    if vertices < 3:
        raise ValueError(f"vertices must be at least 3; got {vertices!r}")
    angle = np.linspace(0.0, 2 * np.pi, vertices, endpoint=False)
    return np.column_stack([centre_x + half_width * np.cos(angle), centre_depth + half_height * np.sin(angle)])


def inside(points: NDArray[np.float64], xs: NDArray[np.float64], ys: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Which grid positions lie inside a polygon (even-odd rule), vectorised over the grid."""
    result = np.zeros(np.broadcast(xs, ys).shape, dtype=bool)
    x0, y0 = points[:, 0], points[:, 1]
    x1, y1 = np.roll(x0, -1), np.roll(y0, -1)
    for ax, ay, bx, by in zip(x0, y0, x1, y1, strict=True):
        if ay == by:
            continue
        crosses = (ay > ys) != (by > ys)
        x_at = ax + (ys - ay) * (bx - ax) / (by - ay)
        result ^= crosses & (xs < x_at)
    return result


def _muscle_outline(centre_x: float, centre_depth: float, half_width: float, half_height: float,
                    medial: int) -> NDArray[np.float64]:
    """A multifidus outline: rounded, flatter against the lamina below and the spinous process medially."""
    angle = np.linspace(0.0, 2 * np.pi, 72, endpoint=False)
    x = np.cos(angle)
    y = np.sin(angle)
    y = np.where(y > 0, y * 0.85, y)  # flatter over the lamina (deep side)
    x = np.where(x * medial > 0, x * 0.8, x)  # flatter against the spinous process
    return np.column_stack([centre_x + half_width * x, centre_depth + half_height * y])


@dataclass(frozen=True, eq=False)  # compared and cached by identity: it holds arrays
class Case:
    """A simulated transverse image at one level, with its true outlines and areas.

    Attributes
    ----------
    number : int
        The case's number in :data:`CASES`.
    level : str
        ``"L4"`` or ``"L5"``.
    seed : int
        Seed of the random speckle and sizes: the same seed gives the same image.
    smaller_side : str or None
        The side made smaller, or None for a case without a built-in difference.
    left, right : ndarray, shape (n, 2)
        The true outlines, in cm.
    """

    number: int
    level: str
    seed: int
    smaller_side: str | None
    left: NDArray[np.float64] = field(repr=False)
    right: NDArray[np.float64] = field(repr=False)
    width_cm: float = IMAGE_WIDTH_CM
    depth_cm: float = IMAGE_DEPTH_CM
    cm_per_pixel: float = CM_PER_PIXEL

    def outline(self, side: str) -> NDArray[np.float64]:
        """The true outline of one side (``"left"`` or ``"right"``)."""
        if side not in SIDES:
            raise ValueError(f"side must be one of {', '.join(SIDES)}; got {side!r}")
        return self.left if side == "left" else self.right

    def true_area(self, side: str) -> float:
        """The true cross-sectional area of one side, cm²."""
        return _shoelace(self.outline(side))

    @property
    def true_asymmetry(self) -> float:
        """The true side-to-side difference, % of the larger side."""
        return asymmetry_percent(self.true_area("left"), self.true_area("right"))

    def describe(self) -> str:
        """One line: the case, its level and its true areas (the answer)."""
        return wording.phrase("ultrasound", "case_line", number=self.number, level=self.level,
                              left=f"{self.true_area('left'):.2f}", right=f"{self.true_area('right'):.2f}",
                              asymmetry=f"{self.true_asymmetry:.1f}")

    def image(self) -> NDArray[np.float64]:
        """The simulated image, a (rows, columns) array of brightness in [0, 1]; row 0 is the skin."""
        return _image(self)


def make_case(number: int, level: str, seed: int, smaller_side: str | None = None,
              reduction_percent: float = 0.0) -> Case:
    """Generate a simulated case: sizes drawn from the seed, one side made smaller by ``reduction_percent``.

    Raises
    ------
    ValueError
        Naming ``level``, ``smaller_side`` or ``reduction_percent`` if not allowed.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}; got {level!r}")
    if smaller_side is not None and smaller_side not in SIDES:
        raise ValueError(f"smaller_side must be one of {', '.join(SIDES)} or None; got {smaller_side!r}")
    if not 0.0 <= reduction_percent < 60.0:
        raise ValueError(f"reduction_percent must be in [0, 60); got {reduction_percent!r}")
    rng = np.random.default_rng(seed)
    base = 1.45 if level == "L4" else 1.6  # illustrative half-width, cm
    half_width = base * rng.uniform(0.93, 1.07)
    half_height = half_width * rng.uniform(0.78, 0.88)
    depth = 1.25 + half_height + rng.uniform(-0.1, 0.1)
    offset = 0.45 + half_width * 0.85
    shrink = np.sqrt(1.0 - reduction_percent / 100.0)  # area scales with the square of the size
    outlines = {}
    for side, sign in (("left", -1), ("right", 1)):
        scale = shrink if side == smaller_side else 1.0
        outlines[side] = _muscle_outline(MIDLINE_CM + sign * offset * (0.5 + 0.5 * scale) + sign * 0.0,
                                         depth + half_height * (1 - scale), half_width * scale, half_height * scale,
                                         medial=-sign)
    return Case(number, level, seed, smaller_side if reduction_percent > 0 else None, outlines["left"],
                outlines["right"])


#: The seeded practice cases: (level, seed, smaller side, % reduction of that side's area).
CASE_SPECS: tuple[tuple[str, int, str | None, float], ...] = (
    ("L4", 11, None, 0.0),
    ("L5", 23, "left", 20.0),
    ("L4", 37, "right", 8.0),
    ("L5", 41, "right", 30.0),
)


def case(number: int) -> Case:
    """Practice case ``number`` (from 1), e.g. ``case(2)``: always the same image and truth."""
    return _case(check_integer("number", number, 1, len(CASE_SPECS)))


@cache
def _case(number: int) -> Case:
    return make_case(number, *CASE_SPECS[number - 1])


@cache
def _image(item: Case) -> NDArray[np.float64]:
    rng = np.random.default_rng(item.seed)
    columns, rows = round(item.width_cm / item.cm_per_pixel), round(item.depth_cm / item.cm_per_pixel)
    xs = (np.arange(columns) + 0.5) * item.cm_per_pixel
    ys = (np.arange(rows) + 0.5) * item.cm_per_pixel
    gx, gy = np.meshgrid(xs, ys)
    tissue = 0.22 + 0.05 * np.sin(gy * 9.0 + np.sin(gx * 1.3))  # subcutaneous layers and erector spinae
    tissue += 0.35 * np.exp(-((gy - 0.08) / 0.05) ** 2)  # skin
    fascia_depth = min(outline[:, 1].min() for outline in (item.left, item.right)) - 0.1
    tissue += 0.45 * np.exp(-((gy - fascia_depth) / 0.04) ** 2)  # thoracolumbar fascia
    for outline in (item.left, item.right):
        muscle = inside(outline, gx, gy)
        shrunk = muscle & np.roll(muscle, 2, 0) & np.roll(muscle, -2, 0) & np.roll(muscle, 2, 1) \
            & np.roll(muscle, -2, 1)
        striation = 0.06 * np.sin(18.0 * (gx * 0.4 + gy))  # fascicles
        tissue = np.where(muscle, 0.30 + striation, tissue)
        tissue = np.where(muscle & ~shrunk, 0.75, tissue)  # epimysium: a bright border
    lamina_depth = max(outline[:, 1].max() for outline in (item.left, item.right)) + 0.05
    half_span = max(abs(outline[:, 0] - MIDLINE_CM).max() for outline in (item.left, item.right))
    across = np.abs(gx - MIDLINE_CM)
    curve = lamina_depth - 0.25 * (across / half_span) ** 2
    lamina = (across < half_span) & (across > 0.25)
    tissue = np.where(lamina & (np.abs(gy - curve) < 0.07), 0.95, tissue)  # bright bony surface
    tissue = np.where(lamina & (gy > curve + 0.07), tissue * 0.18, tissue)  # acoustic shadow under bone
    spinous = across < 0.18
    tip = 0.7
    tissue = np.where(spinous & (np.abs(gy - tip) < 0.08), 0.95, tissue)  # tip of the spinous process
    tissue = np.where(spinous & (gy > tip + 0.08), tissue * 0.15, tissue)
    speckle = rng.rayleigh(0.6, size=tissue.shape)  # multiplicative speckle
    attenuation = np.exp(-0.12 * gy)
    return np.clip(tissue * speckle * attenuation * 1.1, 0.0, 1.0)


@dataclass(frozen=True, eq=False)
class Comparison:
    """A tracing of both sides compared with the truth of its case."""

    case: Case
    left_area: float
    right_area: float

    def error_percent(self, side: str) -> float:
        """Signed error of one side's traced area, % of its true area (positive: traced too large)."""
        traced = self.left_area if side == "left" else self.right_area
        return 100.0 * (traced - self.case.true_area(side)) / self.case.true_area(side)

    @property
    def asymmetry(self) -> float:
        """The traced asymmetry, % of the larger traced side."""
        return asymmetry_percent(self.left_area, self.right_area)

    @property
    def error_hides_asymmetry(self) -> bool:
        """Whether the tracing errors could be as large as the true difference between the sides.

        The traced difference between the sides is off by up to the sum of the two sides' errors; when that
        reaches the true asymmetry, the asymmetry cannot be told apart from measurement error.
        """
        combined = abs(self.error_percent("left")) + abs(self.error_percent("right"))
        return combined >= max(self.case.true_asymmetry, 1.0)

    def feedback(self) -> str:
        """How far off the tracing was, and what that means for seeing an asymmetry (plain text)."""
        true = self.case
        lines = [wording.phrase(WORDS, "areas", left_traced=f"{self.left_area:.2f}",
                                left_true=f"{true.true_area('left'):.2f}",
                                left_error=f"{self.error_percent('left'):+.1f}",
                                right_traced=f"{self.right_area:.2f}", right_true=f"{true.true_area('right'):.2f}",
                                right_error=f"{self.error_percent('right'):+.1f}"),
                 wording.phrase(WORDS, "asymmetry", traced=f"{self.asymmetry:.1f}", true=f"{true.true_asymmetry:.1f}")]
        traced_smaller = "left" if self.left_area < self.right_area else "right"
        true_smaller = "left" if true.true_area("left") < true.true_area("right") else "right"
        if true.true_asymmetry > 0 and traced_smaller != true_smaller:
            lines.append(wording.phrase(WORDS, "wrong_side", traced_side=traced_smaller, true_side=true_smaller))
        lines.append(wording.phrase(WORDS, "error_hides" if self.error_hides_asymmetry else "error_small"))
        return "\n".join(lines)


def scaled_outline(points: ArrayLike, factor: float) -> NDArray[np.float64]:
    """An outline scaled about its centre so its area changes by ``factor`` (1.10: 10 % larger).

    Raises
    ------
    ValueError
        Naming ``factor`` if it is not a number from 1/:data:`MAX_SCALE` to :data:`MAX_SCALE`, or ``points`` as
        :func:`as_points`.
    """
    factor = check_number("factor", factor, 1.0 / MAX_SCALE, MAX_SCALE)
    outline = as_points(points)
    return outline.mean(axis=0) + (outline - outline.mean(axis=0)) * np.sqrt(factor)


def compare(item: Case, left: ArrayLike, right: ArrayLike) -> Comparison:
    """Check and measure a tracing of both sides (outlines in cm) and compare it with the case's truth.

    Raises
    ------
    ValueError
        Naming ``left`` or ``right`` as :func:`check_outline`.
    """
    left_points = check_outline(left, item.width_cm, item.depth_cm, "left")
    right_points = check_outline(right, item.width_cm, item.depth_cm, "right")
    return Comparison(item, _shoelace(left_points), _shoelace(right_points))


def repeat_tracings(item: Case, click_error_cm: float, repeats: int = 200, vertices: int = 12,
                    seed: int = 0) -> NDArray[np.float64]:
    """Asymmetry % from a simulated examiner tracing the same image ``repeats`` times.

    Each tracing places ``vertices`` points on each true outline, each point off by a random error (normal,
    standard deviation ``click_error_cm`` in each direction). A simulation, not data from examiners.

    Raises
    ------
    ValueError
        Naming ``click_error_cm`` if negative, ``repeats`` or ``vertices`` if too small.
    """
    click_error_cm = check_number("click_error_cm", click_error_cm, 0.0, IMAGE_DEPTH_CM)
    repeats = check_integer("repeats", repeats, 2, 100_000)
    vertices = check_integer("vertices", vertices, 3, 1_000)
    rng = np.random.default_rng(check_integer("seed", seed, 0, 2 ** 63 - 1))
    results = np.empty(repeats)
    for n in range(repeats):
        areas = []
        for side in SIDES:
            outline = item.outline(side)
            chosen = outline[np.linspace(0, len(outline), vertices, endpoint=False).astype(int)]
            areas.append(_shoelace(chosen + rng.normal(0.0, click_error_cm, chosen.shape)))
        results[n] = 100.0 * (areas[0] - areas[1]) / max(areas)  # signed, left minus right
    return results
