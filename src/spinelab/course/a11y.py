"""Text alternatives, control labels and a polite live region, put into the page by a tiny widget.

ipywidgets 8.1 gives a figure's ``<img>`` no ``alt`` attribute and a slider's handle no accessible name. Every
:class:`spinelab.course.display.Display` therefore ships an :class:`Accessibility` widget (an ``anywidget``: its
JavaScript is below, no build step) as the last child of its box, unless it is built with ``helper=False``: a
question of a question set (the set's helper names its controls) or a numeric item's box (only a question with a
helper of its own, and a button). In the browser it

- sets ``alt`` on each figure image (from :attr:`spinelab.course.live.LiveFigure.alt_text`);
- sets ``aria-label`` on each control's interactive element (slider handle, select, input, textarea) and names
  radio and toggle-button groups, from the control's description (or a label given with :func:`label`);
- keeps them set when the widgets re-render (a ``MutationObserver`` on its own box only);
- makes the box's live region (:attr:`Accessibility.region`, an ordinary ``ipywidgets.HTML`` beside it) a visually
  hidden ``aria-live="polite"`` region whose text is the figure's current one-sentence description, so a screen
  reader says what changed after a slider move.

The sentence travels in the ``HTML`` widget's model, not in the helper's own: anywidget rejects a model whose
module has not loaded within 2 seconds (``[anywidget] Failed to initialize model.``, seen on a starved CPU) and
then drops every later message to it, while its view still draws. So the labels, which a page needs only once,
are the helper's state; the sentence, which changes, is not.

Each labelled widget is found by a CSS class of its own (``spinelab-a11y-N``). Nothing here changes the
``text/plain`` output or static mode.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterator

import anywidget
import ipywidgets as widgets
import traitlets

from spinelab.course import widget_internals

#: CSS class prefix that marks a widget the accessibility helper names.
CLASS_PREFIX = "spinelab-a11y-"
_ATTRIBUTE = "_spinelab_label"
_counter = itertools.count(1)

#: Widgets whose interactive element needs a name (buttons name themselves by their text).
CONTROLS: tuple[type[widgets.Widget], ...] = (
    *widget_internals.number_widget_types(),  # sliders and number boxes
    widgets.SelectionSlider, widgets.SelectionRangeSlider, widgets.Dropdown, widgets.Select,
    widgets.SelectMultiple, widgets.RadioButtons, widgets.ToggleButtons, widgets.Checkbox, widgets.ToggleButton,
    widgets.Text, widgets.Textarea,
)

#: Hidden from sight, kept for screen readers (the helper itself and each box's live region).
SR_ONLY = ("position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);"
           "white-space:nowrap;border:0;")
#: The CSS class of a box's live region.
LIVE_CLASS = "spinelab-live"

ESM = r"""
const SR_ONLY = "__SR_ONLY__";
const FIELDS = "select, textarea, input:not([type=radio]):not([type=checkbox]), [role=slider]";

function set(node, name, value) {
  if (node.getAttribute(name) !== value) node.setAttribute(name, value);
}

function name(node, label) {
  if (node.tagName === "IMG") { set(node, "alt", label); return; }
  for (const field of node.querySelectorAll(FIELDS)) set(field, "aria-label", label);
  for (const box of node.querySelectorAll("input[type=checkbox]")) set(box, "aria-label", label);
  for (const group of node.querySelectorAll(".widget-radio-box")) {
    set(group, "role", "radiogroup"); set(group, "aria-label", label);
  }
  for (const group of node.querySelectorAll(".widget-toggle-buttons .btn-group, .widget-toggle-buttons > div")) {
    if (group.querySelector("button")) { set(group, "role", "group"); set(group, "aria-label", label); }
  }
  if (node.tagName === "BUTTON" && !node.textContent.trim()) set(node, "aria-label", label);
}

function apply(model, root) {
  const labels = model.get("labels") || {};
  for (const [cls, label] of Object.entries(labels)) {
    for (const node of root.getElementsByClassName(cls)) name(node, label);
  }
}

