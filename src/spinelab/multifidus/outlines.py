"""Whether a traced outline crosses itself (a model helper: numpy only); re-exported by ``ultrasound``."""

from __future__ import annotations

from numpy.typing import ArrayLike, NDArray

from spinelab.course.validation import check_array


def _cross(o: NDArray, a: NDArray, b: NDArray) -> float:
    return float((a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]))


def _segments_cross(p1: NDArray, p2: NDArray, q1: NDArray, q2: NDArray) -> bool:
    d1, d2 = _cross(q1, q2, p1), _cross(q1, q2, p2)
    d3, d4 = _cross(p1, p2, q1), _cross(p1, p2, q2)
    if ((d1 > 0 > d2) or (d1 < 0 < d2)) and ((d3 > 0 > d4) or (d3 < 0 < d4)):
        return True

    def on_segment(a: NDArray, b: NDArray, c: NDArray, d: float) -> bool:
        return d == 0 and min(a[0], b[0]) <= c[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= c[1] <= max(a[1], b[1])

    return on_segment(q1, q2, p1, d1) or on_segment(q1, q2, p2, d2) or on_segment(p1, p2, q1, d3) \
        or on_segment(p1, p2, q2, d4)


def self_intersects(points: ArrayLike) -> bool:
    """Whether the closed polygon crosses or touches itself (two non-adjacent edges meet).

    Raises
    ------
    ValueError
        Naming ``points`` if it is not a sequence of at least three (x, y) pairs of finite numbers.
    """
    array = check_array("points", points)
    if array.ndim != 2 or array.shape[1] != 2:
        raise ValueError(f"points must be a sequence of (x, y) pairs; got an array of shape {array.shape}")
    if len(array) < 3:
        raise ValueError(f"points must hold at least three points to form an outline; got {len(array)}")
    n = len(array)
    edges = [(array[i], array[(i + 1) % n]) for i in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            if j == i + 1 or (i == 0 and j == n - 1):
                continue  # neighbours share a vertex
            if _segments_cross(*edges[i], *edges[j]):
                return True
    return False
