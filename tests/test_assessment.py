"""The course's self-checks measure understanding: no cue in position, length or wording gives an answer away."""

from collections import Counter

import pytest

from spinelab.course import quiz

CHECKS = [quiz.load(name) for name in quiz.available()]
QUESTIONS = [question for check in CHECKS for question in check.questions]
CHOICE_QUESTIONS = [question for question in QUESTIONS if question.kind in ("multiple_choice", "true_false")]
#: How far above chance a test-wise strategy may score (the issue's bound).
MARGIN = 0.10


def _chance(questions: list[quiz.Question]) -> float:
    return sum(1 / len(question.choices) for question in questions) / len(questions)


def _score(questions: list[quiz.Question], pick) -> float:
    return sum(pick(question).correct for question in questions) / len(questions)


def _longest(question: quiz.Question) -> quiz.Choice:
    return max(question.shown_choices, key=lambda choice: len(choice.text))


@pytest.mark.parametrize("strategy, pick", [
    ("always the first", lambda question: question.shown_choices[0]),
    ("always the last", lambda question: question.shown_choices[-1]),
    ("always the longest", _longest),
])
def test_test_wise_strategies_score_no_better_than_chance(strategy, pick):
    questions = [question for question in CHOICE_QUESTIONS if question.kind == "multiple_choice"]
    assert _score(questions, pick) <= _chance(questions) + MARGIN, strategy


def test_always_false_or_always_true_scores_no_better_than_chance():
    true_false = [question for question in QUESTIONS if question.kind == "true_false"]
    assert len(true_false) >= 4
    for answer in ("True", "False"):
        score = _score(true_false, lambda question, text=answer: next(c for c in question.choices if c.text == text))
        assert score <= 0.5 + MARGIN, answer


def test_the_correct_answer_sits_in_each_position_about_equally_often():
    positions = Counter(next(i for i, choice in enumerate(question.shown_choices) if choice.correct)
                        for question in CHOICE_QUESTIONS if question.kind == "multiple_choice"
                        and len(question.choices) == 3)
    total = sum(positions.values())
    assert total >= 9
    for position in range(3):
        assert abs(positions[position] / total - 1 / 3) <= MARGIN + 0.05, positions


def test_the_shuffle_is_stable_and_keeps_every_choice():
    for question in CHOICE_QUESTIONS:
        assert sorted(c.text for c in question.shown_choices) == sorted(c.text for c in question.choices)
        assert question.shown_choices == question.shown_choices  # the same order every time it is asked


def test_every_learning_objective_has_at_least_two_questions():
    for check in CHECKS:
        counts = Counter(objective for question in check.questions for objective in question.objectives)
        for objective in check.objectives:
            assert counts[objective.id] >= 2, f"{check.name}: objective {objective.id!r}"


def test_the_course_asks_for_numbers_and_decisions():
    kinds = Counter(question.kind for question in QUESTIONS)
    assert kinds["numeric"] >= 4 and kinds["select_all"] >= 2
    assert sum(bool(question.vignette) for question in QUESTIONS) >= 4
    for question in QUESTIONS:
        if question.kind == "numeric":
            assert question.tolerance > 0
            assert question.grade_numeric(question.answer)[0]
            assert not question.grade_numeric(question.answer + 10 * question.tolerance + 1)[0]


def test_every_wrong_choice_names_the_misconception_it_tests():
    for question in CHOICE_QUESTIONS:
        for choice in question.choices:
            assert choice.correct or choice.misconception, f"{question.id}: {choice.text}"
