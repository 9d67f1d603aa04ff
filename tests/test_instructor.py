from pathlib import Path

from spinelab.anatomy import muscle_sort, muscles
from spinelab.clinic import case_study
from spinelab.course import quiz
from spinelab.publish import instructor

ROOT = Path(__file__).resolve().parents[1]


def test_answer_key_has_every_answer_and_solution():
    text = instructor.answers_markdown()
    for name in quiz.available():
        check = quiz.load(name)
        for question in check.questions:
            assert f"- **Answer:** {question.answer.text}" in text
        for exercise in check.exercises:
            assert exercise.solution in text


def test_answer_key_has_the_sorter_layers_and_every_patients_screen():
    text = instructor.answers_markdown()
    for muscle_id in muscle_sort.DEFAULT_MUSCLES:
        assert f"{muscles.get(muscle_id).label}: **{muscles.get(muscle_id).layer}**" in text
    for patient in case_study.vignettes():
        assert patient.screen().message in text
    assert case_study.guarding_feedback(case_study.GUARDING)[1] in text
    assert case_study.where_feedback(case_study.WHERE_OPTIONS[0])[1] in text


def test_committed_answer_key_is_current():
    committed = (ROOT / "docs" / "answers.md").read_text(encoding="utf-8")
    assert committed == instructor.answers_markdown(), "docs/answers.md is stale: run make guide"


def test_guide_covers_every_notebook_and_links_the_answer_key():
    guide = (ROOT / "docs" / "instructor_guide.md").read_text(encoding="utf-8")
    for notebook in sorted((ROOT / "notebooks").glob("0*.ipynb")):
        number = notebook.name[:2]
        assert guide.count(f"| {number} ") >= 2, f"notebook {number} needs outcomes and timings in the guide"
    assert "(answers.md)" in guide
    for command in ("make present", "make slides", "make figures"):
        assert command in guide
