import re
from pathlib import Path

import pytest

from spinelab.course import quiz, selfcheck
from spinelab.course.a11y import plain_text
from spinelab.course.progress import ProgressStore

VALID = (Path(__file__).parent / "data" / "selfcheck.toml").read_text(encoding="utf-8")


def _check() -> quiz.SelfCheck:
    return quiz.parse("test", VALID)


def _widget(question_id: str = "q") -> selfcheck.QuestionWidget:
    return selfcheck.QuestionWidget(_check().question(question_id))


def test_the_new_format_parses_into_objectives_questions_and_exercises():
    check = _check()
    assert [o.id for o in check.objectives] == ["layers", "trial"]
    assert [q.kind for q in check.questions] == ["multiple_choice", "true_false", "select_all", "numeric"]
    assert check.question("tf").vignette.startswith("A 32-year-old")
    assert check.question("q").choice("Trapezius").misconception == "Big muscles are deep."
    numeric = check.question("num")
    assert (numeric.answer, numeric.tolerance, numeric.unit) == (4.0, 0.5, "weeks")
    assert numeric.wrong_answers[0].misconception == "The follow-up is the treatment."
    assert check.exercise("e").objectives == ("layers",)
    assert [q.id for q in check.questions_for("trial")] == ["tf", "all", "num"]
    assert numeric.answer_text() == "4 weeks (± 0.5 weeks)"
    assert check.question("all").answer_text() == "Multifidus; Rotatores"


def test_choice_order_is_shuffled_by_question_id_and_stable():
    question = _check().question("q")
    again = quiz.parse("test", VALID).question("q")
    assert question.shown_choices == again.shown_choices
    assert sorted(c.text for c in question.shown_choices) == sorted(c.text for c in question.choices)
    # A different id gives a different, equally stable order for at least one of a few ids.
    orders = {quiz.Question(id=f"x{i}", kind="multiple_choice", prompt="p", explanation="e",
                            choices=question.choices).shown_choices for i in range(8)}
    assert len(orders) > 1
    assert [c.text for c in _check().question("tf").shown_choices] == ["True", "False"]


def test_grading_goes_by_the_choice_not_its_position():
    question = _check().question("q")
    right = question.choice("Multifidus")
    assert question.grade_choices(right) == (True, right.feedback)
    assert question.grade_choices(question.choice("Trapezius"))[0] is False
    assert question.grade_choices(None)[0] is None
    widget = selfcheck.QuestionWidget(question)
    labels = [label for label, _ in widget.options.options]
    assert labels == [c.text for c in question.shown_choices]
    widget.options.index = labels.index("Multifidus")
    assert widget.check() is True


def test_select_all_is_right_only_for_exactly_the_correct_set():
    question = _check().question("all")
    pick = question.choice
    assert question.grade_choices([pick("Multifidus"), pick("Rotatores")])[0] is True
    correct, feedback = question.grade_choices([pick("Multifidus")])
    assert correct is False and "1 correct answer not ticked yet" in feedback
    correct, feedback = question.grade_choices([pick("Multifidus"), pick("Rotatores"), pick("Latissimus dorsi")])
    assert correct is False and "it moves the arm" in feedback
    assert question.grade_choices([])[0] is None


@pytest.mark.parametrize(
    ("value", "correct", "says"),
    [(4, True, "Four weeks"), ("4.4", True, "Four weeks"), ("4,2 weeks", True, "Four weeks"),
     ("10", False, "last examination"), ("10.3", False, "last examination"), ("7", False, "not within ± 0.5"),
     ("four", None, "'four' is not a number"), ("", None, "Enter a number (in weeks) first"),
     ("nan", None, "not a number"), (None, None, "first")],
)
def test_numeric_answers_are_graded_within_the_tolerance(value, correct, says):
    result, feedback = _check().question("num").grade_numeric(value)
    assert result is correct and says in feedback


def test_a_choice_question_cannot_be_graded_as_numeric_and_back():
    check = _check()
    with pytest.raises(ValueError, match="grade_choices"):
        check.question("q").grade_numeric(4)
    with pytest.raises(ValueError, match="grade_numeric"):
        check.question("num").grade_choices(None)


def test_choosing_the_right_answer_and_checking_shows_positive_feedback():
    item = _widget()
    item.choose("Multifidus")
    item.step.check_button.click()
    feedback = item.step.feedback.value
    assert "Correct." in feedback
    assert "it attaches to the vertebrae" in feedback
    assert "Multifidus attaches segment by segment" in feedback
    assert "Hides et al. 1996" in feedback
    assert item.attempts == 1 and "1 attempt; last answer correct" in plain_text(item.status.value)


