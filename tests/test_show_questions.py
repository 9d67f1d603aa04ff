"""``selfcheck.show_questions(name, ids=[...])``: chosen questions shown right after the idea each tests, each with
its number in the notebook's bank (the answer key's numbering), and their sources in the notebook's reference list."""

from __future__ import annotations

import pytest

from spinelab.course import quiz, references, selfcheck


def test_chosen_ids_are_shown_in_the_given_order_with_their_bank_numbers():
    bank = quiz.load("01_muscle_layers").questions
    ids = [bank[4].id, bank[1].id]
    shown = selfcheck.show_questions("01_muscle_layers", ids=ids)
    assert [item.question.id for item in shown.questions] == ids
    assert "Question 5." in shown.view.static_markdown and "Question 2." in shown.view.static_markdown
    assert shown.score_text().endswith(" of 2 correct")


def test_without_ids_every_question_is_shown():
    assert len(selfcheck.show_questions("00_start_here").questions) == len(quiz.load("00_start_here").questions)


def test_the_declared_sources_are_those_of_the_chosen_questions_only():
    bank = quiz.load("03b_recurrence_and_limits").questions
    cited = [question for question in bank if question.citations]
    one = cited[0]
    keys = references.declared(selfcheck.show_questions, "03b_recurrence_and_limits", ids=[one.id])
    assert set(keys) == {references.get(key).key for key in one.citations}


@pytest.mark.parametrize(("ids", "message"), [
    (["no-such-question"], r"ids must be question ids of .00_start_here. \(one of: .*map-order.*\); got .no-such"),
    ([], r"ids must be a non-empty list of distinct question ids of '00_start_here'; got \[\]"),
    (["map-order", "map-order"], r"ids must be a non-empty list of distinct question ids"),
    ("map-order", r"ids must be a non-empty list"),
])
def test_bad_ids_are_refused_naming_the_parameter(ids, message):
    with pytest.raises(ValueError, match=message):
        selfcheck.show_questions("00_start_here", ids=ids)