function speak(root) {
  for (const region of root.querySelectorAll(":scope > .__LIVE_CLASS__")) {
    set(region, "aria-live", "polite");
    set(region, "aria-atomic", "true");
    set(region, "style", SR_ONLY);
  }
}

function render({ model, el }) {
  el.setAttribute("style", SR_ONLY);
  el.classList.add("spinelab-a11y");
  let observer = null;
  let stopped = false;
  const start = () => {
    if (stopped) return;
    const root = el.parentElement;
    if (!root) { setTimeout(start, 25); return; }
    speak(root);
    apply(model, root);
    observer = new MutationObserver(() => { speak(root); apply(model, root); });
    observer.observe(root, { childList: true, subtree: true, attributes: true,
                             attributeFilter: ["alt", "aria-label", "class"] });
  };
  start();
  model.on("change:labels", () => { if (el.parentElement) apply(model, el.parentElement); });
  return () => { stopped = true; if (observer) observer.disconnect(); };
}

export default { render };
""".replace("__SR_ONLY__", SR_ONLY).replace("__LIVE_CLASS__", LIVE_CLASS)


class Accessibility(anywidget.AnyWidget):
    """Names the widgets of one box in the browser and speaks its live region (see the module's description)."""

    _esm = ESM
    #: CSS class of a widget -> its text alternative (images) or accessible name (controls).
    labels = traitlets.Dict().tag(sync=True)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        #: The box's polite live region, shown beside the helper; its text is :attr:`live`.
        self.region = widgets.HTML("")
        self.region.add_class(LIVE_CLASS)

    @property
    def live(self) -> str:
        """The text of the polite live region: the figure's current description."""
        return html.unescape(self.region.value)

    @live.setter
    def live(self, sentence: str) -> None:
        self.region.value = html.escape(sentence)


def label(widget: widgets.Widget, text: str) -> widgets.Widget:
    """Give ``widget`` the accessible name (or, for an image, the alt text) ``text``; return the widget."""
    setattr(widget, _ATTRIBUTE, text)
    return widget


def accessible_name(widget: widgets.Widget) -> str:
    """The name a screen reader announces for ``widget``: its :func:`label`, else description, tooltip, placeholder."""
    for text in (getattr(widget, _ATTRIBUTE, ""), getattr(widget, "description", ""),
                 getattr(widget, "tooltip", ""), getattr(widget, "placeholder", "")):
        if text and str(text).strip():
            return plain_text(str(text))
    return ""


def plain_text(markup: str) -> str:
    """HTML reduced to one line of plain text (tags dropped, entities decoded, spaces collapsed)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def _walk(widget: widgets.Widget) -> Iterator[widgets.Widget]:
    yield widget
    for child in getattr(widget, "children", ()):
        if isinstance(child, Accessibility):
            continue
        if isinstance(child, widgets.Box) and any(isinstance(c, Accessibility) for c in child.children):
            continue  # a nested display with a helper of its own
        yield from _walk(child)


def _marker(widget: widgets.Widget) -> str:
    for cls in widget_internals.css_classes(widget):
        if cls.startswith(CLASS_PREFIX):
            return cls
    cls = f"{CLASS_PREFIX}{next(_counter)}"
    widget.add_class(cls)
    return cls


def collect_labels(root: widgets.Widget) -> dict[str, str]:
    """Mark every named image and control under ``root`` with a class; return class -> name for the helper.

    A control with no name at all is left as it is (the browser tests' axe run reports it).
    """
    labels: dict[str, str] = {}
    for widget in _walk(root):
        if isinstance(widget, (widgets.Image, *CONTROLS)):
            text = accessible_name(widget)
            if text:
                labels[_marker(widget)] = text
    return labels


def attach(root: widgets.Widget) -> Accessibility | None:
    """Add an :class:`Accessibility` helper and its live region as the last children of the box ``root``.

    Return the helper (None if ``root`` is not a box).
    """
    if not isinstance(root, widgets.Box):
        return None
    for child in root.children:
        if isinstance(child, Accessibility):
            child.labels = collect_labels(root)
            return child
    helper = Accessibility(labels=collect_labels(root))
    root.children = (*root.children, helper.region, helper)
    return helper


#: The keyboard focus ring of every widget: Okabe-Ito blue, thick enough to see on a projector.
FOCUS_CSS = (
    ".jupyter-widgets:focus-visible, .jupyter-widgets :focus-visible, .widget-slider .noUi-handle:focus,"
    " .jupyter-widgets button:focus-visible {outline: 3px solid #0072B2 !important; outline-offset: 2px;}"
)


#: Labels of check boxes, radio buttons and toggle buttons wrap onto more lines instead of ending in "…", and their
#: box grows with them; the box or button stays beside the first line.
WRAP_CSS = (
    ".jupyter-widgets.widget-checkbox {height: auto; min-height: var(--jp-widgets-inline-height);}\n"
    ".jupyter-widgets.widget-checkbox .widget-label-basic {white-space: normal; overflow: visible;"
    " text-overflow: clip; height: auto; display: flex; align-items: baseline; gap: 0.4em;"
    " line-height: 1.35;}\n"
    ".jupyter-widgets .widget-radio-box label {white-space: normal; height: auto; line-height: 1.35;}\n"
    ".jupyter-widgets.widget-toggle-buttons .widget-toggle-button, .jupyter-widgets.widget-button"
    " {text-overflow: clip;}"
)


#: A box's live region is hidden from sight from the start, before the helper's script runs (which hides it too).
LIVE_CSS = f".jupyter-widgets.{LIVE_CLASS} {{{SR_ONLY}}}"


def page_css(scale: float = 1.0) -> str:
    """The course's stylesheet for a page's widgets: a visible focus ring, wrapping labels, text grown by ``scale``.

    At the desk (``scale`` 1) the focus ring, :data:`WRAP_CSS` and :data:`LIVE_CSS` are set. In presenter mode
    ipywidgets' own sizes (font, line height, label and control widths, slider handle) and the size of the notebook's
    prose are multiplied by ``scale``, so labels, readouts, quiz text, tables and Markdown grow with the figures
    without growing twice in nested boxes, and check boxes and radio buttons grow with their text.
    """
    base = f"{FOCUS_CSS}\n{WRAP_CSS}\n{LIVE_CSS}"
    if abs(scale - 1.0) < 1e-9:
        return base
    s = f"{scale:g}"
    sizes = "; ".join(f"--jp-widgets-{name}: calc({value} * {s})" for name, value in (
        ("font-size", "var(--jp-ui-font-size1, 13px)"), ("inline-height", "28px"),
        ("inline-label-width", "80px"), ("inline-width", "300px"), ("slider-handle-size", "16px"),
        ("menu-item-height", "24px")))
    # The notebook's own prose (Markdown cells) grows with the widgets, so that text and controls match.
    sizes += f"; --jp-content-font-size1: calc(14px * {s})"
    return (f"{base}\nbody {{{sizes};}}\n"
            ".jupyter-widgets .widget-label, .jupyter-widgets .widget-readout, .widget-html-content,"
            " .widget-radio-box label, .widget-checkbox label, .widget-html-content table"
            " {font-size: var(--jp-widgets-font-size);}\n"
            ".widget-html-content, .widget-radio-box label {line-height: 1.4;}\n"
            ".jupyter-widgets input[type=checkbox], .jupyter-widgets input[type=radio]"
            f" {{width: calc(13px * {s}); height: calc(13px * {s}); flex: none;}}")


def page_style(scale: float = 1.0) -> widgets.HTML:
    """A widget that puts :func:`page_css` into the page and shows nothing else.

    An ``ipywidgets.HTML`` writes its value as the element's HTML, and a ``<style>`` written so applies to the
    whole page, in JupyterLab and in Voila alike; the caller shows nothing of it in static mode. The class sees no
    line of machine text (the version and style stay in the cell's ``text/plain``, for terminals and tests).
    """
    return widgets.HTML(f"<style>{page_css(scale)}</style>", layout=widgets.Layout(min_height="0", height="0"))
