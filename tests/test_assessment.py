"""The course's self-checks measure understanding: no cue in position, length or wording gives an answer away."""

import re
from collections import Counter
from statistics import mean

import pytest

from spinelab.course import quiz

CHECKS = [quiz.load(name) for name in quiz.available()]
QUESTIONS = [question for check in CHECKS for question in check.questions]
CHOICE_QUESTIONS = [question for question in QUESTIONS if question.kind in ("multiple_choice", "true_false")]
#: How far above chance a test-wise strategy may score (the issue's bound).
MARGIN = 0.10
#: The topic notebooks. 00_start_here teaches how to use the notebooks, so its items may name them.
TOPICS = [check for check in CHECKS if check.name != "00_start_here"]
#: Words that make an item lean on the course, a widget, another item or a patient met elsewhere: an LMS that
#: shuffles items, or a student meeting one on its own, loses the context.
LEANS_ON_CONTEXT = re.compile(
    r"\b(this|the) course\b|\bcourse's\b|\b(this|the) notebook\b|\bnotebooks? \d|\bwidget\b|\bexplorer\b|"
    r"\bReveal\b|\bthe package\b|\bthe guarding model\b|\bset-up check\b|\bthe same patient\b|\bthe warehouse worker\b|"
    r"\b(as|see|mentioned|described|given|the (question|patient|case|table|figure)) above\b|"
    r"\bprevious question\b|\bas shown\b|\bshown in\b|\bhere\b|\bin this chapter\b", re.IGNORECASE)
#: The same lean in an explanation, a feedback or a misconception, which a student reads after answering. Narrower
#: than the stem's list: "the course of the condition", a treatment "package" and an item's own "here" are fine.
LEANS_ON_THE_COURSE = re.compile(
    r"\bthis course\b|\bcourse's\b|\bthe course (uses|used|follows|cites|teaches)\b|\bin the course\b|"
    r"\b(this|the) notebook\b|\bnotebook's\b|\bnotebooks? \d|\bwidget\b|\bexplorer\b|\bthe reveal\b|"
    r"\bthe guarding model\b|\bthe same patient\b|\b(as|see|mentioned|described|given) above\b|\bprevious question\b",
    re.IGNORECASE)


def _chance(questions: list[quiz.Question]) -> float:
    return sum(1 / len(question.choices) for question in questions) / len(questions)


def _score(questions: list[quiz.Question], pick) -> float:
    return sum(pick(question).correct for question in questions) / len(questions)


def _longest(question: quiz.Question) -> quiz.Choice:
    return max(question.shown_choices, key=lambda choice: len(choice.text))


#: Words a test-wise student reads as hedges ("the careful statement is the true one").
HEDGES = re.compile(r"\b(may|might|can|could|about|some|often|usually|probably|possibly|likely|perhaps|tends?|"
                    r"suggests?|partly|in part|most|many|typically|sometimes|uncertain|unclear|roughly|around|"
                    r"not necessarily|associated)\b", re.IGNORECASE)
#: Words a test-wise student reads as overclaims ("the absolute statement is the false one").
ABSOLUTES = re.compile(r"\b(always|never|only|all|every|must|will|proven|proves?|rules? out|ruled out|on its own|"
                       r"alone|cannot|none|no one|nothing|certainly|definitely|guarantees?|entirely|completely|"
                       r"consistent evidence|sole|any)\b", re.IGNORECASE)


def _hedges(text: str) -> int:
    return len(HEDGES.findall(text))


def _absolutes(text: str) -> int:
    return len(ABSOLUTES.findall(text))


def _statement(question: quiz.Question) -> str:
    return f"{question.vignette or ''} {question.prompt}"


def _true_false_overclaim_rule(question: quiz.Question) -> quiz.Choice:
    """An overclaiming statement is false, anything else true."""
    return question.choice("False" if _absolutes(_statement(question)) else "True")


