"""Interactive figures that redraw fast: a matplotlib figure shown as a PNG widget.

A :class:`LiveFigure` draws its static parts (axes, ticks, labels, data points)
once and keeps them as a background bitmap. A slider move only changes the
*dynamic* artists (the model curves and their readouts): they are drawn onto a
copy of the background (blitting) and the frame is sent to the browser in an
:class:`ipywidgets.Image`. No figure is rebuilt. The frame is encoded once for
every kernel on the machine: :mod:`spinelab.course.frame_cache` keeps it, keyed by
its pixels. A figure that names its state (``refresh(state=...)``) skips the
drawing as well: its frame is looked up by the background and the state before
anything is drawn, so a room moving one slider draws each frame once. The static
output (:meth:`LiveFigure.png`) is always a PNG.

The figure is a plain :class:`matplotlib.figure.Figure` with an Agg canvas, not
a pyplot figure, so it is never displayed twice, needs no notebook backend, and
runs the same in JupyterLab, Voila, the test suite and the benchmark. A figure is
shown with its controls and caption by :class:`spinelab.course.display.FigurePanel`.
"""

from __future__ import annotations

import io
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence

import ipywidgets as widgets
import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image as PILImage

from spinelab.course import frame_cache, style

#: Frames each figure keeps of its own last states, in front of the shared cache (each ~20-100 kB): a figure that
#: draws its few states ahead (the layer-peeling steps) finds them even when the shared memory has moved on.
FRAME_CACHE_SIZE = 16

#: zlib level of :meth:`LiveFigure.png` when the frames shown are not PNG: about 5x faster than the default.
PNG_COMPRESS_LEVEL = 1


