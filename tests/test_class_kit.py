"""The class kit: three 50-minute sessions, one of 90 minutes and a self-study route, checked against the course."""

import tomllib
from importlib import resources
from pathlib import Path

import pytest

from spinelab.course import class_kit, quiz
from spinelab.publish import instructor

ROOT = Path(__file__).resolve().parents[1]
RAW = tomllib.loads(resources.files("spinelab").joinpath("data/class_kit.toml").read_text(encoding="utf-8"))
TEXT = resources.files("spinelab").joinpath("data/class_kit.toml").read_text(encoding="utf-8")
QUESTIONS = dict((question.id, question) for _, question in quiz.all_questions())


def test_three_fifty_minute_sessions_and_one_of_ninety():
    assert sorted((row["plan"], row["length"]) for row in RAW["session"]) == [
        ("one long session", 90), ("three sessions", 50), ("three sessions", 50), ("three sessions", 50)]


@pytest.mark.parametrize("row", RAW["session"], ids=[row["id"] for row in RAW["session"]])
def test_each_in_class_plan_fits_its_session_and_each_pre_class_one_core(row):
    assert sum(step["minutes"] for step in row["in_class"]) <= row["length"]
    assert class_kit.CORE_MINUTES * len(row["pre_class"]) <= 20
    session = next(s for s in class_kit.load().sessions if s.id == row["id"])
    assert session.in_class_minutes == sum(step["minutes"] for step in row["in_class"])


@pytest.mark.parametrize("row", RAW["session"], ids=[row["id"] for row in RAW["session"]])
def test_each_session_votes_on_five_items_whose_wrong_answers_name_misconceptions(row):
    ids = [step["question"] for step in row["in_class"] if "question" in step]
    assert len(set(ids)) == len(ids) >= 5
    for question_id in ids:
        question = QUESTIONS[question_id]
        wrong = [choice for choice in question.choices if not choice.correct] + list(question.wrong_answers)
        assert wrong and all(item.misconception and item.misconception.strip() for item in wrong), question_id


def test_post_class_and_self_study_name_real_exercises_and_cover_every_notebook():
    kit = class_kit.load()
    for session in kit.sessions:
        exercise = quiz.load(session.post_class.exercise_notebook).exercise(session.post_class.exercise)
        assert exercise.rubric
    assert [step.notebook for step in kit.self_study] == quiz.available()
    assert kit.self_study_minutes == 20 * len(quiz.available())


@pytest.mark.parametrize(("old", "new", "message"), [
    ("minutes = 14\n", "minutes = 16\n",
     r"session 'session-3': field 'in_class' sums to 51 minutes; the session has 50"),
    ('question = "which-flag"', 'question = "no-such-item"', r"field 'question': no question 'no-such-item'"),
    ('question = "which-flag"', 'question = "caveats"',
     r"question 'caveats' is from 06_case_studies, which students have not met by then"),
    ('[[session.in_class]]\nminutes = 4\nactivity = "Peer instruction."\nquestion = "six-weeks"\n', "",
     r"session 'session-3': 4 peer-instruction questions; at least 5"),
    ('notebook = "05_whole_patient"\ntask = "Work through', 'notebook = "05_whole_patient"\ntask = "x"\n\n'
     '[[session.pre_class]]\nnotebook = "04_measuring_multifidus"\ntask = "Work through',
     r"session 'session-3': field 'pre_class' takes 40 minutes \(2 notebook cores of up to 20\); at most 20"),
    ('exercise = "follow-up"\ntask = "The exercise closes', 'exercise = "facet-sprain"\ntask = "The exercise closes',
     r"notebook '06_case_studies' has no exercise 'facet-sprain'"),
    ('length = 90', 'length = 50', r"plan 'one long session' must have 1 session\(s\) of 90 minutes"),
    ('[[self_study]]\nnotebook = "04_measuring_multifidus"', '[[self_study]]\nnotebook = "04_measuring_multifidu"',
     r"unknown notebook '04_measuring_multifidu'"),
])
def test_a_bad_kit_is_refused_naming_the_session_and_field(old, new, message):
    assert TEXT.count(old) >= 1, old
    with pytest.raises(ValueError, match=message):
        class_kit.parse(TEXT.replace(old, new, 1))


def test_a_numeric_item_without_common_wrong_values_cannot_be_a_vote():
    numeric = next(q for q in QUESTIONS.values() if q.kind == "numeric")
    bare = quiz.Question(numeric.id, "numeric", numeric.prompt, numeric.explanation, answer=1.0, tolerance=0.1)
    assert not class_kit.names_misconceptions(bare) and class_kit.names_misconceptions(numeric)


def test_guide_shows_every_session_minute_by_minute():
    text = instructor.class_kit_markdown()
    for session in class_kit.load().sessions:
        assert f"#### {session.title} ({session.length} minutes)" in text
        assert f"**In class ({session.in_class_minutes} of {session.length} minutes; " in text
        clock = 0
        for step in session.in_class:
            assert f"| {clock}–{clock + step.minutes} | {step.minutes} | " in text
            clock += step.minutes
        for question_id in session.questions:
            assert f"**Vote** `{question_id}`" in text


def test_committed_guide_has_the_current_class_kit():
    guide = (ROOT / "docs" / "instructor_guide.md").read_text(encoding="utf-8")
    assert instructor.class_kit_markdown() in guide, "docs/instructor_guide.md's class kit is stale: run make guide"
    assert "## Suggested timings" not in guide


def test_make_guide_rewrites_only_the_class_kit_section(tmp_path):
    guide = tmp_path / "guide.md"
    guide.write_text(f"# Guide\n\nBefore.\n\n## Class kit\n\n{instructor.KIT_START}\nold plan\n{instructor.KIT_END}\n\n"
                     "## After\n\nKept.\n", encoding="utf-8")
    instructor.main([str(tmp_path / "answers.md"), str(tmp_path / "sources.md"), "--guide", str(guide)])
    text = guide.read_text(encoding="utf-8")
    assert text.startswith("# Guide\n\nBefore.\n\n## Class kit\n") and text.endswith("\n\n## After\n\nKept.\n")
    assert "old plan" not in text and instructor.class_kit_markdown() in text


def test_a_guide_without_the_markers_is_left_alone(tmp_path):
    guide = tmp_path / "guide.md"
    guide.write_text("# Someone's own notes\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        instructor.main([str(tmp_path / "answers.md"), str(tmp_path / "sources.md"), "--guide", str(guide)])
    assert guide.read_text(encoding="utf-8") == "# Someone's own notes\n"
    assert not (tmp_path / "answers.md").exists()
