"""How every notebook-facing object of the course is shown: live, static, and as one line of text.

A :class:`Display` has three forms:

- in JupyterLab and Voila, a live widget;
- in static mode (``SPINELAB_STATIC=1``, used for slide exports), no widget: a
  figure's PNG, or Markdown (questions without their answers);
- always, a ``text/plain`` line: the figure's alt text or a short description,
  which is what screen readers, terminals and the notebook tests see.

:class:`FigurePanel` is the display of a live figure with its controls and
caption; :class:`spinelab.course.steps.CheckStep` is the display of an
"answer and check" step. A class whose instances a notebook shows inherits
:class:`Displayable` and keeps its display in :attr:`Displayable.view`, so a
cell ends with the object itself.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets
import mistune

from spinelab.course import a11y, settings
from spinelab.course.live import LiveFigure
from spinelab.course.text import sanitize_html

#: Set to 1 when exporting to static formats (slides, handouts): panels show their PNG, not a widget.
STATIC_ENV = settings.STATIC


def static_mode() -> bool:
    """Return True when outputs should be static (``SPINELAB_STATIC=1``), as for a slide export."""
    return settings.static()


def markdown_html(text: str) -> str:
    """Render Markdown to HTML for use inside a widget, sanitised (:func:`spinelab.course.text.sanitize_html`)."""
    return sanitize_html(str(mistune.html(text)))


class Display:
    """A widget, the Markdown shown instead of it in static mode, and a plain-text line.

    Parameters
    ----------
    widget : ipywidgets.Widget
        What JupyterLab and Voila show.
    text : str
        The ``text/plain`` output; may be changed later (a checklist states its current result).
    static_markdown : str
        What static mode shows instead of the widget.
    helper : bool
        Give the box an accessibility helper (see Notes). False for a display whose controls an outer box's helper
        names (a question inside a question set) or that has nothing to name: every helper costs the page a script
        module. Without one, :meth:`announce` says nothing.

    Notes
    -----
    A box gets an :class:`spinelab.course.a11y.Accessibility` helper as its last child (unless ``helper`` is False):
    in the browser it gives images their alt text and controls their accessible names, and holds a polite live
    region (:attr:`a11y`).
    """

    def __init__(self, widget: widgets.Widget, text: str, static_markdown: str, helper: bool = True) -> None:
        self.widget = widget
        self.text = text
        self.static_markdown = static_markdown
        #: The box's accessibility helper (None if the widget is not a box, or without ``helper``).
        self.a11y = a11y.attach(widget) if helper else None

    def announce(self, sentence: str) -> None:
        """Put ``sentence`` in the polite live region, for screen readers to say."""
        if self.a11y is not None:
            self.a11y.live = sentence

    def static_outputs(self) -> dict[str, object]:
        """The outputs that stand for the widget in static mode."""
        return {"text/markdown": self.static_markdown}

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, object]:
        if static_mode():
            bundle = self.static_outputs()
        else:
            bundle = dict(self.widget._repr_mimebundle_(include=include, exclude=exclude) or {})
        bundle["text/plain"] = self.text
        return bundle


#: The tallest a figure with controls is drawn: the viewport less room for its controls (above it) and the page's
#: own bars (JupyterLab's menus, tabs and status bar), so that a control and the figure it moves are seen together
#: at 1366x768 (``tests/browser/test_screen.py``).
FIGURE_MAX_HEIGHT = {"above": "calc(100vh - 260px)", "beside": "calc(100vh - 170px)"}
#: Width of the column of controls beside a figure; in ``em``, so it grows with presenter mode's larger text.
BESIDE_WIDTH = "21em"


class FigurePanel(Display):
    """Controls, a live figure and a caption, displayed as one widget.

    In JupyterLab and Voila the panel is a live widget, and the current frame is
    also output as a PNG, so static renderings of the notebook (GitHub, HTML)
    show the figure too. In static mode only the PNG and the plain text are
    output. The plain text is the figure's alt text.

    Parameters
    ----------
    figure : LiveFigure
        The figure to show.
    controls : sequence of ipywidgets.Widget
        Sliders, toggles and readouts, shown right above the figure (keep them few: a card or a long text goes
        ``below``).
    caption : str
        Short caption (may contain HTML) shown under the figure.
    below : sequence of ipywidgets.Widget
        Widgets shown under the caption (the evidence for a chosen option, say).
    beside : sequence of ipywidgets.Widget
        Controls shown in a column to the right of the figure (above it when the page is too narrow), for a figure
        with many controls.

    Notes
    -----
    A figure with controls is drawn no taller than fits in the window with them (:data:`FIGURE_MAX_HEIGHT`), its
    shape kept, so that moving a control shows what it changes without scrolling.
    """

    def __init__(self, figure: LiveFigure, controls: Sequence[widgets.Widget] = (), caption: str = "",
                 below: Sequence[widgets.Widget] = (), beside: Sequence[widgets.Widget] = ()) -> None:
        self.figure = figure
        self.controls = list(controls)
        self.beside = list(beside)
        # ipywidgets' Image has no alt attribute: the accessibility helper sets it in the page (Display.a11y), and
        # the description is in the caption too, for every reader.
        a11y.label(figure.image, figure.alt_text)
        self.caption = widgets.HTML(
            f"<figcaption><small>{caption}</small><details><summary><small>Figure description</small></summary>"
            f"<small>{figure.alt_text}</small></details></figcaption>"
        )
        if self.controls or self.beside:
            figure.image.layout.width = "auto"
            figure.image.layout.max_width = "100%"
            figure.image.layout.max_height = FIGURE_MAX_HEIGHT["beside" if self.beside else "above"]
            figure.image.layout.align_self = "flex-start"
        shown: list[widgets.Widget] = [figure.image, self.caption]
        if self.beside:
            column = widgets.VBox(self.beside, layout=widgets.Layout(flex=f"0 1 {BESIDE_WIDTH}", min_width="0",
                                                                     margin="0 0 0 1em"))
            shown = [widgets.HBox([widgets.VBox(shown, layout=widgets.Layout(flex="1 1 20em", min_width="0")),
                                   column], layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"))]
        super().__init__(widgets.VBox([*self.controls, *shown, *below]),
                         f"[Interactive figure] {figure.alt_text}", figure.alt_text)
        # After every redraw, the figure's one-sentence description (if it has one) goes to the live region.
        figure.on_describe(self.announce)

    def static_outputs(self) -> dict[str, object]:
        """The figure's current frame as a PNG."""
        return {"image/png": self.figure.png()}

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, object]:
        return {**super()._repr_mimebundle_(include=include, exclude=exclude), **self.static_outputs()}


class Displayable:
    """An object a notebook cell can end with: it is shown as its :attr:`view`.

    Subclasses build their controls, then set :attr:`view` at the end of ``__init__``.
    """

    #: The object's display: its widget, static form and plain-text line.
    view: Display

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, object]:
        return self.view._repr_mimebundle_(include=include, exclude=exclude)
