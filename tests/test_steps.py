import ipywidgets as widgets

from spinelab.course.a11y import Accessibility
from spinelab.course.display import STATIC_ENV
from spinelab.course.steps import CheckStep


def _step() -> tuple[CheckStep[bool | None], widgets.Dropdown]:
    answer = widgets.Dropdown(options=[("choose", None), ("deep", "deep"), ("superficial", "superficial")])

    def grade() -> tuple[bool | None, str]:
        if answer.value is None:
            return None, "<p>Choose an answer first.</p>"
        return answer.value == "deep", "<p>Right.</p>" if answer.value == "deep" else "<p>Not quite.</p>"

    return CheckStep([answer], grade, "[Self-check] Which layer?", "**Which layer?**"), answer


def test_the_check_button_grades_the_answer_and_shows_the_feedback():
    step, answer = _step()
    assert step.feedback.value == ""
    step.check_button.click()
    assert step.feedback.value == "<p>Choose an answer first.</p>"
    answer.value = "superficial"
    assert step.check() is False and step.feedback.value == "<p>Not quite.</p>"
    answer.value = "deep"
    assert step.check() is True and step.feedback.value == "<p>Right.</p>"


def test_controls_come_first_then_the_button_and_the_feedback():
    step, answer = _step()
    assert step.widget.children[:-2] == (answer, step.check_button, step.feedback)
    # Last: the live region, then the helper that names the controls in the browser.
    assert isinstance(step.widget.children[-1], Accessibility)
    assert step.widget.children[-2] is step.widget.children[-1].region
    assert step.check_button.description == "Check"
    assert CheckStep([], lambda: (None, ""), "t", "s", button_label="Check answer").check_button.description == \
        "Check answer"


def test_a_step_is_a_question_without_its_answer_in_static_mode(monkeypatch):
    step, _ = _step()
    assert "application/vnd.jupyter.widget-view+json" in step._repr_mimebundle_()
    monkeypatch.setenv(STATIC_ENV, "1")
    assert step._repr_mimebundle_() == {"text/markdown": "**Which layer?**", "text/plain": "[Self-check] Which layer?"}


def test_a_footer_sits_under_the_feedback_and_callbacks_hear_every_check():
    status = widgets.HTML("attempts")
    answer = widgets.Dropdown(options=["deep", "superficial"], value="deep")
    step = CheckStep([answer], lambda: (answer.value == "deep", "<p>ok</p>"), "t", "s", footer=[status])
    assert step.widget.children[:-2] == (answer, step.check_button, step.feedback, status)
    heard: list[tuple[bool, str]] = []
    step.on_check(lambda result: heard.append((result, step.feedback.value)))
    step.check_button.click()
    answer.value = "superficial"
    assert step.check() is False
    assert heard == [(True, "<p>ok</p>"), (False, "<p>ok</p>")]
