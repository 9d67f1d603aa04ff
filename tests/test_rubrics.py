"""Every exercise carries an analytic rubric (3-4 criteria, 3-4 levels each), shown in the answer key."""

import re

import pytest

from spinelab.course import quiz
from spinelab.publish import instructor

EXERCISES = [(name, exercise) for name in quiz.available() for exercise in quiz.load(name).exercises]
#: One exercise with a rubric of three criteria, in the self-check format; the tests below change parts of it.
WITH_RUBRIC = """
[[objective]]
id = "nnt"
text = "Compute an NNT."

[[question]]
id = "q1"
kind = "numeric"
bloom = "apply"
objectives = ["nnt"]
prompt = "p"
explanation = "e"
answer = 3
tolerance = 0.1
correct_feedback = "Yes."

[[question]]
id = "q2"
kind = "numeric"
bloom = "apply"
objectives = ["nnt"]
prompt = "p"
explanation = "e"
answer = 2
tolerance = 0.1
correct_feedback = "Yes."

[[exercise]]
id = "nnt"
title = "An NNT"
prompt = "Compute the NNT for 75 % and 35 %."
solution = "ARR 0.40, NNT 2.5, rounded up to 3."
""" + "".join(f"""
[[exercise.rubric]]
name = "Criterion {n}"
[[exercise.rubric.levels]]
label = "Full"
points = 2
descriptor = "Criterion {n} in full: ARR 0.40."
[[exercise.rubric.levels]]
label = "Partial"
points = 1
descriptor = "Criterion {n} in part."
[[exercise.rubric.levels]]
label = "Not shown"
points = 0
descriptor = "Criterion {n} missing."
""" for n in (1, 2, 3))


def _words(text: str) -> set[str]:
    """The content words (five letters or more) and the numbers of a text."""
    return {word.lower() for word in re.findall(r"[A-Za-zÀ-ÿ]{5,}|\d+(?:\.\d+)?", text)}


@pytest.mark.parametrize(("name", "exercise"), EXERCISES, ids=[f"{n}:{e.id}" for n, e in EXERCISES])
def test_every_exercise_has_an_analytic_rubric_of_three_or_four_criteria(name, exercise):
    assert 3 <= len(exercise.rubric) <= 4, f"{name}: exercise {exercise.id!r} has {len(exercise.rubric)} criteria"
    for criterion in exercise.rubric:
        assert 3 <= len(criterion.levels) <= 4
        points = [level.points for level in criterion.levels]
        assert points == sorted(points, reverse=True) and len(set(points)) == len(points) and points[-1] == 0
    assert exercise.max_points == sum(criterion.levels[0].points for criterion in exercise.rubric) > 0


@pytest.mark.parametrize(("name", "exercise"), EXERCISES, ids=[f"{n}:{e.id}" for n, e in EXERCISES])
def test_rubric_descriptors_are_about_the_exercise_not_generic(name, exercise):
    """The best level of each criterion says what a strong answer contains, in the words and numbers of the solution."""
    solution = _words(f"{exercise.prompt} {exercise.solution}")
    for criterion in exercise.rubric:
        shared = _words(criterion.levels[0].descriptor) & solution
        assert len(shared) >= 2, f"{exercise.id}: criterion {criterion.name!r} shares only {shared} with the solution"


def test_no_descriptor_is_shared_between_exercises():
    seen: dict[str, str] = {}
    for _, exercise in EXERCISES:
        for criterion in exercise.rubric:
            for level in criterion.levels:
                assert seen.setdefault(level.descriptor, exercise.id) == exercise.id, level.descriptor


def test_answer_key_shows_every_rubric_with_its_points():
    text = instructor.answers_markdown()
    for _, exercise in EXERCISES:
        assert f"**Rubric** ({exercise.max_points:g} points)." in text
        for criterion in exercise.rubric:
            assert f"- **{criterion.name}** (up to {criterion.max_points:g})" in text
            for level in criterion.levels:
                assert f"  - *{level.label} ({level.points:g}):* {level.descriptor}" in text


def test_a_rubric_is_parsed_with_its_levels_in_order():
    exercise = quiz.parse("test", WITH_RUBRIC).exercise("nnt")
    assert [criterion.name for criterion in exercise.rubric] == ["Criterion 1", "Criterion 2", "Criterion 3"]
    assert [(level.label, level.points) for level in exercise.rubric[0].levels] == [
        ("Full", 2.0), ("Partial", 1.0), ("Not shown", 0.0)]
    assert exercise.max_points == 6
    assert instructor.rubric_lines(exercise)[:3] == ["**Rubric** (6 points).", "", "- **Criterion 1** (up to 2)"]


@pytest.mark.parametrize(("old", "new", "message"), [
    ("points = 1\n", "points = 3\n", r"rubric criterion 'Criterion 1': field 'levels' must run from the most points"),
    ('name = "Criterion 2"', 'name = "Criterion 1"', r"rubric criterion 'Criterion 1': the id is used twice"),
    ('descriptor = "Criterion 3 missing."\n', "", r"field 'descriptor' is missing"),
    ("points = 0\n", "points = -1\n", r"field 'points'"),
])
def test_a_bad_rubric_is_refused_naming_the_criterion_and_field(old, new, message):
    with pytest.raises(ValueError, match=message):
        quiz.parse("test", WITH_RUBRIC.replace(old, new, 1))


def test_a_rubric_needs_three_to_four_criteria():
    two = WITH_RUBRIC.rsplit("\n[[exercise.rubric]]", 1)[0] + "\n"
    with pytest.raises(ValueError, match="rubric"):
        quiz.parse("test", two)
