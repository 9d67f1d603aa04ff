import ipywidgets as widgets
import pytest

from spinelab.course.a11y import Accessibility
from spinelab.course.display import STATIC_ENV, Display, Displayable, FigurePanel, markdown_html, static_mode
from spinelab.course.live import LiveFigure
from spinelab.course.text import MarkdownText, PlainText

WIDGET = "application/vnd.jupyter.widget-view+json"


def _figure() -> LiveFigure:
    live = LiveFigure("A rising line from 0 to 1.", figsize=(3, 2))
    live.axes[0].plot([0, 1], [0, 1])
    live.render()
    return live


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("yes", True), ("0", False), ("", False)])
def test_static_mode_follows_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv(STATIC_ENV, value)
    assert static_mode() is expected


def test_a_display_is_a_widget_live_and_markdown_in_static_mode(monkeypatch):
    shown = Display(widgets.HTML("answer me"), "[Self-check] One question.", "**Question 1.** Why?")
    live = shown._repr_mimebundle_()
    assert WIDGET in live and "text/markdown" not in live and live["text/plain"] == "[Self-check] One question."
    monkeypatch.setenv(STATIC_ENV, "1")
    assert shown._repr_mimebundle_() == {"text/markdown": "**Question 1.** Why?",
                                         "text/plain": "[Self-check] One question."}


def test_a_figure_panel_keeps_its_png_live_and_gives_only_png_and_alt_text_in_static_mode(monkeypatch):
    panel = FigurePanel(_figure(), [widgets.IntSlider()], caption="A caption.", below=[widgets.HTML("evidence")])
    live = panel._repr_mimebundle_()
    assert {WIDGET, "image/png", "text/plain"} <= set(live)
    assert live["text/plain"] == "[Interactive figure] A rising line from 0 to 1."
    assert "A rising line from 0 to 1." in panel.caption.value and "A caption." in panel.caption.value
    assert [type(child) for child in panel.widget.children[:-2]] == [widgets.IntSlider, widgets.Image, widgets.HTML,
                                                                     widgets.HTML]
    # Last: the live region, then the helper that names the image and slider in the browser.
    assert panel.widget.children[-2:] == (panel.a11y.region, panel.a11y)
    assert isinstance(panel.a11y, Accessibility)
    monkeypatch.setenv(STATIC_ENV, "1")
    static = panel._repr_mimebundle_()
    assert set(static) == {"image/png", "text/plain"} and static["image/png"].startswith(b"\x89PNG")
    assert static["text/plain"] == live["text/plain"]


def test_a_displayable_object_is_shown_as_its_view(monkeypatch):
    class Step(Displayable):
        def __init__(self) -> None:
            self.view = Display(widgets.HTML(), "[Step] text", "static")

    monkeypatch.setenv(STATIC_ENV, "1")
    assert Step()._repr_mimebundle_() == {"text/markdown": "static", "text/plain": "[Step] text"}


def test_markdown_is_rendered_to_html_for_widgets():
    assert markdown_html("**bold**").strip() == "<p><strong>bold</strong></p>"


def test_text_types_show_themselves_without_quotes():
    from IPython.core.formatters import format_display_data

    plain, _ = format_display_data(PlainText("a -> b\nc"))
    assert plain == {"text/plain": "a -> b\nc"}
    markdown, _ = format_display_data(MarkdownText("- **item**"))
    assert markdown == {"text/plain": "- **item**", "text/markdown": "- **item**"}
    assert MarkdownText("x") == "x" and isinstance(MarkdownText("x"), str)
