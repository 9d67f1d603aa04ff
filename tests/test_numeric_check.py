"""The numeric-item widget: numbers drawn per student and attempt, graded by the formula, a message for bad input."""

import pytest
from widget_tree import descendants

from spinelab.clinic import numeric_check, numeric_items
from spinelab.course import references
from spinelab.course.a11y import Accessibility, accessible_name


def _widget(item_id: str = "sensitivity-from-table", student: str = "ana") -> numeric_check.NumericItemWidget:
    return numeric_check.NumericItemWidget(numeric_items.template(item_id), 1, student)


def _feedback(widget: numeric_check.NumericItemWidget) -> str:
    return widget.question.step.feedback.value


def test_the_widget_shows_the_students_draw_and_grades_it_by_the_formula():
    widget = _widget()
    draw = numeric_items.template("sensitivity-from-table").draw("ana", 0)
    assert widget.question.question.prompt == draw.stem
    widget.enter(f"{draw.answer:.1f}")
    assert widget.check() is True and "TP / (TP + FN)" in _feedback(widget)
    widget.enter(f"{draw.answer + 5:.1f}")
    assert widget.check() is False


@pytest.mark.parametrize("typed", ["", "abc", "1e999", "--3"])
def test_bad_input_gets_a_message_never_a_traceback(typed):
    widget = _widget()
    widget.enter(typed)
    assert widget.check() is None
    assert "number" in _feedback(widget) and "Traceback" not in _feedback(widget)
    assert widget.question.attempts == 0


def test_new_numbers_draws_the_next_attempt_and_grades_against_it():
    widget = _widget("csa-asymmetry")
    first = widget.draw
    widget.new_button.click()
    assert widget.attempt == 1 and widget.draw == numeric_items.template("csa-asymmetry").draw("ana", 1)
    assert widget.draw.values != first.values
    assert widget.slot.children == (widget.question.view.widget,)
    widget.enter(f"{widget.draw.answer:.2f}")
    assert widget.check() is True


def test_the_same_student_and_attempt_see_the_same_numbers_and_others_other_numbers():
    assert _widget(student="ana").draw == _widget(student="ana").draw
    assert _widget(student="ana").draw.values != _widget(student="ben").draw.values


def test_the_plain_text_line_holds_no_numbers_so_stored_outputs_match_for_every_student():
    lines = {numeric_check.show_numeric("05_whole_patient", student).view.text for student in ("ana", "ben", "")}
    assert lines == {"[Self-check] 2 calculations with numbers drawn for you; 'New numbers' draws others."}
    widget = _widget()
    assert widget.view.text == ("[Self-check] Question 1: Sensitivity from a 2×2 table (numbers drawn for you; "
                                "'New numbers' draws others).")


def test_the_default_student_is_the_login_name(monkeypatch):
    monkeypatch.setattr(numeric_check.getpass, "getuser", lambda: "chloe")
    assert numeric_check.NumericItemWidget(numeric_items.template("csa-asymmetry")).student == "chloe"

    def no_user() -> str:
        raise OSError("no login name")

    monkeypatch.setattr(numeric_check.getpass, "getuser", no_user)
    assert numeric_check.default_student() == ""


def test_show_numeric_declares_the_methods_sources():
    assert set(references.declared(numeric_check.show_numeric, "04_measuring_multifidus")) == {
        "grimes2005", "altman1994", "hides1994"}


def test_a_notebook_without_items_is_refused_naming_those_with_items():
    with pytest.raises(ValueError, match=r"name must be a notebook with numeric items \(03b_recurrence_and_limits, "
                                         r"04_measuring_multifidus, 05_whole_patient\); got '01_muscle_layers'"):
        numeric_check.show_numeric("01_muscle_layers")


def test_the_widget_names_the_misconception_a_wrong_answer_matches():
    widget = _widget("post-test-after-negative-result")
    values = widget.draw.values
    widget.enter(f"{values['pre'] * values['lr']:.2f}")
    assert widget.check() is False
    assert "pre-test probability × the likelihood ratio" in _feedback(widget)
    widget.new_button.click()  # the next draw's wrong value, not the first one's
    values = widget.draw.values
    widget.enter(f"{values['pre'] * values['lr']:.2f}")
    assert widget.check() is False and "multiplies odds, not probabilities" in _feedback(widget)


def _helpers(widget) -> list:
    return [item for item in descendants(widget) if isinstance(item, Accessibility)]


def test_each_question_has_the_only_helper_of_its_item_and_names_its_number_box_after_new_numbers_too():
    shown = numeric_check.show_numeric("04_measuring_multifidus", "ana")
    assert len(_helpers(shown.view.widget)) == len(shown.items) > 1
    item = shown.items[0]
    item.new_button.click()
    assert _helpers(item.view.widget) == [item.question.view.a11y]
    assert list(item.question.view.a11y.labels.values()) == [accessible_name(item.question.number_box)] != [""]
