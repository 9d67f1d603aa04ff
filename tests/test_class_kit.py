"""The class kit: three 50-minute sessions, one of 90 minutes and a self-study route, checked against the course."""

import re
import tomllib
from importlib import resources
from pathlib import Path

import nbformat
import pytest

from spinelab.course import class_kit, quiz
from spinelab.publish import instructor, reading_time
from spinelab.publish.notebooks import course_notebooks

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


def _core_questions():
    return {path.stem: set(reading_time.core_questions(nbformat.read(path, as_version=4)))
            for path in course_notebooks()}


def _votes_not_taught(kit, cores):
    """(session, question) for each vote on a question from a notebook students have only pre-read (not seen
    presented in class by then) that its core does not show: the idea was in a part they could skip."""
    owner = {question.id: name for name, question in quiz.all_questions()}
    missing = []
    for plan in class_kit.PLANS:
        presented = set()
        for session in kit.plan(plan):
            for step in session.in_class:
                presented |= {step.notebook} if step.notebook else set()
                if step.question and owner[step.question] not in presented \
                        and step.question not in cores[owner[step.question]]:
                    missing.append((session.id, step.question))
    return missing


def test_each_vote_is_taught_in_a_core_pre_read_or_a_notebook_presented_by_then():
    assert _votes_not_taught(class_kit.load(), _core_questions()) == []


def test_a_vote_from_an_optional_part_of_a_notebook_only_pre_read_is_caught():
    kit = class_kit.parse(TEXT.replace('question = "ql-bergmark-criterion"', 'question = "one-level-multifidus"', 1))
    assert _votes_not_taught(kit, _core_questions()) == [("session-1", "one-level-multifidus")]


def test_every_plan_leaves_time_to_spare_and_votes_take_five_minutes():
    for session in class_kit.load().sessions:
        assert session.in_class_minutes <= session.length - 4, session.id
        assert all(step.minutes >= 5 for step in session.in_class if step.question), session.id


def test_post_class_and_self_study_name_real_exercises_and_cover_every_notebook():
    kit = class_kit.load()
    for session in kit.sessions:
        exercise = quiz.load(session.post_class.exercise_notebook).exercise(session.post_class.exercise)
        assert exercise.rubric
    assert [step.notebook for step in kit.self_study] == quiz.available()


def test_self_study_total_is_the_sum_of_the_notebooks_top_lines_and_the_exercises():
    kit = class_kit.load()
    stated = {path.stem: int(re.search(r"\*\*Core: about (\d+) minutes", path.read_text(encoding="utf-8")).group(1))
              for path in course_notebooks()}
    cores, exercises = instructor.self_study_minutes(kit)
    assert cores == sum(stated[step.notebook] for step in kit.self_study)
    assert exercises >= sum(1 for step in kit.self_study if step.exercise)
    assert f"about {cores + exercises} minutes, the cores' {cores} " in instructor.class_kit_markdown()


@pytest.mark.parametrize(("old", "new", "message"), [
    ("minutes = 18\n", "minutes = 23\n",
     r"session 'session-3': field 'in_class' sums to 51 minutes; the session has 50"),
    ('question = "which-flag"', 'question = "no-such-item"', r"field 'question': no question 'no-such-item'"),
    ('question = "which-flag"', 'question = "caveats"',
     r"question 'caveats' is from 06_case_studies, which students have not met by then"),
    ('[[session.in_class]]\nminutes = 5\nactivity = "Peer instruction."\nquestion = "what-to-say"\n', "",
     r"session 'session-3': 4 peer-instruction questions; at least 5"),
    ('notebook = "05_whole_patient"\ntask = "Work through', 'notebook = "05_whole_patient"\ntask = "x"\n\n'
     '[[session.pre_class]]\nnotebook = "04_measuring_multifidus"\ntask = "Work through',
     r"session 'session-3': field 'pre_class' takes 40 minutes \(2 notebook cores of up to 20\); at most 20"),
    ('exercise = "follow-up"\ntask = "The exercise closes', 'exercise = "facet-sprain"\ntask = "The exercise closes',
     r"notebook '06_case_studies' has no exercise 'facet-sprain'"),
    ('items = ["deep-layer-members", "multifidus-nerve", ', 'items = [',
     r"session 1 \('session-1'\) post_class: field 'items' must be the 8 to 10 questions"),
    ('items = ["deep-layer-members", ', 'items = ["which-flag", ',
     r"session 'session-1': field 'items': 'which-flag' is not a question of the post-class quiz notebooks"),
    ('items = ["deep-layer-members", ', 'items = ["multifidus-nerve", ',
     r"session 1 \('session-1'\) post_class: field 'items' must be the 8 to 10 questions"),
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
        assert f"**Post-class.** {len(session.post_class.items)} questions from the LMS banks of " in text
        assert ", ".join(f"`{item}`" for item in session.post_class.items) in text


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