def test_a_wrong_answer_gets_its_own_feedback_and_the_explanation_after_a_second_try():
    item = _widget()
    item.choose("Latissimus dorsi")
    assert item.check() is False
    feedback = item.step.feedback.value
    assert "Not quite." in feedback and "it moves the arm" in feedback
    assert "segment by segment" not in feedback and "Try again" in feedback
    item.choose("Trapezius")
    assert item.check() is False and "segment by segment" in item.step.feedback.value
    assert "2 attempts; last answer not yet right" in item.status.value


def test_checking_without_an_answer_asks_for_one_and_is_no_attempt():
    item = _widget()
    assert item.check() is None
    assert "Choose an answer first" in item.step.feedback.value
    assert item.attempts == 0 and "Not answered yet" in item.status.value


def test_the_vignette_is_shown_above_the_prompt():
    item = _widget("tf")
    html = [child.value for child in item.step.widget.children if hasattr(child, "value")
            and isinstance(child.value, str)]
    assert "warehouse worker" in html[0] and "recover by itself" in html[1]
    assert item.view.static_markdown.startswith("*Case.* A 32-year-old")


def test_select_all_uses_tick_boxes():
    item = _widget("all")
    assert [box.description for box in item.boxes.values()] == [c.text for c in item.question.shown_choices]
    item.choose("Multifidus", "Rotatores")
    assert item.check() is True
    item.choose("Multifidus")
    assert item.check() is False


def test_numeric_questions_take_typed_numbers_and_explain_bad_input_in_the_widget():
    item = _widget("num")
    item.enter("four weeks")
    assert item.check() is None and "is not a number" in item.step.feedback.value and item.attempts == 0
    item.enter("10")
    assert item.check() is False and "last examination" in item.step.feedback.value
    item.enter("4")
    assert item.check() is True and "Four weeks" in item.step.feedback.value


def test_a_question_set_shows_the_score_and_keeps_it_out_of_the_plain_text(monkeypatch, tmp_path):
    monkeypatch.setattr(quiz, "load", lambda name: _check())
    shown = selfcheck.QuestionSet("test", store=ProgressStore(tmp_path / "p.json"))
    assert shown.score_text() == "Score: 0 of 4 correct"
    shown.questions[0].choose("Multifidus")
    shown.questions[0].step.check_button.click()
    shown.questions[3].enter("4")
    shown.questions[3].check()
    assert "Score: 2 of 4 correct" in shown.score.value
    plain = shown._repr_mimebundle_()["text/plain"]
    assert plain == "[Self-check] Answer each question, then press 'Check answer'."


def test_answers_and_attempts_are_restored_when_the_widgets_are_built_again(tmp_path):
    store, check = ProgressStore(tmp_path / "p.json"), _check()
    first = [selfcheck.QuestionWidget(q, n, "test", store) for n, q in enumerate(check.questions, start=1)]
    first[0].choose("Trapezius")
    first[0].check()
    first[0].choose("Multifidus")
    first[0].check()
    first[2].choose("Multifidus", "Latissimus dorsi")
    first[2].check()
    first[3].enter("4,1")
    first[3].check()
    again = [selfcheck.QuestionWidget(q, n, "test", store) for n, q in enumerate(check.questions, start=1)]
    assert again[0].attempts == 2 and again[0].correct is True and again[0].options.value.text == "Multifidus"
    assert "Correct." in again[0].step.feedback.value and "2 attempts" in again[0].status.value
    assert again[1].attempts == 0 and again[1].options.value is None
    assert {t for t, box in again[2].boxes.items() if box.value} == {"Multifidus", "Latissimus dorsi"}
    assert again[2].correct is False
    assert again[3].number_box.value == "4,1" and again[3].correct is True


def test_the_solution_opens_only_after_the_student_has_written_something_and_stays_available(tmp_path):
    store = ProgressStore(tmp_path / "p.json")
    item = selfcheck.SolutionWidget(_check().exercise("e"), "test", store)
    assert not item.revealed and item.toggle.disabled
    item.write("   ")
    assert item.toggle.disabled
    item.write("My answer")
    assert not item.toggle.disabled
    item.toggle.value = True
    assert item.revealed and "<strong>answer</strong>" in item.solution.value
    item.toggle.value = False
    item.write("")
    assert not item.revealed and not item.toggle.disabled
    assert store.exercise("test", "e").revealed
    item.write("My answer, revised")
    again = selfcheck.SolutionWidget(_check().exercise("e"), "test", store)
    assert again.answer.value == "My answer, revised" and not again.toggle.disabled and not again.revealed


def test_an_exercise_without_a_store_keeps_nothing():
    item = selfcheck.SolutionWidget(_check().exercise("e"))
    item.write("x")
    assert item.store is None and not item.toggle.disabled