def _true_false_hedge_rule(question: quiz.Question) -> quiz.Choice:
    """A hedged statement is true, anything else false."""
    return question.choice("True" if _hedges(_statement(question)) else "False")


def _other(choice: quiz.Choice) -> str:
    return "True" if choice.text == "False" else "False"


def _true_false_balance_rule(question: quiz.Question) -> quiz.Choice:
    """More hedges than absolutes: true; otherwise false."""
    text = _statement(question)
    return question.choice("True" if _hedges(text) > _absolutes(text) else "False")


def _most_hedged(question: quiz.Question) -> quiz.Choice:
    """The option with the most hedges for the fewest absolute words (first shown on a tie)."""
    return max(question.shown_choices, key=lambda choice: _hedges(choice.text) - _absolutes(choice.text))


def _no_absolutes(question: quiz.Question) -> quiz.Choice:
    """The first shown option free of absolute words (else the first)."""
    return next((c for c in question.shown_choices if not _absolutes(c.text)), question.shown_choices[0])


def _middle(question: quiz.Question) -> float:
    """Expected credit for picking a middle option (either middle one, at random, when there are two)."""
    shown = question.shown_choices
    middle = {(len(shown) - 1) // 2, len(shown) // 2}
    return mean(shown[i].correct for i in middle)


def _most_alike(question: quiz.Question) -> quiz.Choice:
    """The option sharing most words with the others (convergence: the key is what the distractors vary)."""
    words = [set(re.findall(r"[a-z]+", choice.text.lower())) for choice in question.shown_choices]
    return max(question.shown_choices,
               key=lambda choice: sum(len(words[question.shown_choices.index(choice)] & other) for other in words))


#: Every test-wise strategy for choosing one option, with the kinds of question it is played on.
STRATEGIES = {
    "always the first": ("multiple_choice", lambda question: question.shown_choices[0]),
    "always the last": ("multiple_choice", lambda question: question.shown_choices[-1]),
    "always the longest": ("multiple_choice", _longest),
    "the middle option": ("multiple_choice", _middle),
    "the most hedged option": ("multiple_choice", _most_hedged),
    "avoid absolute words": ("multiple_choice", _no_absolutes),
    "the option most like the others": ("multiple_choice", _most_alike),
    "always True": ("true_false", lambda question: question.choice("True")),
    "always False": ("true_false", lambda question: question.choice("False")),
    "overclaim => False, else True": ("true_false", _true_false_overclaim_rule),
    "hedged => True, else False": ("true_false", _true_false_hedge_rule),
    "more hedges than absolutes => True": ("true_false", _true_false_balance_rule),
    # The same rules reversed: a bank that over-corrects (every overclaim true) gives the answer away as surely.
    "overclaim => True, else False": ("true_false", lambda q: q.choice(_other(_true_false_overclaim_rule(q)))),
    "hedged => False, else True": ("true_false", lambda q: q.choice(_other(_true_false_hedge_rule(q)))),
}


def _credit(result) -> float:
    return float(result) if isinstance(result, int | float) else float(result.correct)


def strategy_score(name: str, questions: list[quiz.Question] = QUESTIONS) -> tuple[float, float, int]:
    """``(score, chance, items)`` of one strategy played on every question of its kind."""
    kind, pick = STRATEGIES[name]
    played = [question for question in questions if question.kind == kind]
    return mean(_credit(pick(question)) for question in played), _chance(played), len(played)


def select_all_modal_count(questions: list[quiz.Question] = QUESTIONS) -> tuple[float, float, int]:
    """``(share, chance, items)``: how often a select-all item has the bank's most common number of correct options.

    A student who knows the habit (say "three are always right") guesses the count; chance is one count among the
    1 ... n-1 a select-all item can have.
    """
    played = [question for question in questions if question.kind == "select_all"]
    counts = Counter(len(question.correct_choices) for question in played)
    return counts.most_common(1)[0][1] / len(played), mean(1 / (len(q.choices) - 1) for q in played), len(played)


@pytest.mark.parametrize("strategy", list(STRATEGIES))
def test_test_wise_strategies_score_no_better_than_chance(strategy):
    score, chance, items = strategy_score(strategy)
    assert items >= 4
    assert score <= chance + MARGIN, f"{strategy}: {score:.0%} on {items} items (chance {chance:.0%})"


def test_the_number_of_correct_select_all_options_varies():
    share, chance, items = select_all_modal_count()
    assert items >= 4
    assert share <= chance + MARGIN, f"{share:.0%} of {items} select-all items share one count (chance {chance:.0%})"
    counts = {len(question.correct_choices) for question in QUESTIONS if question.kind == "select_all"}
    assert 1 in counts, "no select-all item has a single correct option"
    assert any(len(q.correct_choices) == len(q.choices) - 1 for q in QUESTIONS if q.kind == "select_all"), \
        "no select-all item has all but one option correct"


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


def _stem_and_options(question: quiz.Question) -> list[str]:
    return [question.vignette or "", question.prompt, *(choice.text for choice in question.choices)]


def test_every_topic_item_stands_alone():
    leaning = [f"{check.name}/{question.id}: {match.group(0)!r} in {text[:60]!r}"
               for check in TOPICS for question in check.questions
               for text in _stem_and_options(question) for match in [LEANS_ON_CONTEXT.search(text)] if match]
    assert not leaning, "\n".join(leaning)


def test_every_item_names_its_bloom_level():
    assert {question.bloom for question in QUESTIONS} <= set(quiz.BLOOM_LEVELS)
    assert {"apply", "analyse", "evaluate"} <= {question.bloom for question in QUESTIONS}


def _explanation_and_feedback(question: quiz.Question) -> list[str]:
    return [question.explanation, question.correct_feedback,
            *(text for choice in question.choices for text in (choice.feedback, choice.misconception or "")),
            *(text for wrong in question.wrong_answers for text in (wrong.feedback, wrong.misconception))]


def test_every_topic_items_explanation_and_feedback_stand_alone_too():
    leaning = [f"{check.name}/{question.id}: {match.group(0)!r} in {text[max(0, match.start() - 40):match.end()]!r}"
               for check in TOPICS for question in check.questions
               for text in _explanation_and_feedback(question) for match in LEANS_ON_THE_COURSE.finditer(text)]
    assert not leaning, "\n".join(leaning)


def test_the_explanation_scan_catches_the_course_and_spares_the_course_of_a_condition():
    assert LEANS_ON_THE_COURSE.search("No source in this course says that.")
    assert LEANS_ON_THE_COURSE.search("no guideline the course uses asks for it")
    assert LEANS_ON_THE_COURSE.search("0.40 is the threshold for the notebook's k = 2.5")
    assert not LEANS_ON_THE_COURSE.search("a cohort describes the course of the condition, here 5 of 9")


@pytest.mark.parametrize("check", TOPICS, ids=lambda check: check.name)
def test_at_least_two_fifths_of_each_topic_notebook_asks_for_apply_or_above(check):
    share = mean(question.applies_or_higher for question in check.questions)
    assert share >= 0.40, f"{check.name}: {share:.0%} apply or above"


@pytest.mark.parametrize("check", TOPICS, ids=lambda check: check.name)
def test_each_topic_notebook_asks_to_interpret_at_least_three_new_cases_or_data_sets(check):
    novel = [question for question in check.questions if question.novel_data]
    assert len(novel) >= 3, f"{check.name}: {[q.id for q in novel]}"
    for question in novel:
        assert question.applies_or_higher, f"{question.id}: new data is given to be interpreted, not recalled"
        stem = f"{question.vignette or ''} {question.prompt}"
        assert question.vignette or "|" in stem or "hypothetical" in stem, f"{question.id}: no new case or table"
