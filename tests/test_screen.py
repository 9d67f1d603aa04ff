"""What the student's screen shows, checked on the widgets and figures the notebooks really build.

Every notebook's code cells run here in-process, at the desk and in presenter mode, with every display recorded.
Then:

- no widget shows an emoji (✅, ❌, ⚠ ... show as empty boxes on a machine without an emoji font): each display is
  worked like a student would (every choice tried, every button pressed) and everything it then shows is scanned;
  a status is an inline SVG mark (:mod:`spinelab.course.marks`) followed by words;
- every figure, in every position of its sliders and toggles, and every handout figure, keeps its text inside the
  figure (a tick label such as "1.0" is never cut off) and inside its axes when clipped there, and no legend lies
  over a plotted line or point;
- the page shows the class no machine text (``spinelab.setup()``'s line stays in ``text/plain`` only), labels wrap
  instead of ending in "…", and check boxes grow with the text in presenter mode;
- a figure with controls is capped in height so that it fits in the window with them.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import itertools
import json
import re
from collections.abc import Iterator

import ipywidgets as widgets
import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.artist import Artist
from matplotlib.collections import PathCollection
from matplotlib.legend import Legend
from matplotlib.text import Text
from widget_tree import descendants

from spinelab.course import a11y, display, style
from spinelab.course.display import FIGURE_MAX_HEIGHT, Display, FigurePanel
from spinelab.course.live import LiveFigure
from spinelab.course.marks import mark, mark_svg, with_mark
from spinelab.course.ready import setup
from spinelab.publish import handouts
from spinelab.publish.notebooks import course_notebooks

#: Emoji and pictographs that need an emoji font, and the selector that asks for emoji presentation.
EMOJI = re.compile("[\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff\ufe0f\U0001f000-\U0001faff]")
#: A mark must be followed by words (tags and spaces may come between).
MARK_WITHOUT_WORDS = re.compile(r"</svg>(?:\s|<[^>]+>)*(?:$|<svg|</p>|</li>|</div>)")
SLIDERS = (widgets.FloatSlider, widgets.IntSlider, widgets.SelectionSlider)


def _run_notebooks(presenter: bool) -> list[Display]:
    """Run every notebook's code cells in this process; return every display they built, in order."""
    built: list[Display] = []
    real_init = Display.__init__

    def record(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        built.append(self)

    with pytest.MonkeyPatch.context() as patch, mpl.rc_context(), contextlib.redirect_stdout(io.StringIO()):
        patch.setenv(style.PRESENTER_ENV, "1" if presenter else "0")
        patch.delenv(display.STATIC_ENV, raising=False)
        patch.setattr(Display, "__init__", record)
        for path in course_notebooks():
            namespace: dict[str, object] = {}
            for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
                if cell["cell_type"] == "code":
                    exec(compile("".join(cell["source"]), path.name, "exec"), namespace)
    return built


_BUILT: dict[bool, list[Display]] = {}


def _built(presenter: bool) -> list[Display]:
    """The displays of every notebook in one style, built once per test run."""
    if presenter not in _BUILT:
        _BUILT[presenter] = _run_notebooks(presenter)
    return _BUILT[presenter]


@pytest.fixture(params=[False, True], ids=["desk", "presenter"])
def displays(request) -> Iterator[tuple[bool, list[Display]]]:
    with mpl.rc_context():
        style.use(request.param)
        yield request.param, _built(request.param)


def _shown_text(widget: widgets.Widget) -> list[str]:
    """Everything a widget tree shows as text: HTML, labels, descriptions, options, tooltips."""
    texts = []
    for item in descendants(widget):
        for name in ("value", "description", "tooltip", "placeholder"):
            value = getattr(item, name, None)
            if isinstance(value, str) and not isinstance(item, (widgets.Text, widgets.Textarea)):
                texts.append(value)
        texts.extend(str(label) for label in getattr(item, "_options_labels", ()))
        texts.extend(str(tip) for tip in getattr(item, "tooltips", ()) or ())
    return texts


def _work(shown: Display, rounds: int = 3) -> Iterator[str]:
    """Use a display as a student would, round by round (each choice in turn, every button pressed); yield the text
    it shows after each step."""
    yield from _shown_text(shown.widget)
    for step in range(rounds):
        for item in list(descendants(shown.widget)):
            if isinstance(item, (widgets.RadioButtons, widgets.Dropdown, widgets.ToggleButtons)) and item.options:
                item.index = step % len(item.options)
            elif isinstance(item, widgets.Checkbox):
                item.value = step % 2 == 0
            elif isinstance(item, widgets.Textarea):
                item.value = "My answer, in my own words, about the muscles of the back."
            elif isinstance(item, widgets.Text) and not item.value:
                item.value = "12"
        for button in [item for item in descendants(shown.widget) if isinstance(item, widgets.Button)]:
            if not button.disabled and button.layout.display != "none":
                button.click()
                yield from _shown_text(shown.widget)
        yield shown.text


def test_no_widget_shows_an_emoji_and_every_mark_comes_with_words():
    problems = set()
    for shown in _built(presenter=False):  # the words and marks are the same in presenter mode
        for text in _work(shown):
            for found in EMOJI.findall(text):
                problems.add(f"{found!r} in {a11y.plain_text(text)[:70]!r}")
            if MARK_WITHOUT_WORDS.search(text):
                problems.add(f"a mark without words in {text[-120:]!r}")
    assert not problems, "; ".join(sorted(problems)[:12])


def test_a_mark_is_an_svg_with_words_and_refuses_to_stand_alone():
    shown = mark("correct", "Correct <b>")
    assert shown.startswith("<svg") and shown.endswith("</svg>Correct &lt;b&gt;") and "aria-hidden='true'" in shown
    assert mark_svg("harmful") != mark_svg("best") != mark_svg("acceptable")  # a shape each, not colour alone
    assert with_mark("wrong", "<p>Not quite.</p>") == f"<p>{mark_svg('wrong')}Not quite.</p>"
    for bad in (lambda: mark("correct", " "), lambda: with_mark("wrong", "<p> </p>"), lambda: mark("great", "x")):
        with pytest.raises(ValueError, match=r"words|kind"):
            bad()


# ---------------------------------------------------------------- figures


def _inside(box, outer, tolerance: float = 1.0) -> bool:
    return (box.x0 >= outer.x0 - tolerance and box.y0 >= outer.y0 - tolerance and box.x1 <= outer.x1 + tolerance
            and box.y1 <= outer.y1 + tolerance)


def _along(points: np.ndarray, step: float = 2.0) -> np.ndarray:
    """Points every ``step`` pixels along a polyline, so that a segment crossing a box is caught between vertices."""
    points = points[np.isfinite(points).all(axis=1)]
    if len(points) < 2:
        return points
    parts = [points[:1]]
    for start, end in itertools.pairwise(points):
        count = max(1, int(np.hypot(*(end - start)) / step))
        parts.append(start + (end - start) * np.linspace(0, 1, count + 1)[1:, None])
    return np.vstack(parts)


def figure_problems(live: LiveFigure) -> list[str]:
    """Text outside the figure (or cut by its axes) and legends over plotted data, in the figure as drawn now."""
    drawn: list[Text] = []
    real_draw = Text.draw

    def draw(text, renderer):
        if text.get_visible() and text.get_text().strip():
            drawn.append(text)
        return real_draw(text, renderer)

    figure = live.figure
    for artist in live.dynamic_artists:
        artist.set_animated(False)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(Text, "draw", draw)
            figure.canvas.draw()
    finally:
        for artist in live.dynamic_artists:
            artist.set_animated(True)
    renderer = figure.canvas.get_renderer()
    problems = []
    for text in drawn:
        box = text.get_window_extent(renderer)
        if not _inside(box, figure.bbox):
            problems.append(f"text {text.get_text()[:30]!r} runs off the figure")
        elif text.get_clip_on() and text.get_clip_box() is not None and not _inside(box, text.get_clip_box()):
            problems.append(f"text {text.get_text()[:30]!r} is cut by its axes")
    # Every legend: an axes' own, one added as an artist (two legends on one axes), the figure's.
    for legend in figure.findobj(Legend):
        owner = legend.axes
        if not legend.get_visible():
            continue
        box = legend.get_window_extent(renderer)
        for ax in figure.axes if owner is None else [owner]:
            data: list[tuple[Artist, np.ndarray]] = []
            for line in ax.get_lines():
                if line.get_visible() and len(line.get_xydata()):
                    points = line.get_transform().transform(line.get_xydata())
                    data.append((line, _along(points) if line.get_linestyle() not in ("None", "", " ") else points))
            for collection in ax.collections:
                if isinstance(collection, PathCollection) and collection.get_visible() and len(
                        collection.get_offsets()):
                    data.append((collection, collection.get_offset_transform().transform(collection.get_offsets())))
            for artist, points in data:
                covered = ((points[:, 0] > box.x0) & (points[:, 0] < box.x1) & (points[:, 1] > box.y0)
                           & (points[:, 1] < box.y1))
                if covered.any():
                    problems.append(f"a legend covers {artist.get_label()[:30]!r} in {ax.get_title()[:40]!r}")
    return problems


def _positions(panel: FigurePanel) -> Iterator[str]:
    """Each end of every slider and each option of every toggle of a panel, one at a time (then put back)."""
    yield "as shown first"
    for control in (item for root in [*panel.controls, *panel.beside] for item in descendants(root)):
        if isinstance(control, SLIDERS):
            before = control.value
            ends = (control.options[0], control.options[-1]) if isinstance(control, widgets.SelectionSlider) \
                else (control.min, control.max)
            for end in ends:
                control.value = end
                yield f"{control.description or a11y.accessible_name(control)} = {end}"
            control.value = before
        elif isinstance(control, widgets.ToggleButtons):
            before = control.index
            for index in range(len(control.options)):
                control.index = index
                yield f"{control.description} = {control.options[index]}"
            control.index = before


def test_notebook_figures_keep_their_text_inside_and_their_legends_off_the_data(displays):
    presenter, built = displays
    problems = set()
    for panel in (shown for shown in built if isinstance(shown, FigurePanel)):
        for position in _positions(panel):
            problems.update(f"{panel.figure.alt_text[:50]!r} ({position}): {problem}"
                            for problem in figure_problems(panel.figure))
    assert not problems, f"{'presenter' if presenter else 'desk'}: " + "; ".join(sorted(problems)[:10])


@pytest.mark.parametrize("presenter", [False, True], ids=["desk", "presenter"])
def test_handout_figures_keep_their_text_inside_and_their_legends_off_the_data(presenter):
    problems = []
    for handout in handouts.HANDOUTS:
        module, function = handout.builder.split(":")
        with mpl.rc_context():
            style.use(presenter)
            live = getattr(importlib.import_module(f"spinelab.{module}"), function)(*handout.arguments)
            problems += [f"{handout.name}: {problem}" for problem in figure_problems(live)]
    assert not problems, "; ".join(problems[:10])


def test_the_checker_finds_a_clipped_tick_and_a_legend_over_a_curve():
    with mpl.rc_context():
        style.use(True)
        live = LiveFigure("A test figure.", figsize=(4.0, 3.0))
        ax = live.axes[0]
        ax.plot([0, 1], [0, 1], label="a curve through the legend")
        ax.legend(loc="center")
        live.figure.text(0.9, 0.5, "off the edge", fontsize=30)
        live.render()
        problems = figure_problems(live)
    assert any("'off the edge' runs off the figure" in problem for problem in problems)
    assert any("covers 'a curve through the legend'" in problem for problem in problems)


# ---------------------------------------------------------------- page


def test_setup_shows_the_class_no_machine_text_and_keeps_its_line_for_terminals(monkeypatch):
    monkeypatch.delenv(display.STATIC_ENV, raising=False)
    with mpl.rc_context():
        ready = setup(presenter=True)
        bundle = ready._repr_mimebundle_()
        assert bundle["text/plain"] == str(ready) and "ready" in bundle["text/plain"]
        model_id = bundle["application/vnd.jupyter.widget-view+json"]["model_id"]
        shown = widgets.Widget.widgets[model_id]
    assert re.fullmatch(r"<style>[^<]*</style>", shown.value), shown.value
    assert "ready" not in shown.value and "spinelab" not in re.sub(r"\.spinelab-[\w-]+", "", shown.value)


def test_labels_wrap_and_check_boxes_grow_with_the_text_in_presenter_mode():
    for scale in (1.0, 1.5):
        css = a11y.page_css(scale)
        assert "text-overflow: clip" in css and "white-space: normal" in css
    assert "input[type=checkbox]" not in a11y.page_css(1.0)
    assert "width: calc(13px * 1.5); height: calc(13px * 1.5)" in a11y.page_css(1.5)
    assert "--jp-content-font-size1: calc(14px * 1.5)" in a11y.page_css(1.5)  # the prose grows with the widgets


def test_a_figure_with_controls_fits_in_the_window_with_them():
    with mpl.rc_context():
        live = LiveFigure("A figure.", figsize=(10.0, 6.0))
        live.render()
        alone = FigurePanel(live)
        assert alone.figure.image.layout.max_height is None  # nothing to keep in sight: full size
        slider = widgets.IntSlider()
        above = FigurePanel(live, [slider])
        image = above.figure.image.layout
        assert image.max_height == FIGURE_MAX_HEIGHT["above"] and image.width == "auto" and image.max_width == "100%"
        assert above.widget.children[0] is slider and above.widget.children[1] is live.image
        beside = FigurePanel(LiveFigure("Another.", figsize=(7.0, 4.0)), beside=[widgets.FloatSlider()])
        row = beside.widget.children[0]
        assert isinstance(row, widgets.HBox) and row.children[0].children[0] is beside.figure.image
        assert isinstance(row.children[1].children[0], widgets.FloatSlider)


def test_every_long_control_label_has_room_for_its_words(displays):
    """ipywidgets gives a control's label 80 px and cuts the rest with "…" (about 10 characters at desk size)."""
    _presenter, shown = displays
    cut = sorted({item.description for display in shown for item in descendants(display.widget)
                  if isinstance(item, widgets.widgets.widget_description.DescriptionWidget)
                  and not isinstance(item, (widgets.Button, widgets.Checkbox, widgets.ToggleButton))
                  and len(item.description) > 10 and not getattr(item.style, "description_width", "")})
    assert not cut, f"labels cut off with '…': {cut}"
