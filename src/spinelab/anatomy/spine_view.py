"""The lumbar spine in 3D from the MyoTorso model, and the local/global figure computed from its geometry.

:class:`Spine3DView` draws the sacrum, the lumbar and thoracic vertebrae and the model's 210 fascicles as lines
coloured by the course's layer (Okabe-Ito) in a ``k3d`` WebGL widget (works offline: its module comes from the
kernel). Check boxes peel the layers away, a list highlights one group, and sliders and buttons turn, tilt and
zoom the view from the keyboard as the mouse does. A text line under the view says what is shown, and a polite
live region repeats it after every change, for screen readers. In static exports, handouts and the notebook
tests the view is a matplotlib picture of the same geometry (a view from behind and one from the side) with its
alt text (:meth:`Spine3DView.png`).

:func:`local_global_panel` plots each fascicle's extension moment arm at each lumbar joint, multifidus against
longissimus pars thoracis, so Bergmark's local/global classes can be read off the model's geometry. All numbers
come from :mod:`spinelab.anatomy.spine_model`; the words shown are in ``data/wording.toml`` ``[spine_view]``.
"""

from __future__ import annotations

import io
import math
import threading
from functools import cache

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from PIL import Image as PILImage

from spinelab.anatomy import muscles, spine_geometry
from spinelab.anatomy import spine_model as sm
from spinelab.anatomy.spine_plot import gzipped_module, plot_class
from spinelab.course import a11y, references, style, wording
from spinelab.course.display import Display, Displayable, static_mode
from spinelab.course.live import LiveFigure

BONE_COLOUR = 0xD9D4C7
HIGHLIGHT_COLOUR = style.OKABE_ITO["black"]
#: The view's starting camera: from behind (azimuth 0), level, at distance 1 (relative).
TURN_RANGE, TILT_RANGE, ZOOM_RANGE = (-180, 180), (-75, 75), (0.5, 2.5)
_LINE_WIDTH, _HIGHLIGHT_WIDTH = 0.0025, 0.006
_NONE = "none"
#: Size of the still (inches): two side-by-side views and the legend.
STILL_SIZE = (8.0, 5.2)
#: Resolution (dpi) of the still in static exports: slide decks show it at about 960 pixels wide.
SLIDE_DPI = 120
#: zlib level of the meshes and lines in the widgets' state (k3d inflates them in the browser).
_COMPRESSION = 9
def _hex(colour: str) -> int:
    return int(colour.lstrip("#"), 16)


@cache
def _geometry() -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray], np.ndarray]:
    """Bone vertices and triangles (one mesh), each group's line segments, and the spine's centre."""
    vertices, faces, offset = [], [], 0
    for _, points, triangles in spine_geometry.mesh_geometry():
        vertices.append(points)
        faces.append(triangles + offset)
        offset += len(points)
    bones = np.concatenate(vertices).astype(np.float32)
    paths = spine_geometry.fascicle_paths()
    segments: dict[str, list[np.ndarray]] = {group: [] for group in sm.groups()}
    for item in sm.fascicles():
        path = paths[item.index]
        segments[item.group].append(np.stack([path[:-1], path[1:]], axis=1))
    lines = {group: np.concatenate(parts).reshape(-1, 3).astype(np.float32) for group, parts in segments.items()}
    centre = bones.mean(axis=0)
    return bones, np.concatenate(faces).astype(np.uint32), lines, centre


#: Room for a control's whole label (ipywidgets cuts anything past 80 px with "…").
_LABEL_ROOM = {"description_width": "initial"}


def layers_in_model() -> tuple[str, ...]:
    """The course layers the model has fascicles in, from the skin inwards (``deep``, ``abdominal wall``)."""
    present = {f.layer for f in sm.fascicles()}
    return tuple(layer for layer in muscles.LAYERS if layer in present)


def camera(turn: float, tilt: float, zoom: float) -> list[float]:
    """The k3d camera (eye, target, up) for a view turned ``turn`` degrees from behind, tilted, and zoomed.

    Raises
    ------
    ValueError
        If an angle or the zoom is outside its slider's range.
    """
    for name, value, (low, high) in (("turn", turn, TURN_RANGE), ("tilt", tilt, TILT_RANGE),
                                     ("zoom", zoom, ZOOM_RANGE)):
        if not low <= value <= high:
            raise ValueError(f"{name} must be between {low} and {high}; got {value}")
    *_, centre = _geometry()
    distance = 0.6 / zoom
    azimuth, elevation = math.radians(turn), math.radians(tilt)
    # From behind is +y in the model (posterior), up is +z, the model's right is -x.
    direction = np.array([-math.sin(azimuth) * math.cos(elevation), math.cos(azimuth) * math.cos(elevation),
                          math.sin(elevation)])
    eye = centre + distance * direction
    return [*map(float, eye), *map(float, centre), 0.0, 0.0, 1.0]