def _broken(old: str, new: str, count: int = 1) -> str:
    assert old in VALID, old
    return VALID.replace(old, new, count)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_broken('kind = "multiple_choice"', 'kind = "essay"'), r"question 1 \('q'\): field 'kind' must be one of"),
        (_broken("correct = true", 'correct = false\nmisconception = "Any."'),
         r"question 1 \('q'\): field 'choice': exactly one choice"),
        (_broken('text = "Trapezius"\nfeedback', 'text = "Trapezius"\ncorrect = true\nfeedback'),
         r"question 1 \('q'\): field 'choice': exactly one choice must be correct; 2 are"),
        (_broken('prompt = "Which muscle is deep?"', 'prompt = ""'), r"question 1 \('q'\): field 'prompt' must be"),
        (_broken('["hides1996"]', '["nobody1999"]'), r"question 1 \('q'\): field 'citations': unknown citation key"),
        (_broken('solution = "The **answer**."', ""), r"exercise 1 \('e'\): field 'solution' is missing"),
        (_broken('misconception = "Big muscles are deep."\n', ""), r"question 1 \('q'\).*misconception"),
        (_broken('objectives = ["layers"]\nprompt = "Which', 'objectives = ["nerves"]\nprompt = "Which'),
         r"question 1 \('q'\): field 'objectives': unknown objective 'nerves'"),
        (_broken('objectives = ["layers"]\nprompt = "Do', 'objectives = ["x"]\nprompt = "Do'),
         r"exercise 1 \('e'\): field 'objectives': unknown objective 'x'"),
        (_broken('objectives = ["layers"]\nprompt = "Which', 'objectives = ["trial"]\nprompt = "Which'),
         r"test.toml: objective 1 \('layers'\): measured by 1 question\(s\) \(all\); every objective needs at least 2"),
        (_broken('id = "tf"', 'id = "q"'), r"test.toml: question 'q': the id is used twice"),
        (_broken("tolerance = 0.5", "tolerance = 0"), r"question 4 \('num'\): field 'tolerance' must be more than 0"),
        (_broken("value = 10", "value = 4.2"), r"question 4 \('num'\): wrong_answer 4.2: within the tolerance"),
        (_broken('correct_feedback = "Four weeks, twice a week."\n', ""),
         r"question 4 \('num'\): field 'correct_feedback' is missing"),
        (_broken('bloom = "understand"\n', ""), r"question 1 \('q'\): field 'bloom' is missing"),
        (_broken('bloom = "understand"', 'bloom = "memorise"'), r"question 1 \('q'\): field 'bloom' must be one of"),
    ],
)
def test_malformed_self_checks_are_rejected_naming_the_file_and_the_question(text, message):
    with pytest.raises(ValueError, match=message) as error:
        quiz.parse("test", text)
    assert str(error.value).startswith("data/selfcheck/test.toml")


def test_true_false_questions_need_true_and_false_choices():
    with pytest.raises(ValueError, match=r"question 2 \('tf'\).*'True' and 'False'"):
        quiz.parse("test", _broken('text = "True"', 'text = "Yes"'))


def test_select_all_needs_a_correct_and_an_incorrect_choice():
    every = _broken('text = "Latissimus dorsi"\nfeedback = "Superficial',
                    'text = "Latissimus dorsi"\ncorrect = true\nfeedback = "Superficial')
    with pytest.raises(ValueError, match=r"question 3 \('all'\).*at least one correct and one incorrect.*3 of 3"):
        quiz.parse("test", every)


def test_question_ids_are_unique_across_the_course_naming_both_files():
    first = quiz.parse("first", VALID)
    second = quiz.parse("second", VALID.replace('id = "q"', 'id = "q2"'))
    with pytest.raises(ValueError, match=re.escape("question 'tf' is in both data/selfcheck/first.toml and "
                                                   "data/selfcheck/second.toml")):
        quiz.check_course([first, second])
    quiz.check_course([first])


# --- The shipped files: these follow the new format once the content files are rewritten. ---------------------

@pytest.mark.parametrize("name", quiz.available())
def test_every_shipped_self_check_loads_and_every_question_can_be_answered_right(name):
    check = quiz.load(name)
    assert check.questions or check.exercises
    shown = selfcheck.show_questions(name)
    for item in shown.questions:
        if item.question.kind == "numeric":
            item.enter(str(item.question.answer))
        else:
            item.choose(*(choice.text for choice in item.question.correct_choices))
        assert item.check() is True


def test_question_ids_are_unique_across_the_shipped_course():
    assert len(quiz.all_questions()) == sum(len(quiz.load(name).questions) for name in quiz.available())


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
