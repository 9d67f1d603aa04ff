"""Schematic figures of the back muscles: a lumbar cross-section, a posterior view and a local/global plot.

:class:`MuscleLayersExplorer` shows a transverse section at about L4 beside a
posterior view of the trunk, both drawn with matplotlib patches, schematic and
not to scale. One slider peels the back layers from the skin inwards, a picker
highlights one muscle and shows its card (attachments, nerve, actions, role,
layer, Bergmark class, sources), and a toggle recolours the muscles by
Bergmark's local/global class. Every change only edits existing artists and
blits them (:mod:`spinelab.course.live`).

:func:`local_global_figure` sorts the muscles by Bergmark's criterion: whether
each attaches to the lumbar vertebrae, directly, with some fascicles, only
through the thoracolumbar fascia or not at all, coloured by Bergmark class.

Every fact shown comes from :mod:`spinelab.anatomy.muscles`, with its citations.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import ipywidgets as widgets
import numpy as np
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Polygon
from matplotlib.text import Text

from spinelab.anatomy import muscles
from spinelab.course import references, style
from spinelab.course.live import LiveFigure, Panel

#: The layer-peeling slider's steps, from the skin inwards.
PEEL_STEPS = ("all layers", "superficial removed", "intermediate removed", "deep removed")
COLOUR_MODES = ("layer", "Bergmark class")
#: In Bergmark mode the class is also shown by hatching (fills) and line style (fascicle lines).
BERGMARK_HATCH = {"local": "", "global": "////", "not classified": "...."}
BERGMARK_LINESTYLE = {"local": "-", "global": "--", "not classified": ":"}
NOT_CLASSIFIED_COLOUR = style.STRUCTURE_GREY
TLF_ID = "thoracolumbar_fascia"

_EDGE_WIDTH, _HIGHLIGHT_EDGE_WIDTH = 0.6, 2.8
_LINE_WIDTH, _HIGHLIGHT_LINE_WIDTH = 1.3, 3.0
_TLF_WIDTH, _HIGHLIGHT_TLF_WIDTH = 1.6, 3.6
_LABEL_SIZE = 7.5
_BONE = {"facecolor": style.STRUCTURE_GREY, "edgecolor": style.STRUCTURE_EDGE, "linewidth": 0.8}

Points = Sequence[tuple[float, float]]


def hidden_layers(step: str) -> tuple[str, ...]:
    """The back layers removed at a peeling step, e.g. ``("superficial",)`` for ``"superficial removed"``."""
    if step not in PEEL_STEPS:
        raise ValueError(f"step must be one of {', '.join(PEEL_STEPS)}; got {step!r}")
    return muscles.PEEL_ORDER[:PEEL_STEPS.index(step)]


def muscle_colour(muscle: muscles.Muscle, colour_by: str) -> str:
    """Fill colour of a muscle: by layer, or by Bergmark class (grey when not classified)."""
    if colour_by not in COLOUR_MODES:
        raise ValueError(f"colour_by must be one of {', '.join(COLOUR_MODES)}; got {colour_by!r}")
    if colour_by == "layer":
        return style.LAYER_COLOURS[muscle.layer]
    return style.BERGMARK_COLOURS.get(muscle.bergmark, NOT_CLASSIFIED_COLOUR)


def _mirror(points: Points) -> list[tuple[float, float]]:
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

_SECTION_SHAPES: dict[str, list[list[tuple[float, float]]]] = {
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
_SECTION_MIDLINE = {"interspinales": [(-0.3, -4.4), (0.3, -4.4), (0.3, -5.0), (-0.3, -5.0)]}
_SECTION_LABELS = {
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
_TLF_LINES = [
    [(0.0, -5.1), (2.6, -4.85), (4.8, -4.35), (6.9, -3.75), (7.45, -1.5), (7.6, 0.3)],  # posterior layer
    [(4.6, 0.05), (7.6, 0.3)],  # middle layer
    [(4.3, 1.2), (6.2, 1.62), (7.6, 0.3)],  # anterior layer, over quadratus lumborum
]


def _skin() -> list[tuple[float, float]]:
    front = [(10.3 * np.cos(a), 1.8 + 8.3 * np.sin(a)) for a in np.linspace(0.0, np.pi, 40)]
    back = [(10.5 * np.cos(a), 1.8 + 8.0 * np.sin(a)) for a in np.linspace(np.pi, 2.0 * np.pi, 40)]
    return front + back


def _draw_section_bones(ax: Axes) -> None:
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
        ax.add_patch(Polygon(process if side == 1 else _mirror(process), closed=True, **_BONE))
    grey = {"fontsize": _LABEL_SIZE, "color": style.STRUCTURE_EDGE, "ha": "center", "va": "center"}
    ax.text(0.0, 2.3, "L4 body", **grey)
    ax.text(-3.0, 0.05, "transverse process", **{**grey, "fontsize": 5.5})
    ax.annotate("thoraco-\nlumbar\nfascia", xy=(-7.1, -3.2), xytext=(-9.6, -5.6), fontsize=_LABEL_SIZE,
                color=style.STRUCTURE_EDGE, ha="center", va="center",
                arrowprops={"arrowstyle": "-", "color": style.STRUCTURE_EDGE, "linewidth": 0.6})
    ax.text(0.0, 11.0, "anterior", fontsize=_LABEL_SIZE, ha="center", style="italic")
    ax.text(0.0, -6.9, "posterior", fontsize=_LABEL_SIZE, ha="center", style="italic")


# ---------------------------------------------------------------- posterior view
# y = minus the vertebral level (C1 = -1 ... T1 = -8 ... L1 = -20 ... L5 = -24); viewer's left shows the
# superficial layer, viewer's right the intermediate and deep layers.

_LEVELS = {**{f"C{i}": i for i in range(1, 8)}, **{f"T{i}": 7 + i for i in range(1, 13)},
           **{f"L{i}": 19 + i for i in range(1, 6)}, "S1": 25}
_LUMBAR = [_LEVELS[f"L{i}"] for i in range(1, 6)]


def _y(level: str) -> float:
    return -float(_LEVELS[level])


_POSTERIOR_SHAPES: dict[str, list[list[tuple[float, float]]]] = {
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


_POSTERIOR_LINES: dict[str, list[list[tuple[float, float]]]] = {
    "multifidus": _multifidus_fascicles(),
    "rotatores": [[(1.9, -k), (0.5, -(k - 1))] for k in range(_LEVELS["T2"], _LEVELS["T12"] + 1)],
    "longissimus_thoracis_lumbar": [[(1.3, -y), (2.4 + 0.08 * i, -24.7)] for i, y in enumerate(_LUMBAR)],
    "iliocostalis_lumborum_lumbar": [[(2.2, -y), (4.2 + 0.55 * i, -23.1 + 0.1 * i)]
                                     for i, y in enumerate(_LUMBAR[:-1])],
}
_POSTERIOR_LABELS = {
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
_POSTERIOR_POINTERS = {
    "semispinalis": (4.4, -1.0, "Semispinalis", (1.35, -8.0)),
    "spinalis": (4.4, -2.8, "Spinalis", (0.7, -11.0)),
    "rotatores": (4.4, -4.6, "Rotatores", (1.4, -12.6)),
}


def _legend_handles() -> list[Artist]:
    """One legend for both colourings: layer colours, then Bergmark colours with their hatching."""
    def heading(text: str) -> Artist:
        return Patch(facecolor="none", edgecolor="none", label=text)

    layers = [Patch(facecolor=style.LAYER_COLOURS[layer], edgecolor=style.STRUCTURE_EDGE, label=layer)
              for layer in muscles.LAYERS]
    classes = [Patch(facecolor=style.BERGMARK_COLOURS.get(c, NOT_CLASSIFIED_COLOUR), hatch=BERGMARK_HATCH[c],
                     edgecolor=style.STRUCTURE_EDGE, label=c) for c in muscles.BERGMARK_CLASSES]
    fascia = Line2D([], [], color=style.STRUCTURE_EDGE, linewidth=_TLF_WIDTH, label="thoracolumbar\nfascia")
    return [heading("By layer:"), *layers, heading("By Bergmark\nclass:"), *classes, fascia]


def _draw_posterior_bones(ax: Axes) -> None:
    for level, index in _LEVELS.items():
        if level != "S1":
            ax.add_patch(Polygon(_ellipse(0.0, -index, 0.9, 0.75, n=16), closed=True, **_BONE))
    ax.add_patch(Polygon([(-2.2, -24.6), (2.2, -24.6), (0.6, -29.0), (-0.6, -29.0)], closed=True, **_BONE))
    ilium = [(2.0, -25.0), (3.0, -23.6), (5.5, -22.8), (7.6, -23.8), (7.2, -27.5), (3.0, -28.5)]
    scapula = [(5.0, -8.5), (9.0, -9.5), (4.5, -14.0)]
    humerus = [(9.2, -9.2), (10.2, -9.2), (10.3, -17.0), (9.5, -17.0)]
    for shape in (ilium, scapula, humerus):
        ax.add_patch(Polygon(shape, closed=True, **_BONE))
        ax.add_patch(Polygon(_mirror(shape), closed=True, **_BONE))
    ax.add_patch(Polygon([(-4.0, 0.3), (-3.0, 1.8), (3.0, 1.8), (4.0, 0.3)], closed=True, **_BONE))
    ribs = LineCollection([[(0.5, -k), (4.0, -k - 0.8), (8.0 - 0.5 * (k - 14), -k - 2.2)]
                           for k in range(_LEVELS["T7"], _LEVELS["T12"] + 1)],
                          colors=style.STRUCTURE_GREY, linewidths=1.0, zorder=0.9)
    ax.add_collection(ribs)
    ax.add_collection(LineCollection([[(-2.2, -y), (2.2, -y)] for y in _LUMBAR], colors=style.STRUCTURE_EDGE,
                                     linewidths=1.2, zorder=0.9))
    grey = {"fontsize": _LABEL_SIZE, "color": style.STRUCTURE_EDGE, "ha": "center"}
    for level in ("C1", "T1", "T12", "L5"):
        ax.text(-1.25 if level != "C1" else 1.1, _y(level) - 0.25, level, fontsize=6, color=style.STRUCTURE_EDGE,
                ha="center")
    ax.text(0.0, -30.2, "sacrum", **grey)
    ax.text(-7.6, -29.4, "superficial layer", fontsize=_LABEL_SIZE, ha="center", style="italic")
    ax.text(7.6, -29.4, "intermediate & deep", fontsize=_LABEL_SIZE, ha="center", style="italic")


def _label(ax: Axes, x: float, y: float, text: str) -> Text:
    return ax.text(x, y, text, fontsize=_LABEL_SIZE, ha="center", va="center", zorder=5,
                   bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.7})


def muscle_card(item: muscles.Muscle | muscles.Structure, note: str = "") -> str:
    """The HTML card of a muscle (or of the thoracolumbar fascia): its facts and their sources."""
    if isinstance(item, muscles.Structure):
        rows = [("What it is", item.description)]
    else:
        rows = [
            ("Layer", item.layer),
            ("Bergmark class", f"{item.bergmark}: {item.bergmark_note}"),
            ("Role", item.role),
            ("Origin", item.origin),
            ("Insertion", item.insertion),
            ("Innervation", item.innervation),
            ("Actions", item.actions),
            ("Joints crossed", f"{item.segments_text}. {item.segments_note}"),
            ("Lumbar vertebrae", item.lumbar_attachment_text),
        ]
    rows.append(("Sources", item.cite()))
    body = "".join(f"<tr><th style='text-align:left;vertical-align:top;padding-right:8px'>{html.escape(k)}</th>"
                   f"<td style='text-align:left'>{html.escape(v)}</td></tr>" for k, v in rows)
    extra = f"<p><em>{html.escape(note)}</em></p>" if note else ""
    return f"<div><h4 style='margin:4px 0'>{html.escape(item.name)}</h4>{extra}<table>{body}</table></div>"


class MuscleLayersExplorer:
    """Cross-section and posterior view of the back muscles with a layer-peeling slider, picker and toggle.

    Parameters
    ----------
    peel : str
        Initial peeling step, one of :data:`PEEL_STEPS`.
    muscle : str
        Id of the muscle (or ``"thoracolumbar_fascia"``) highlighted first.
    colour_by : str
        ``"layer"`` or ``"Bergmark class"``.
    """

    def __init__(self, peel: str = "all layers", muscle: str = "multifidus", colour_by: str = "layer") -> None:
        hidden_layers(peel)
        if colour_by not in COLOUR_MODES:
            raise ValueError(f"colour_by must be one of {', '.join(COLOUR_MODES)}; got {colour_by!r}")
        choices = [(m.name, m.id) for m in muscles.load()] + [(muscles.structure(TLF_ID).name, TLF_ID)]
        if muscle not in dict(choices).values():
            raise ValueError(f"muscle must be one of {', '.join(v for _, v in choices)}; got {muscle!r}")
        self.peel = widgets.SelectionSlider(options=list(PEEL_STEPS), value=peel, description="Peel layers",
                                            continuous_update=True, style={"description_width": "initial"},
                                            layout=widgets.Layout(width="60%"))
        self.picker = widgets.Dropdown(options=choices, value=muscle, description="Muscle",
                                       layout=widgets.Layout(width="60%"))
        self.colour_by = widgets.ToggleButtons(options=list(COLOUR_MODES), value=colour_by,
                                               description="Colour by", tooltips=[
                                                   "Colour each muscle by its layer",
                                                   "Colour by Bergmark's local/global class; hatching and dashes too"])
        self.card = widgets.HTML()
        self.live = LiveFigure(
            "Two schematics, not to scale. Left: a transverse section of the trunk at about the fourth lumbar "
            "vertebra, anterior up, with each muscle drawn as a coloured shape around the vertebra: latissimus "
            "dorsi outermost at the back, then the erector spinae (longissimus, iliocostalis), multifidus "
            "beside the spinous process, quadratus lumborum and psoas in front of the transverse processes, and "
            "the abdominal wall muscles round the front; grey lines mark the thoracolumbar fascia. Right: a "
            "posterior view of the trunk; on the left half trapezius, latissimus dorsi (from the spine and "
            "pelvis to the arm), rhomboids and levator scapulae; on the right half serratus posterior inferior, "
            "the erector spinae and short multifidus fascicles running from each lumbar spinous process to "
            "vertebrae two to five levels below and the sacrum. A slider removes the layers from the skin "
            "inwards; the chosen muscle is outlined in black.",
            figsize=(10.5, 5.4), ncols=2, gridspec_kw={"width_ratios": [1.55, 1.0]},
        )
        self.artists: dict[str, list[Artist]] = {}
        self.labels: dict[str, list[Text]] = {}
        self._build()
        for control in (self.peel, self.picker, self.colour_by):
            control.observe(lambda _change: self.update(), names="value")
        self.update(refresh=False)
        self.live.render()
        # Peeling has only four steps: draw each once now, so that every later peel move shows a stored frame.
        start = self.peel.value
        for step in self.peel.options:
            self.peel.value = step
        self.peel.value = start

    # ------------------------------------------------------------ building (once)
    def _add(self, muscle_id: str, artist: Artist) -> None:
        self.artists.setdefault(muscle_id, []).append(artist)

    def _build(self) -> None:
        section, posterior = self.live.axes
        section.set(xlim=(-10.8, 10.8), ylim=(-7.4, 11.4), aspect="equal",
                    title="Transverse section at about L4\n(schematic, not to scale)")
        posterior.set(xlim=(-11.0, 11.0), ylim=(-31.0, 2.2), aspect="equal",
                      title="Posterior view\n(schematic, not to scale)")
        for ax in (section, posterior):
            ax.set_axis_off()
        _draw_section_bones(section)
        _draw_posterior_bones(posterior)
        for muscle_id, shapes in _SECTION_SHAPES.items():
            for shape in shapes:
                for points in (shape, _mirror(shape)):
                    self._add(muscle_id, section.add_patch(Polygon(points, closed=True)))
        for muscle_id, shape in _SECTION_MIDLINE.items():
            self._add(muscle_id, section.add_patch(Polygon(shape, closed=True)))
        # Draw order is registration order: deep first, so the superficial layer covers it.
        for muscle_id in sorted(_POSTERIOR_SHAPES, key=self._depth):
            for shape in _POSTERIOR_SHAPES[muscle_id]:
                self._add(muscle_id, posterior.add_patch(Polygon(shape, closed=True)))
        for muscle_id, lines in _POSTERIOR_LINES.items():
            self._add(muscle_id, posterior.add_collection(LineCollection(lines, capstyle="round")))
        self.tlf = section.add_collection(LineCollection(
            [*_TLF_LINES, *(_mirror(line) for line in _TLF_LINES)], colors=style.STRUCTURE_EDGE))
        self.artists[TLF_ID] = [self.tlf]
        for labels, ax in ((_SECTION_LABELS, section), (_POSTERIOR_LABELS, posterior)):
            for muscle_id, (x, y, text) in labels.items():
                if text:
                    self.labels.setdefault(muscle_id, []).append(_label(ax, x, y, text))
        for muscle_id, (x, y, text, target) in _POSTERIOR_POINTERS.items():
            pointer = posterior.annotate(text, xy=target, xytext=(x, y), fontsize=_LABEL_SIZE, ha="left",
                                         va="center", zorder=5, arrowprops={"arrowstyle": "-", "linewidth": 0.6})
            self.labels.setdefault(muscle_id, []).append(pointer)
        self.live.figure.legend(handles=_legend_handles(), loc="outside right center", fontsize=7)
        ordered = sorted((m for m in self.artists if m != TLF_ID), key=self._depth)
        # Blitting draws in registration order; matching z-orders make a full draw (handouts) look the same.
        for muscle_id in ordered:
            for artist in self.artists[muscle_id]:
                artist.set_zorder(1.0 + self._depth(muscle_id))
        self.tlf.set_zorder(4.5)
        self.live.dynamic(*(self.artists[m] for m in ordered), self.tlf, *self.labels.values())

    @staticmethod
    def _depth(muscle_id: str) -> int:
        order = ("abdominal wall", "deep", "intermediate", "superficial")
        return order.index(muscles.get(muscle_id).layer) if muscle_id != TLF_ID else 0

    # ------------------------------------------------------------ updates (every control change)
    def is_visible(self, muscle_id: str) -> bool:
        """Whether the muscle's shapes are shown at the current peeling step."""
        if muscle_id == TLF_ID:
            return True
        return muscles.get(muscle_id).layer not in hidden_layers(self.peel.value)

    def update(self, refresh: bool = True) -> None:
        """Apply the controls to the existing artists (visibility, colour, highlight) and the card."""
        colour_by, chosen = self.colour_by.value, self.picker.value
        for muscle_id, artists in self.artists.items():
            if muscle_id == TLF_ID:
                self.tlf.set_linewidth(_HIGHLIGHT_TLF_WIDTH if chosen == TLF_ID else _TLF_WIDTH)
                continue
            muscle = muscles.get(muscle_id)
            visible, highlighted = self.is_visible(muscle_id), muscle_id == chosen
            colour = muscle_colour(muscle, colour_by)
            bergmark = colour_by == "Bergmark class"
            for artist in artists:
                artist.set_visible(visible)
                if isinstance(artist, LineCollection):
                    artist.set_color(colour)
                    artist.set_linestyle(BERGMARK_LINESTYLE[muscle.bergmark] if bergmark else "-")
                    width = _HIGHLIGHT_LINE_WIDTH if highlighted else _LINE_WIDTH
                    artist.set_linewidth(width)
                    # A white halo keeps the fascicles readable over muscles of the same colour.
                    artist.set_path_effects([patheffects.withStroke(linewidth=width + 1.8, foreground="white")])
                else:
                    artist.set_facecolor(colour)
                    artist.set_hatch(BERGMARK_HATCH[muscle.bergmark] if bergmark else "")
                    artist.set_edgecolor(style.OKABE_ITO["black"] if highlighted else style.STRUCTURE_EDGE)
                    artist.set_linewidth(_HIGHLIGHT_EDGE_WIDTH if highlighted else _EDGE_WIDTH)
            for label in self.labels.get(muscle_id, []):
                label.set_visible(visible)
                label.set_fontweight("bold" if highlighted else "normal")
        self.card.value = muscle_card(self._chosen_item(), self._card_note(chosen))
        if refresh:
            self.live.refresh(state=(self.peel.value, chosen, colour_by))

    def _chosen_item(self) -> muscles.Muscle | muscles.Structure:
        chosen = self.picker.value
        return muscles.structure(chosen) if chosen == TLF_ID else muscles.get(chosen)

    def _card_note(self, chosen: str) -> str:
        if chosen == TLF_ID:
            return ""
        if not self.is_visible(chosen):
            return "Peeled away at this step: move the slider back to see it."
        where = [name for name, shapes in (("the cross-section", {*_SECTION_SHAPES, *_SECTION_MIDLINE}),
                                           ("the posterior view", {*_POSTERIOR_SHAPES, *_POSTERIOR_LINES}))
                 if chosen in shapes]
        return f"Outlined in {' and '.join(where)}."

    def panel(self) -> Panel:
        """The controls, the two schematics and the muscle card as one displayable panel."""
        return Panel(self.live, [self.peel, self.picker, self.colour_by, self.card],
                     caption="Schematic, not to scale. The slider removes the back layers from the skin inwards "
                             "(the abdominal wall stays). In Bergmark mode, hatching and dashed lines mark global "
                             "muscles, dots mark muscles outside Bergmark's two systems. "
                             "Sources: each muscle's card.")