def view_name(turn: float) -> str:
    """Where the view is from, in words: behind, the right, the front or the left (nearest quarter turn)."""
    quarter = round(((turn + 180) % 360 - 180) / 90) % 4
    return wording.phrases("spine_view", "views")[quarter]


def describe(shown: tuple[str, ...], highlight: str, turn: float, tilt: float) -> str:
    """One sentence on what the 3D view shows now: the layers, the highlighted group and the viewpoint."""
    counts = {layer: sum(f.layer == layer for f in sm.fascicles()) for layer in shown}
    layers = (", ".join(_words("layer_count", layer=layer, count=counts[layer]) for layer in shown)
              or _words("no_layer"))
    sentences = [_words("viewpoint_tilted", view=view_name(turn), degrees=f"{abs(tilt):.0f}",
                        direction=_words("from_above" if tilt > 0 else "from_below"))
                 if tilt else _words("viewpoint", view=view_name(turn)),
                 _words("shown", layers=layers)]
    if highlight != _NONE:
        item = muscles.get(highlight)
        low, high = sm.span(highlight)
        joints = str(low) if low == high else _words("joint_range", low=low, high=high)
        sentences.append(_words("highlighted" if item.layer in shown else "highlighted_hidden", muscle=item.label,
                                joints=joints))
    return " ".join(sentences)


def _draw_still(figure: Figure, axes: list) -> None:
    """Draw the still on two axes of ``figure``: from behind and from the right side, fascicles coloured by layer."""
    bones, faces, _, _ = _geometry()
    paths = spine_geometry.fascicle_paths()
    # Behind: right of the picture is the model's right (-x); side: anterior (-y) to the right.
    titles = wording.phrases("spine_view", "still_titles")
    for ax, (horizontal, sign), title in zip(axes, ((0, -1), (1, -1)), titles, strict=True):
        flat = np.stack([sign * bones[:, horizontal], bones[:, 2]], axis=1)
        # 7,600 triangles a view: a picture in vector output (an SVG stays small), the fascicles stay lines.
        ax.add_collection(PolyCollection(flat[faces], facecolor="#D9D4C7", edgecolor="#B8B2A3", linewidth=0.1,
                                         rasterized=True))
        for layer in reversed(layers_in_model()):
            lines = [np.stack([sign * paths[f.index][:, horizontal], paths[f.index][:, 2]], axis=1)
                     for f in sm.fascicles() if f.layer == layer]
            ax.add_collection(LineCollection(lines, colors=style.LAYER_COLOURS[layer], linewidths=0.9))
        ax.set_title(title)
        ax.set_aspect("equal")
        ax.autoscale_view()
        ax.set_axis_off()
    handles = [Line2D([], [], color=style.LAYER_COLOURS[layer], label=_words("layer", layer=layer))
               for layer in layers_in_model()]
    figure.legend(handles=handles, loc="outside lower center", ncols=len(handles), frameon=False)


def static_picture() -> Figure:
    """The same geometry as a still: a view from behind and one from the right side, fascicles coloured by layer."""
    figure = Figure(figsize=STILL_SIZE, layout="constrained")
    FigureCanvasAgg(figure)
    _draw_still(figure, list(figure.subplots(1, 2)))
    return figure


def still_alt_text() -> str:
    """The still's text alternative: what is drawn, with each layer's fascicle count from the model."""
    count = {layer: sum(f.layer == layer for f in sm.fascicles()) for layer in layers_in_model()}
    return _words("still_alt_text", source=sm.source(), fascicles=len(sm.fascicles()), deep=count["deep"],
                  abdominal_wall=count["abdominal wall"])


def still_figure() -> LiveFigure:
    """The still as a figure with its alt text, for handouts and slides (``publish.handouts``)."""
    live = LiveFigure(still_alt_text(), figsize=STILL_SIZE, ncols=2)
    _draw_still(live.figure, live.axes)
    return live


def compact_png(figure: Figure, dpi: int = 64, colours: int = 32) -> bytes:
    """A figure as a small PNG: drawn at ``dpi`` and reduced to a palette of ``colours`` (notebooks stay small)."""
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=dpi)
    picture = PILImage.open(io.BytesIO(out.getvalue())).convert("RGB").quantize(colours)
    small = io.BytesIO()
    picture.save(small, format="PNG", optimize=True)
    return small.getvalue()


