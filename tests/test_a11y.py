"""The accessibility helper gets every figure's alt text and every control's name, and the live region speaks."""

import ipywidgets as widgets
from widget_tree import descendants

from spinelab.course import a11y, widget_internals
from spinelab.course.a11y import Accessibility
from spinelab.course.display import Display, FigurePanel
from spinelab.course.live import LiveFigure
from spinelab.course.progress import ProgressStore
from spinelab.course.selfcheck import QuestionSet, QuestionWidget
from spinelab.course.setup_check import DecayDemo


def _panel() -> tuple[FigurePanel, widgets.FloatSlider, LiveFigure]:
    slider = widgets.FloatSlider(value=1.0, min=0.0, max=2.0, description="Slope")
    live = LiveFigure("A line whose slope the slider sets.", figsize=(3, 2))
    (line,) = live.axes[0].plot([0, 1], [0, 1])
    live.dynamic(line)
    live.describe = lambda: f"The slope is {slider.value:.1f}."
    live.render()
    panel = FigurePanel(live, [slider])

    def move(_change: object) -> None:
        line.set_ydata([0, slider.value])
        live.refresh()

    slider.observe(move, names="value")
    return panel, slider, live


def _named(helper: Accessibility, widget: widgets.Widget) -> str:
    (cls,) = [c for c in widget_internals.css_classes(widget) if c.startswith(a11y.CLASS_PREFIX)]
    return helper.labels[cls]


def test_the_figure_image_gets_its_alt_text_and_the_slider_its_description():
    panel, slider, live = _panel()
    helper = panel.a11y
    assert isinstance(helper, Accessibility) and panel.widget.children[-1] is helper
    assert _named(helper, live.image) == "A line whose slope the slider sets."
    assert _named(helper, slider) == "Slope"


def test_every_kind_of_control_is_named_from_its_description_tooltip_placeholder_or_label():
    controls = [widgets.Dropdown(options=["a"], description="Layer"), widgets.Checkbox(description="Tick"),
                widgets.ToggleButton(description="Show"), widgets.ToggleButtons(options=["x"], tooltip="Mode"),
                a11y.label(widgets.RadioButtons(options=["y"]), "Question 1: pick one"),
                widgets.Textarea(placeholder="Write here"), widgets.Text(description="<b>Your</b> answer:"),
                widgets.IntSlider(description="Days")]
    display = Display(widgets.VBox([widgets.HBox(controls[:4]), *controls[4:]]), "t", "s")
    assert [_named(display.a11y, control) for control in controls] == [
        "Layer", "Tick", "Show", "Mode", "Question 1: pick one", "Write here", "Your answer:", "Days"]


def test_a_nested_display_keeps_its_own_helper_and_the_outer_one_does_not_name_its_controls_again():
    inner = Display(widgets.VBox([widgets.IntSlider(description="Inner")]), "t", "s")
    outer = Display(widgets.VBox([inner.widget, widgets.IntSlider(description="Outer")]), "t", "s")
    assert list(outer.a11y.labels.values()) == ["Outer"]
    assert list(inner.a11y.labels.values()) == ["Inner"]


def _helpers(widget: widgets.Widget) -> int:
    return sum(isinstance(item, Accessibility) for item in descendants(widget))


def _answer_controls(item: QuestionWidget) -> list[widgets.Widget]:
    return [item.options] if item.options else list(item.boxes.values()) or [item.number_box]


def test_a_question_set_has_one_helper_that_names_every_question_s_controls(tmp_path):
    questions = QuestionSet("02_protective_guarding", store=ProgressStore(tmp_path / "progress.json"))
    assert _helpers(questions.view.widget) == 1
    for item in questions.questions:
        assert item.view.a11y is None
        for control in _answer_controls(item):
            assert _named(questions.view.a11y, control) == a11y.accessible_name(control) != ""
    alone = QuestionWidget(questions.questions[0].question)
    assert _helpers(alone.view.widget) == 1
    assert all(_named(alone.view.a11y, control) != "" for control in _answer_controls(alone))


def test_the_live_region_sentence_follows_the_slider():
    panel, slider, _live = _panel()
    assert panel.a11y.live == "The slope is 1.0."
    slider.value = 1.5
    assert panel.a11y.live == "The slope is 1.5."


def test_a_figure_without_describe_leaves_the_live_region_empty():
    live = LiveFigure("Static.", figsize=(3, 2))
    live.render()
    assert FigurePanel(live).a11y.live == ""


def test_a_course_figure_speaks_its_readout_in_plain_words():
    demo = DecayDemo()
    before = demo.view.a11y.live
    assert before and "<" not in before
    demo.slider.value = demo.slider.max
    assert demo.view.a11y.live != before and demo.view.a11y.live == a11y.plain_text(demo.readout.value)


def test_plain_text_drops_tags_and_decodes_entities():
    assert a11y.plain_text("<p>Guarding <b>0.42</b> &amp; pain\n 3</p>") == "Guarding 0.42 & pain 3"


def test_the_live_region_is_an_ordinary_html_widget_beside_the_helper():
    panel, _slider, _live = _panel()
    region = panel.a11y.region
    assert panel.widget.children[-2:] == (region, panel.a11y)
    assert type(region) is widgets.HTML and a11y.LIVE_CLASS in widget_internals.css_classes(region)
    panel.announce("Pain <b>3</b> & guarding")
    assert region.value == "Pain &lt;b&gt;3&lt;/b&gt; &amp; guarding"
    assert panel.a11y.live == "Pain <b>3</b> & guarding"
    assert "live" not in panel.a11y.keys  # the sentence never travels in the helper's own model