def explorer_figure(peel: str = "all layers", muscle: str = "multifidus",
                    colour_by: str = "layer") -> LiveFigure:
    """The explorer's figure in one state, for static handouts (``explorer_figure().savefig(path)``)."""
    return MuscleLayersExplorer(peel=peel, muscle=muscle, colour_by=colour_by).live


# ---------------------------------------------------------------- local / global plot

#: Columns of the local/global plot: how a muscle reaches the lumbar vertebrae, most direct first.
ATTACHMENT_COLUMNS = tuple(muscles.LUMBAR_ATTACHMENTS)
_COLUMN_TITLES = ("attaches to\nthe lumbar vertebrae", "some fascicles\nattach",
                  "only through the\nthoracolumbar fascia", "does not attach to\nthe lumbar vertebrae")


def local_global_rows() -> tuple[muscles.Muscle, ...]:
    """The muscles of the local/global plot, top to bottom: local, then global, then not classified."""
    return tuple(sorted(muscles.load(), key=lambda m: (muscles.BERGMARK_CLASSES.index(m.bergmark),
                                                       ATTACHMENT_COLUMNS.index(m.lumbar_attachment), m.label)))


def local_global_figure() -> LiveFigure:
    """Each muscle in the column of its lumbar attachment, coloured by its Bergmark class."""
    rows = local_global_rows()
    live = LiveFigure(
        "A chart with one row per muscle and four columns: attaches to the lumbar vertebrae, some fascicles "
        "attach, reaches them only through the thoracolumbar fascia, does not attach. Each muscle is a box in "
        "its column, coloured by Bergmark class. Every local muscle sits in the first column except transversus "
        "abdominis, which reaches the lumbar vertebrae only through the thoracolumbar fascia; no global muscle "
        "attaches directly (the thoracic part of longissimus, whose upper fascicles end on lumbar spinous "
        "processes, sits in the second column); muscles outside the two systems, such as psoas, fall in any "
        "column.",
        figsize=(10.0, 6.4),
    )
    ax = live.axes[0]
    n = len(rows)
    for y, muscle in enumerate(rows):
        x = ATTACHMENT_COLUMNS.index(muscle.lumbar_attachment)
        ax.barh(n - 1 - y, 0.8, left=x - 0.4, height=0.7, hatch=BERGMARK_HATCH[muscle.bergmark],
                color=style.BERGMARK_COLOURS.get(muscle.bergmark, NOT_CLASSIFIED_COLOUR),
                edgecolor=style.STRUCTURE_EDGE, linewidth=0.6)
    local = sum(m.bergmark == "local" for m in rows)
    glob = sum(m.bergmark == "global" for m in rows)
    for edge in (local, local + glob):
        ax.axhline(n - edge - 0.5, color=style.STRUCTURE_EDGE, linewidth=0.8, linestyle="--")
    exception = n - 1 - rows.index(muscles.get(muscles.FASCIA_LOCAL_EXCEPTION))
    fascia = ATTACHMENT_COLUMNS.index("through fascia")
    ax.annotate("local only for later authors: no fibres\non the lumbar vertebrae; reaches them\n"
                "through the thoracolumbar fascia", xy=(fascia + 0.4, exception),
                xytext=(fascia - 0.35, exception + 2.6), fontsize=7, va="center",
                arrowprops={"arrowstyle": "-", "linewidth": 0.6})
    columns = len(ATTACHMENT_COLUMNS)
    ax.set(yticks=range(n), yticklabels=[m.label for m in reversed(rows)], xlim=(-0.55, columns - 0.45),
           xticks=range(columns), xticklabels=_COLUMN_TITLES, ylim=(-0.7, n - 0.3),
           title="Bergmark's criterion: does the muscle attach to the lumbar vertebrae?")
    ax.xaxis.tick_top()
    ax.tick_params(labelsize=8)
    ax.grid(visible=False)
    handles = [Patch(facecolor=style.BERGMARK_COLOURS.get(c, NOT_CLASSIFIED_COLOUR), hatch=BERGMARK_HATCH[c],
                     edgecolor=style.STRUCTURE_EDGE, label=c) for c in muscles.BERGMARK_CLASSES]
    ax.legend(handles=handles, title="Bergmark class", loc="lower left", bbox_to_anchor=(0.26, 0.0), fontsize=8)
    live.render()
    return live


def local_global_panel() -> Panel:
    """:func:`local_global_figure` with its caption, ready to display."""
    return Panel(local_global_figure(), caption=(
        "Local muscles attach to the lumbar vertebrae; global muscles carry load between the thoracic cage and "
        "the pelvis without attaching to them. Dashed lines separate local, global and unclassified muscles. "
        f"Sources: {references.cite(*muscles.all_citations())}."))