@cache
def static_png() -> bytes:
    """:func:`static_picture` as PNG bytes for the notebook's stored output, drawn once."""
    return compact_png(static_picture())


@cache
def slide_png() -> bytes:
    """:func:`static_picture` as PNG bytes for static exports (slide decks): sharp on a projector, drawn once."""
    return compact_png(static_picture(), dpi=SLIDE_DPI)


def _words(key: str, /, **values: object) -> str:
    return wording.phrase("spine_view", key, **values)


class _PictureDisplay(Display):
    """A widget with a PNG for static renderings (the same scene as a still), and its plain-text line.

    ``png`` goes beside the widget (stored in the notebook); ``slide_png``, when given, replaces it in static mode.
    """

    def __init__(self, widget: widgets.Widget, text: str, alt_text: str, png: bytes,
                 slide_png: bytes | None = None) -> None:
        self.png = png
        self.slide_png = slide_png or png
        super().__init__(widget, text, alt_text)

    def static_outputs(self) -> dict[str, object]:
        return {"image/png": self.slide_png}

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, object]:
        bundle = super()._repr_mimebundle_(include=include, exclude=exclude)
        return {**bundle, "image/png": self.slide_png if static_mode() else self.png}


@references.shows(sm.citations)
class Spine3DView(Displayable):
    """The model's lumbar spine in 3D: peel layers, highlight a group, turn, tilt and zoom by mouse or keyboard.

    Parameters
    ----------
    highlight : str
        The group highlighted first: a muscle id of the model's groups, or ``"none"``.
    height : int
        Height of the 3D view, pixels (200-1200).
    """

    def __init__(self, highlight: str = "multifidus", height: int = 460) -> None:
        import k3d

        if highlight != _NONE and highlight not in sm.groups():
            raise ValueError(f"highlight must be 'none' or one of {', '.join(sm.groups())}; got {highlight!r}")
        if not 200 <= height <= 1200:
            raise ValueError(f"height must be between 200 and 1200 pixels; got {height}")
        # Ready before the page asks for it (zlib lets other threads run meanwhile).
        threading.Thread(target=gzipped_module, daemon=True).start()
        bones, faces, lines, _ = _geometry()
        self.plot = plot_class()(height=height, grid_visible=False, axes_helper=0.0, menu_visibility=False,
                                 camera_auto_fit=False, background_color=0xFFFFFF, camera_mode="orbit",
                                 camera_up_axis="z", name="spine3d")
        self.plot += k3d.mesh(bones, faces, color=BONE_COLOUR, flat_shading=False, name="bones",
                              compression_level=_COMPRESSION)
        self.lines: dict[str, object] = {}
        for group, points in lines.items():
            layer = muscles.get(group).layer
            obj = k3d.lines(points, np.arange(len(points), dtype=np.uint32).reshape(-1, 2), indices_type="segment",
                            color=_hex(style.LAYER_COLOURS[layer]), width=_LINE_WIDTH, shader="simple",
                            name=group, compression_level=_COMPRESSION)
            self.plot += obj
            self.lines[group] = obj
        self.layer_boxes = {layer: widgets.Checkbox(value=True, description=_words("show_layer", layer=layer),
                                                   indent=False)
                            for layer in layers_in_model()}
        options = [(_words("no_highlight"), _NONE)] + [(muscles.get(g).label, g) for g in sm.groups()]
        self.picker = widgets.Dropdown(options=options, value=highlight, description=_words("highlight"),
                                       style=_LABEL_ROOM)
        self.turn = widgets.IntSlider(value=0, min=TURN_RANGE[0], max=TURN_RANGE[1], step=15,
                                      description=_words("turn"), style=_LABEL_ROOM, continuous_update=False)
        self.tilt = widgets.IntSlider(value=0, min=TILT_RANGE[0], max=TILT_RANGE[1], step=15,
                                      description=_words("tilt"), style=_LABEL_ROOM, continuous_update=False)
        self.zoom = widgets.FloatSlider(value=1.0, min=ZOOM_RANGE[0], max=ZOOM_RANGE[1], step=0.25,
                                        description=_words("zoom"), style=_LABEL_ROOM, continuous_update=False)
        self.turn_left = widgets.Button(description=_words("turn_left"), icon="rotate-left")
        self.turn_right = widgets.Button(description=_words("turn_right"), icon="rotate-right")
        self.reset = widgets.Button(description=_words("home"))
        self.turn_left.on_click(lambda _: self._step(-15))
        self.turn_right.on_click(lambda _: self._step(15))
        self.reset.on_click(lambda _: self._home())
        self.readout = widgets.HTML()
        for control in (*self.layer_boxes.values(), self.picker):
            control.observe(self._update, names="value")
        for control in (self.turn, self.tilt, self.zoom):
            control.observe(self._move, names="value")
        self.plot.camera = camera(0, 0, 1.0)
        self._update()
        controls = widgets.VBox([
            widgets.HBox(list(self.layer_boxes.values())),
            self.picker,
            widgets.HBox([self.turn, self.tilt, self.zoom]),
            widgets.HBox([self.turn_left, self.turn_right, self.reset]),
        ])
        alt = _words("view_alt_text", fascicles=len(sm.fascicles()), source=sm.source(),
                     description=self.description())
        a11y.label(self.plot, _words("view_label"))
        self.readout.add_class("spinelab-spine3d-description")
        self.view = _PictureDisplay(widgets.VBox([controls, self.plot, self.readout]).add_class("spinelab-spine3d"),
                                    _words("plain", description=self.description()), alt, static_png(),
                                    slide_png())

    def shown(self) -> tuple[str, ...]:
        """The layers whose check box is ticked."""
        return tuple(layer for layer, box in self.layer_boxes.items() if box.value)

    def description(self) -> str:
        """What the view shows now, in one sentence."""
        return describe(self.shown(), self.picker.value, self.turn.value, self.tilt.value)

    def _update(self, _change: object = None) -> None:
        shown = self.shown()
        for group, obj in self.lines.items():
            layer = muscles.get(group).layer
            chosen = group == self.picker.value
            obj.visible = layer in shown
            obj.color = _hex(HIGHLIGHT_COLOUR) if chosen else _hex(style.LAYER_COLOURS[layer])
            obj.width = _HIGHLIGHT_WIDTH if chosen else _LINE_WIDTH
        self._say()

    def _move(self, _change: object = None) -> None:
        wanted = camera(self.turn.value, self.tilt.value, self.zoom.value)
        if list(self.plot.camera) == wanted:
            # The page's last report already says so (an older turn, say): send it anyway, the page may be elsewhere.
            self.plot.send_state("camera")
        else:
            self.plot.camera = wanted
        self._say()

    def _step(self, degrees: int) -> None:
        turned = (self.turn.value + degrees + 180) % 360 - 180
        self.turn.value = turned

    def _home(self) -> None:
        self.turn.value, self.tilt.value, self.zoom.value = 0, 0, 1.0
        self._move()

    def _say(self) -> None:
        sentence = self.description()
        self.readout.value = f"<p><small>{sentence}</small></p>"
        if getattr(self, "view", None) is not None:
            self.view.announce(sentence)
            self.view.text = _words("plain", description=sentence)

    def png(self) -> bytes:
        """The static picture of the same geometry (PNG bytes)."""
        return static_png()


