import pytest

from spinelab.course import quiz, selfcheck

VALID = """
[[question]]
id = "q"
kind = "multiple_choice"
prompt = "Which muscle is deep?"
explanation = "Multifidus attaches segment by segment."
citations = ["hides1996"]
[[question.choice]]
text = "Multifidus"
correct = true
feedback = "Yes: it attaches to the vertebrae."
[[question.choice]]
text = "Latissimus dorsi"
feedback = "No: it moves the arm."

[[exercise]]
id = "e"
title = "An exercise"
prompt = "Do it."
solution = "The **answer**."
"""


def _widget() -> selfcheck.QuestionWidget:
    return selfcheck.QuestionWidget(quiz.parse("test", VALID).question("q"))


def test_choosing_the_right_answer_and_checking_shows_positive_feedback():
    item = _widget()
    item.choose("Multifidus")
    item.step.check_button.click()
    feedback = item.step.feedback.value
    assert "Correct." in feedback
    assert "it attaches to the vertebrae" in feedback
    assert "Multifidus attaches segment by segment" in feedback
    assert "Hides et al. 1996" in feedback


def test_a_wrong_answer_gets_its_own_feedback():
    item = _widget()
    item.choose("Latissimus dorsi")
    assert item.check() is False
    assert "Not quite." in item.step.feedback.value and "it moves the arm" in item.step.feedback.value


def test_checking_without_an_answer_asks_for_one():
    item = _widget()
    assert item.check() is None
    assert "Choose an answer first" in item.step.feedback.value


def test_solution_is_hidden_until_asked_for():
    item = selfcheck.SolutionWidget(quiz.parse("test", VALID).exercise("e"))
    assert not item.revealed
    item.toggle.value = True
    assert item.revealed and "<strong>answer</strong>" in item.solution.value
    item.toggle.value = False
    assert not item.revealed


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('kind = "multiple_choice"', 'kind = "essay"'), r"question 1 \('q'\): field 'kind' must be one of"),
        (("correct = true", "correct = false"), r"question 1 \('q'\): field 'choice': exactly one choice"),
        (('prompt = "Which muscle is deep?"', 'prompt = ""'), r"question 1 \('q'\): field 'prompt' must be non-empty"),
        (('["hides1996"]', '["nobody1999"]'), r"question 1 \('q'\): field 'citations': unknown citation key"),
        (('solution = "The **answer**."', ""), r"exercise 1 \('e'\): field 'solution' is missing"),
    ],
)
def test_malformed_questions_are_rejected_naming_the_item_and_field(change, message):
    with pytest.raises(ValueError, match=message):
        quiz.parse("test", VALID.replace(*change))


def test_true_false_questions_need_true_and_false_choices():
    bad = VALID.replace('kind = "multiple_choice"', 'kind = "true_false"')
    with pytest.raises(ValueError, match="'True' and 'False'"):
        quiz.parse("test", bad)


@pytest.mark.parametrize("name", quiz.available())
def test_every_shipped_self_check_loads_and_every_question_can_be_answered_right(name):
    check = quiz.load(name)
    assert check.questions or check.exercises
    shown = selfcheck.show_questions(name)
    for item in shown.questions:
        item.choose(item.question.answer.text)
        assert item.check() is True


def test_unknown_notebook_name_is_rejected():
    with pytest.raises(ValueError, match="name must be one of"):
        quiz.load("99_missing")


def test_static_mode_lists_questions_without_answers_or_widgets(monkeypatch):
    monkeypatch.setenv("SPINELAB_STATIC", "1")
    bundle = selfcheck.show_questions("00_start_here")._repr_mimebundle_()
    assert set(bundle) == {"text/markdown", "text/plain"}
    check = quiz.load("00_start_here")
    assert check.questions[1].prompt in bundle["text/markdown"]
    assert all(choice.feedback not in bundle["text/markdown"] for q in check.questions for choice in q.choices)
    exercise = selfcheck.show_exercise("00_start_here", "half-way")._repr_mimebundle_()
    assert check.exercise("half-way").solution not in exercise["text/markdown"]