class LiveFigure:
    """A figure whose dynamic artists are redrawn by blitting into a PNG widget.

    Parameters
    ----------
    alt_text : str
        What the figure shows, in words: the text alternative for screen
        readers and the plain-text output of the notebook cell.
    figsize : tuple of float
        Width and height in inches at the desk; in presenter mode they grow with the fonts
        (:func:`spinelab.course.style.figure_scale`), so the layout stays the same.
    nrows, ncols : int
        Grid of axes, as in :meth:`matplotlib.figure.Figure.subplots`.
    describe : callable, optional
        Returns one sentence with the figure's current key values (say, its readout). It is called after every
        :meth:`render` and :meth:`refresh`, and the sentence goes to the listeners of :meth:`on_describe` (the
        panel's polite live region, so a screen reader says what a slider move changed). Can be set later.
    **subplot_kw
        Passed to :meth:`~matplotlib.figure.Figure.subplots` (``sharex`` ...).

    Notes
    -----
    Build the static content on :attr:`axes`, register the artists that change
    with :meth:`dynamic`, then call :meth:`render` once. After that, change the
    dynamic artists' data and call :meth:`refresh`. Call :meth:`render` again
    only when static content (axis limits, titles) changes.
    """

    def __init__(
        self,
        alt_text: str,
        figsize: tuple[float, float] = (10.0, 4.0),
        nrows: int = 1,
        ncols: int = 1,
        describe: Callable[[], str] | None = None,
        **subplot_kw: object,
    ) -> None:
        self.alt_text = alt_text
        self.describe = describe
        self._describe_listeners: list[Callable[[str], None]] = []
        scale = style.figure_scale()
        figsize = (figsize[0] * scale, figsize[1] * scale)
        self.figure = Figure(figsize=figsize, layout="constrained")
        self.canvas = FigureCanvasAgg(self.figure)
        axes = self.figure.subplots(nrows, ncols, squeeze=False, **subplot_kw)
        self.axes = list(axes.flat)
        #: The frames' encoding (a name of :data:`spinelab.course.frame_cache.ENCODINGS`), fixed at creation.
        self.encoding = frame_cache.encoding()
        self.image = widgets.Image(
            format=frame_cache.ENCODINGS[self.encoding][0],
            layout=widgets.Layout(width="100%", max_width=f"{round(figsize[0] * self.figure.dpi)}px"),
        )
        self._dynamic: list[Artist] = []
        self._background = None
        self._background_key = ""
        self._frames: OrderedDict[str, bytes] = OrderedDict()

    def dynamic(self, *artists: Artist | Iterable[Artist]) -> None:
        """Register artists that change on updates; they are left out of the background."""
        for item in artists:
            group = [item] if isinstance(item, Artist) else list(item)
            for artist in group:
                artist.set_animated(True)
                self._dynamic.append(artist)

    @property
    def dynamic_artists(self) -> Sequence[Artist]:
        """The artists redrawn on every :meth:`refresh`."""
        return tuple(self._dynamic)

    def on_describe(self, listener: Callable[[str], None]) -> None:
        """Call ``listener(sentence)`` with :meth:`description` after every redraw (and once now)."""
        self._describe_listeners.append(listener)
        listener(self.description())

    def description(self) -> str:
        """The figure's current one-sentence description: ``describe()``, or "" without one."""
        return " ".join(self.describe().split()) if self.describe is not None else ""

    def _described(self) -> None:
        if self.describe is not None and self._describe_listeners:
            sentence = self.description()
            for listener in self._describe_listeners:
                listener(sentence)

    def render(self) -> None:
        """Draw everything: the static background is redrawn, cached and digested (the key of its states' frames)."""
        self.canvas.draw()
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        pixels = frame_cache.frame_key(np.asarray(self.canvas.buffer_rgba()), self.encoding)
        kinds = ",".join(type(artist).__name__ for artist in self._dynamic)
        self._background_key = f"{pixels}|{kinds}"
        self._blit_dynamic()
        self._described()

    def state_key(self, state: Hashable) -> str:
        """The frame cache's key of ``state`` over the current background (see :meth:`refresh`)."""
        if self._background is None:
            self.render()
        return frame_cache.state_key(self._background_key, state)

    def refresh(self, state: Hashable | None = None) -> None:
        """Redraw only the dynamic artists over the cached background.

        Parameters
        ----------
        state : hashable, optional
            Everything the dynamic artists depend on beyond the background (slider values, a choice, the
            constructor's arguments the background does not show), with a ``repr`` that tells states apart. Its
            frame is looked up by :meth:`state_key` first, among this figure's last :data:`FRAME_CACHE_SIZE`
            frames and then in the shared frame cache: a state drawn before, by this figure or by any kernel's
            figure with the same background, is shown without drawing or hashing pixels. A state that leaves out
            something the artists depend on shows a wrong frame.

        Notes
        -----
        After a frame found by its state the canvas still holds the last frame drawn: the frame shown is
        :attr:`image` (read by :meth:`png`), and the next miss restores the background before it draws.
        """
        if self._background is None:
            self.render()
            if state is not None:
                self._keep(self.state_key(state), bytes(self.image.value), share=True)
            return
        key = None if state is None else self.state_key(state)
        found = None if key is None else self._frames.get(key) or frame_cache.shared().get(key)
        if found is not None:
            self.image.value = found
            self._keep(key, found, share=False)
        else:
            self.canvas.restore_region(self._background)
            drawn = self._blit_dynamic()
            if key is not None:
                self._keep(key, drawn, share=True)
        self._described()

    def _keep(self, key: str, frame: bytes, share: bool) -> None:
        """Keep ``frame`` as this figure's frame of state ``key`` (and in the shared cache if ``share``)."""
        self._frames[key] = frame
        self._frames.move_to_end(key)
        while len(self._frames) > FRAME_CACHE_SIZE:
            self._frames.popitem(last=False)
        if share:
            frame_cache.shared().put(key, frame)

    def _blit_dynamic(self) -> bytes:
        """Draw the dynamic artists over the canvas and show the frame (returned)."""
        for artist in self._dynamic:
            if artist.get_visible():
                self.figure.draw_artist(artist)
        frame = frame_cache.frame(np.asarray(self.canvas.buffer_rgba()), self.encoding)
        self.image.value = frame
        return frame

    def png(self) -> bytes:
        """The current frame as PNG bytes (the static output: notebooks stored, slides, GitHub)."""
        if self._background is None:
            self.render()
        if self.image.format == "png":
            return bytes(self.image.value)
        out = io.BytesIO()
        PILImage.open(io.BytesIO(self.image.value)).save(out, format="PNG", compress_level=PNG_COMPRESS_LEVEL)
        return out.getvalue()

    def savefig(self, path: str, **kwargs: object) -> None:
        """Save a full static rendering (animated artists included) for handouts."""
        for artist in self._dynamic:
            artist.set_animated(False)
        try:
            self.figure.savefig(path, **kwargs)
        finally:
            for artist in self._dynamic:
                artist.set_animated(True)
            self.render()