def local_global_figure(groups: tuple[str, str] = ("multifidus", "longissimus_thoracis_thoracic")) -> Figure:
    """Each right-side fascicle's extension moment arm (cm) at each lumbar joint, for two groups side by side.

    Blank cells: the fascicle does not cross that joint. Values are the model's (:mod:`spine_model`).
    """
    profiles = [sm.joint_profile(group) for group in groups]
    figure = Figure(figsize=(8.0, 4.8), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(1, 2)
    peak = max(float(np.abs(arms).max()) for _, arms in profiles)
    image = None
    for ax, (names, arms), group in zip(axes, profiles, groups, strict=True):
        masked = np.ma.masked_where(np.abs(arms) < 100 * sm.CROSSING_THRESHOLD, arms)
        image = ax.imshow(masked, cmap="cividis", norm=Normalize(vmin=0.0, vmax=peak), aspect="auto")
        ax.set_xticks(range(len(sm.JOINTS)), sm.JOINTS, rotation=45)
        ax.set_yticks(range(len(names)), [name.removesuffix("_r") for name in names], fontsize=6)
        ax.set_title(muscles.get(group).label)
        ax.set_xlabel(_words("joint_axis"))
    figure.colorbar(image, ax=list(axes), label=_words("moment_arm_axis"), shrink=0.8)
    return figure


@references.shows(sm.citations)
def local_global_panel() -> Display:
    """:func:`local_global_figure` as a still with its caption and alt text, ready to display."""
    alt = _words("local_global_alt_text")
    png = compact_png(local_global_figure(), dpi=80)
    image = a11y.label(widgets.Image(value=png, format="png", layout=widgets.Layout(max_width="720px")), alt)
    caption = widgets.HTML(f"<figcaption><small>{_words('local_global_caption', source=sm.source())}"
                           "</small></figcaption>")
    return _PictureDisplay(widgets.VBox([image, caption]), _words("local_global_plain", alt_text=alt), alt, png)
