"""The drawings behind the muscle-layer explorer: a lumbar cross-section and a posterior view, as coordinates.

Everything here is schematic and not to scale: outlines of the bones, the
muscles' shapes, fascicle lines and labels, in arbitrary units. The explorer
(:mod:`spinelab.anatomy.anatomy_figures`) turns the shapes into patches and
colours them; each muscle is keyed by its id in :mod:`spinelab.anatomy.muscles`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Polygon
from matplotlib.text import Text

from spinelab.anatomy import muscles
from spinelab.course import style

#: In Bergmark mode the class is also shown by hatching (fills) and line style (fascicle lines).
BERGMARK_HATCH = {"local": "", "global": "////", "not classified": "...."}
BERGMARK_LINESTYLE = {"local": "-", "global": "--", "not classified": ":"}
NOT_CLASSIFIED_COLOUR = style.STRUCTURE_GREY
#: Line width of the thoracolumbar fascia, and font size of the muscle labels.
TLF_WIDTH = 1.6
LABEL_SIZE = 7.5
_BONE = {"facecolor": style.STRUCTURE_GREY, "edgecolor": style.STRUCTURE_EDGE, "linewidth": 0.8}

Points = Sequence[tuple[float, float]]


def mirror(points: Points) -> list[tuple[float, float]]:
    """The same outline on the other side of the midline."""
    return [(-x, y) for x, y in points]


def _ellipse(cx: float, cy: float, width: float, height: float, n: int = 48) -> list[tuple[float, float]]:
    t = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    return list(zip(cx + width / 2 * np.cos(t), cy + height / 2 * np.sin(t), strict=True))


def _band(inner: tuple[float, float], outer: tuple[float, float], degrees: tuple[float, float],
          centre_y: float = 1.8, n: int = 30) -> list[tuple[float, float]]:
    """A curved band between two concentric ellipse arcs (the flat abdominal muscles)."""
    t = np.radians(np.linspace(*degrees, n))
    out = [(outer[0] * np.cos(a), centre_y + outer[1] * np.sin(a)) for a in t]
    inn = [(inner[0] * np.cos(a), centre_y + inner[1] * np.sin(a)) for a in t[::-1]]
    return out + inn


# ---------------------------------------------------------------- cross-section at about L4 (right side; mirrored)
# Coordinates in arbitrary units, anterior up, posterior down. Schematic, not to scale.

SECTION_SHAPES: dict[str, list[list[tuple[float, float]]]] = {
    "multifidus": [[(0.4, -1.3), (1.4, -0.8), (2.3, -1.0), (2.5, -2.8), (2.0, -4.6), (0.4, -4.6)]],
    "longissimus_thoracis_lumbar": [[(2.3, -1.0), (3.0, -0.5), (4.4, -0.5), (4.6, -3.5), (2.6, -4.0),
                                     (2.5, -2.8)]],
    "longissimus_thoracis_thoracic": [[(2.6, -4.0), (4.6, -3.5), (4.7, -4.0), (2.7, -4.5)]],
    "iliocostalis_lumborum_lumbar": [[(4.4, -0.5), (5.6, -0.4), (6.6, -1.2), (6.5, -3.0), (4.6, -3.5)]],
    "iliocostalis_lumborum_thoracic": [[(4.6, -3.5), (6.5, -3.0), (6.6, -3.5), (4.7, -4.0)]],
    "intertransversarii_laterales": [_ellipse(3.0, 0.72, 1.5, 0.45)],
    "intertransversarii_mediales": [_ellipse(1.95, -0.62, 0.6, 0.3)],
    "quadratus_lumborum": [[(4.7, 0.45), (7.4, 0.45), (6.2, 1.5), (4.5, 1.15)]],
    "psoas_major": [_ellipse(3.75, 2.75, 2.2, 2.5)],
    "latissimus_dorsi": [[(4.8, -4.75), (6.8, -4.05), (8.4, -2.2), (9.0, -1.0), (8.4, -0.9), (7.6, -2.2),
                          (6.5, -3.5), (4.8, -4.3)]],
    "transversus_abdominis": [_band((7.8, 6.8), (8.2, 7.2), (-12.0, 72.0))],
    "internal_oblique": [_band((8.25, 7.25), (8.75, 7.75), (-14.0, 73.0))],
    "external_oblique": [_band((8.8, 7.8), (9.4, 8.3), (-18.0, 74.0))],
    "rectus_abdominis": [_ellipse(1.4, 9.45, 2.5, 1.1)],
}
#: Shapes on the midline, drawn once rather than mirrored.
SECTION_MIDLINE = {"interspinales": [(-0.3, -4.4), (0.3, -4.4), (0.3, -5.0), (-0.3, -5.0)]}
SECTION_LABELS = {
    "multifidus": (1.3, -2.7, "Multifidus"),
    "longissimus_thoracis_lumbar": (3.55, -2.0, "Longiss."),
    "iliocostalis_lumborum_lumbar": (5.55, -1.9, "Iliocost."),
    "longissimus_thoracis_thoracic": (4.3, -5.0, "ES aponeurosis\n(thoracic parts)"),
    "intertransversarii_laterales": (3.0, 1.25, "Intertr. lat."),
    "quadratus_lumborum": (6.0, 0.95, "QL"),
    "psoas_major": (3.75, 2.75, "Psoas"),
    "latissimus_dorsi": (9.2, -2.6, "Lat. dorsi"),
    "transversus_abdominis": (6.0, 7.0, "TrA"),
    "internal_oblique": (6.9, 7.5, "IO"),
    "external_oblique": (8.1, 7.6, "EO"),
    "rectus_abdominis": (1.4, 10.45, "Rectus abd."),
    "interspinales": (-1.3, -5.4, "Interspinales"),
}
TLF_LINES = [
    [(0.0, -5.1), (2.6, -4.85), (4.8, -4.35), (6.9, -3.75), (7.45, -1.5), (7.6, 0.3)],  # posterior layer
    [(4.6, 0.05), (7.6, 0.3)],  # middle layer
    [(4.3, 1.2), (6.2, 1.62), (7.6, 0.3)],  # anterior layer, over quadratus lumborum
]


def _skin() -> list[tuple[float, float]]:
    front = [(10.3 * np.cos(a), 1.8 + 8.3 * np.sin(a)) for a in np.linspace(0.0, np.pi, 40)]
    back = [(10.5 * np.cos(a), 1.8 + 8.0 * np.sin(a)) for a in np.linspace(np.pi, 2.0 * np.pi, 40)]
    return front + back


def draw_section_bones(ax: Axes) -> None:
    """Skin outline, L4 vertebra and orientation labels of the cross-section (static, grey)."""
    ax.add_patch(Polygon(_skin(), closed=True, facecolor="none", edgecolor=style.STRUCTURE_EDGE,
                         linewidth=0.8, linestyle="--"))
    ax.add_patch(Polygon(_ellipse(0.0, 2.3, 5.2, 3.4), closed=True, **_BONE))
    arch = [(-1.5, 0.7), (-1.4, -0.7), (-0.5, -1.3), (0.5, -1.3), (1.4, -0.7), (1.5, 0.7)]
    ax.add_patch(Polygon(arch, closed=True, **_BONE))
    ax.add_patch(Polygon(_ellipse(0.0, -0.1, 1.9, 1.1), closed=True, facecolor="white",
                         edgecolor=style.STRUCTURE_EDGE, linewidth=0.8))
    ax.add_patch(Polygon([(-0.35, -1.2), (0.35, -1.2), (0.3, -4.4), (-0.3, -4.4)], closed=True, **_BONE))
    for side in (1, -1):
        process = [(1.3, 0.15), (4.6, 0.3), (4.6, -0.2), (1.3, -0.45)]
        ax.add_patch(Polygon(process if side == 1 else mirror(process), closed=True, **_BONE))
    grey = {"fontsize": LABEL_SIZE, "color": style.STRUCTURE_EDGE, "ha": "center", "va": "center"}
    ax.text(0.0, 2.3, "L4 body", **grey)
    ax.text(-3.0, 0.05, "transverse process", **{**grey, "fontsize": 5.5})
    ax.annotate("thoraco-\nlumbar\nfascia", xy=(-7.1, -3.2), xytext=(-9.6, -5.6), fontsize=LABEL_SIZE,
                color=style.STRUCTURE_EDGE, ha="center", va="center",
                arrowprops={"arrowstyle": "-", "color": style.STRUCTURE_EDGE, "linewidth": 0.6})
    ax.text(0.0, 11.0, "anterior", fontsize=LABEL_SIZE, ha="center", style="italic")
    ax.text(0.0, -6.9, "posterior", fontsize=LABEL_SIZE, ha="center", style="italic")


# ---------------------------------------------------------------- posterior view
# y = minus the vertebral level (C1 = -1 ... T1 = -8 ... L1 = -20 ... L5 = -24); viewer's left shows the
# superficial layer, viewer's right the intermediate and deep layers.

_LEVELS = {**{f"C{i}": i for i in range(1, 8)}, **{f"T{i}": 7 + i for i in range(1, 13)},
           **{f"L{i}": 19 + i for i in range(1, 6)}, "S1": 25}
_LUMBAR = [_LEVELS[f"L{i}"] for i in range(1, 6)]


def _y(level: str) -> float:
    return -float(_LEVELS[level])


POSTERIOR_SHAPES: dict[str, list[list[tuple[float, float]]]] = {
    "rhomboids": [[(0.0, _y("C7")), (0.0, _y("T5")), (-4.5, -14.0), (-5.0, -10.0)]],
    "levator_scapulae": [[(-0.7, _y("C1")), (-0.7, _y("C4")), (-4.6, -9.0), (-5.4, -8.3)]],
    "latissimus_dorsi": [[(0.0, _y("T7")), (-4.2, -13.6), (-9.3, -10.6), (-9.6, -12.6), (-8.2, -17.0),
                          (-7.2, -23.0), (-4.0, -23.3), (-2.2, -24.8), (0.0, -24.8)]],
    "trapezius": [[(0.0, 0.4), (-3.2, 0.6), (-5.0, -5.0), (-9.3, -8.2), (-8.0, -9.4), (-5.0, -10.0),
                   (0.0, _y("T12"))]],
    "semispinalis": [[(1.0, _y("C6")), (1.7, _y("C6")), (1.7, _y("T10")), (1.0, _y("T10"))]],
    "spinalis": [[(0.45, _y("T2")), (0.95, _y("T2")), (0.95, _y("L2")), (0.45, _y("L2"))]],
    "longissimus_thoracis_thoracic": [[(2.1, _y("T1")), (3.1, _y("T1")), (3.2, -20.0), (2.6, -24.4),
                                       (1.9, -24.4), (2.1, -20.0)]],
    "iliocostalis_lumborum_thoracic": [[(3.5, -14.0), (4.9, -13.6), (5.0, -20.0), (4.6, -23.0),
                                        (3.6, -23.2), (3.4, -20.0)]],
    "interspinales": [[(-0.15, -y - 0.3), (0.15, -y - 0.3), (0.15, -y - 0.7), (-0.15, -y - 0.7)]
                      for y in _LUMBAR[:-1]],
    "intertransversarii_mediales": [[(1.55, -y - 0.2), (1.85, -y - 0.2), (1.85, -y - 0.8), (1.55, -y - 0.8)]
                           for y in _LUMBAR[:-1]],
    "serratus_posterior_inferior": [[(0.5, _y("T11")), (6.2, -15.8), (7.4, -19.6), (0.5, _y("L2"))]],
}


def _multifidus_fascicles() -> list[list[tuple[float, float]]]:
    """Lines from each lumbar spinous process to vertebrae two to five levels below, the sacrum and the PSIS."""
    lines = []
    for level in _LUMBAR:
        for below in range(2, 6):
            target = level + below
            end = (1.0 + 0.12 * below, -target) if target <= _LEVELS["L5"] else (0.5 + 0.3 * below, -min(target, 27.5))
            lines.append([(0.3, -level), end])
        if level <= _LEVELS["L3"]:
            lines.append([(0.3, -level), (2.6, -24.9)])
    return lines


POSTERIOR_LINES: dict[str, list[list[tuple[float, float]]]] = {
    "multifidus": _multifidus_fascicles(),
    "rotatores": [[(1.9, -k), (0.5, -(k - 1))] for k in range(_LEVELS["T2"], _LEVELS["T12"] + 1)],
    "longissimus_thoracis_lumbar": [[(1.3, -y), (2.4 + 0.08 * i, -24.7)] for i, y in enumerate(_LUMBAR)],
    "iliocostalis_lumborum_lumbar": [[(2.2, -y), (4.2 + 0.55 * i, -23.1 + 0.1 * i)]
                                     for i, y in enumerate(_LUMBAR[:-1])],
}
POSTERIOR_LABELS = {
    "trapezius": (-3.3, -6.2, "Trapezius"),
    "latissimus_dorsi": (-5.6, -18.5, "Latissimus\ndorsi"),
    "rhomboids": (-3.0, -12.3, "Rhomb."),
    "levator_scapulae": (-3.9, -3.0, "Levator\nscap."),
    "serratus_posterior_inferior": (4.4, -17.8, "Serratus\npost. inf."),
    "multifidus": (3.6, -26.3, "Multifidus"),
    "longissimus_thoracis_thoracic": (2.7, -7.1, "Longiss."),
    "iliocostalis_lumborum_thoracic": (6.3, -12.2, "Iliocost."),
}


#: Labels with a pointer line for the narrow thoracic muscles: (text x, text y, text, point in the muscle).
POSTERIOR_POINTERS = {
    "semispinalis": (4.4, -1.0, "Semispinalis", (1.35, -8.0)),
    "spinalis": (4.4, -2.8, "Spinalis", (0.7, -11.0)),
    "rotatores": (4.4, -4.6, "Rotatores", (1.4, -12.6)),
}


def legend_handles() -> list[Artist]:
    """One legend for both colourings: layer colours, then Bergmark colours with their hatching."""
    def heading(text: str) -> Artist:
        return Patch(facecolor="none", edgecolor="none", label=text)

    layers = [Patch(facecolor=style.LAYER_COLOURS[layer], edgecolor=style.STRUCTURE_EDGE, label=layer)
              for layer in muscles.LAYERS]
    classes = [Patch(facecolor=style.BERGMARK_COLOURS.get(c, NOT_CLASSIFIED_COLOUR), hatch=BERGMARK_HATCH[c],
                     edgecolor=style.STRUCTURE_EDGE, label=c) for c in muscles.BERGMARK_CLASSES]
    fascia = Line2D([], [], color=style.STRUCTURE_EDGE, linewidth=TLF_WIDTH, label="thoracolumbar\nfascia")
    return [heading("By layer:"), *layers, heading("By Bergmark\nclass:"), *classes, fascia]


def draw_posterior_bones(ax: Axes) -> None:
    """Vertebrae, sacrum, pelvis, scapulae, arms, ribs and level labels of the posterior view (static, grey)."""
    for level, index in _LEVELS.items():
        if level != "S1":
            ax.add_patch(Polygon(_ellipse(0.0, -index, 0.9, 0.75, n=16), closed=True, **_BONE))
    ax.add_patch(Polygon([(-2.2, -24.6), (2.2, -24.6), (0.6, -29.0), (-0.6, -29.0)], closed=True, **_BONE))
    ilium = [(2.0, -25.0), (3.0, -23.6), (5.5, -22.8), (7.6, -23.8), (7.2, -27.5), (3.0, -28.5)]
    scapula = [(5.0, -8.5), (9.0, -9.5), (4.5, -14.0)]
    humerus = [(9.2, -9.2), (10.2, -9.2), (10.3, -17.0), (9.5, -17.0)]
    for shape in (ilium, scapula, humerus):
        ax.add_patch(Polygon(shape, closed=True, **_BONE))
        ax.add_patch(Polygon(mirror(shape), closed=True, **_BONE))
    ax.add_patch(Polygon([(-4.0, 0.3), (-3.0, 1.8), (3.0, 1.8), (4.0, 0.3)], closed=True, **_BONE))
    ribs = LineCollection([[(0.5, -k), (4.0, -k - 0.8), (8.0 - 0.5 * (k - 14), -k - 2.2)]
                           for k in range(_LEVELS["T7"], _LEVELS["T12"] + 1)],
                          colors=style.STRUCTURE_GREY, linewidths=1.0, zorder=0.9)
    ax.add_collection(ribs)
    ax.add_collection(LineCollection([[(-2.2, -y), (2.2, -y)] for y in _LUMBAR], colors=style.STRUCTURE_EDGE,
                                     linewidths=1.2, zorder=0.9))
    grey = {"fontsize": LABEL_SIZE, "color": style.STRUCTURE_EDGE, "ha": "center"}
    for level in ("C1", "T1", "T12", "L5"):
        ax.text(-1.25 if level != "C1" else 1.1, _y(level) - 0.25, level, fontsize=6, color=style.STRUCTURE_EDGE,
                ha="center")
    ax.text(0.0, -30.2, "sacrum", **grey)
    ax.text(-7.6, -29.4, "superficial layer", fontsize=LABEL_SIZE, ha="center", style="italic")
    ax.text(7.6, -29.4, "intermediate & deep", fontsize=LABEL_SIZE, ha="center", style="italic")


def add_label(ax: Axes, x: float, y: float, text: str) -> Text:
    """A muscle's label on a white halo, above the shapes."""
    return ax.text(x, y, text, fontsize=LABEL_SIZE, ha="center", va="center", zorder=5,
                   bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.7})

