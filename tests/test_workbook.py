"""The printable student workbook: built offline into a folder, then read back from the PDF."""

import re
from pathlib import Path

import nbformat
import pytest
from pypdf import PdfReader

from spinelab.course import quiz
from spinelab.publish import workbook
from spinelab.publish.notebooks import course_notebooks
from spinelab.publish.outputs import MARKER, OutputFolderError


def _flat(text: str) -> str:
    """Text as the PDF shows it: Markdown marks and HTML tags dropped, whitespace made single spaces."""
    text = re.sub(r"</?[A-Za-z][^<>]*>|\*\*|`|(?<!\w)\*|\*(?!\w)", "", text)
    return " ".join(text.split())


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("workbook")
    path = workbook.build(folder)
    return path, _flat("\n".join(page.extract_text() for page in PdfReader(path).pages))


def _core(path: Path) -> list[nbformat.NotebookNode]:
    return workbook.core_cells(nbformat.read(path, as_version=4))


def test_the_workbook_is_a_pdf_in_its_own_folder(built):
    path, _ = built
    assert path.name == workbook.FILENAME and path.read_bytes().startswith(b"%PDF-")
    assert (path.parent / MARKER).read_text().strip() == workbook.TOOL
    assert len(PdfReader(path).pages) >= 2 * len(course_notebooks())


def test_every_notebook_has_its_title_and_core_figures_with_their_alt_text_as_captions(built):
    _, text = built
    captions = 0
    for path in course_notebooks():
        title = nbformat.read(path, as_version=4).cells[0].source.split("\n", 1)[0].removeprefix("# ")
        assert _flat(title) in text, title
        for cell in _core(path):
            for output in cell.get("outputs", []):
                if "image/png" in output.get("data", {}):
                    alt = re.sub(r"^\[[^\]]*\]\s*", "", output["data"]["text/plain"])
                    assert re.search(r"Figure \d+\. " + re.escape(_flat(alt)[:60]), text), alt[:60]
                    captions += 1
    assert captions >= len(course_notebooks())


def test_questions_appear_with_their_choices_but_no_answer_feedback_or_solution(built):
    _, text = built
    lessons = _flat(" ".join(cell.source for path in course_notebooks() for cell in _core(path)
                             if cell.cell_type == "markdown"))
    in_cores = {question_id for path in course_notebooks() for cell in _core(path) if cell.cell_type == "code"
                for question_id in workbook.shown_questions(cell.source, path.stem)}
    shown = 0
    for name in quiz.available():
        check = quiz.load(name)
        for question in check.questions:
            if question.id in in_cores:
                shown += 1
                assert _flat(question.prompt)[:70] in text, question.id
                for choice in question.choices:
                    assert _flat(choice.text)[:50] in text, question.id
            for secret in [question.explanation, question.correct_feedback,
                           *(choice.feedback for choice in question.choices),
                           *(item.feedback for item in question.wrong_answers)]:
                piece = _flat(secret)[:100]  # a shorter piece can restate a stem; a lesson may say it too
                if len(piece) >= 50 and piece not in lessons:
                    assert piece not in text, f"{question.id}: {piece}"
        for exercise in check.exercises:
            assert _flat(exercise.title) in text
            assert _flat(exercise.solution)[:100] not in text
            for criterion in exercise.rubric:  # what is marked, and for how many points; not the answer
                levels = " · ".join(f"{level.label} {level.points:g}" for level in criterion.levels)
                assert _flat(f"{criterion.name}: {levels}") in text
                assert _flat(criterion.levels[0].descriptor)[:60] not in text
    assert shown >= 3 * len(quiz.available())


def test_optional_parts_and_instructor_figures_stay_out(built):
    _, text = built
    assert "First, a named muscle can belong to both systems" not in text  # 01's <details> "Go deeper"
    for handout in workbook.handouts().values():
        if handout.instructors_only:
            assert _flat(handout.alt_text)[:60] not in text


def test_the_core_ends_at_an_optional_heading_and_skips_details():
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_markdown_cell("## The idea\n\nCore text."),
        nbformat.v4.new_markdown_cell("<details><summary>More</summary>\n\nHidden.\n\n</details>"),
        nbformat.v4.new_markdown_cell("### Practice\n\nDrill."),
        nbformat.v4.new_code_cell("drill()"),
        nbformat.v4.new_markdown_cell("### What it means for practice\n\nKept."),
        nbformat.v4.new_markdown_cell("## Go deeper: the algebra\n\nOptional."),
        nbformat.v4.new_markdown_cell("### A subsection\n\nStill optional."),
        nbformat.v4.new_markdown_cell("## 3. For the clinic\n\nOptional too."),
        nbformat.v4.new_markdown_cell("## Summary\n\nBack in the core."),
        nbformat.v4.new_markdown_cell("## References"),
    ])
    kept = [cell.source.split("\n")[0] for cell in workbook.core_cells(notebook)]
    assert kept == ["# Title", "## The idea", "### What it means for practice", "## Summary"]


@pytest.mark.parametrize(("source", "expected"), [
    ('selfcheck.show_questions("01_muscle_layers")', [q.id for q in quiz.load("01_muscle_layers").questions]),
    ('selfcheck.show_questions("01_muscle_layers", ["latissimus-job", "psoas-left-out"])',
     ["latissimus-job", "psoas-left-out"]),
    ('show_question("latissimus-job")', ["latissimus-job"]),
    ('selfcheck.show_exercise("01_muscle_layers", "facet-sprain")', []),
    ("this is not python (", []),
])
def test_shown_questions_follow_the_calls_of_a_code_cell(source, expected):
    assert workbook.shown_questions(source, "01_muscle_layers") == expected


def test_a_folder_the_workbook_did_not_write_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(OutputFolderError, match="not empty"):
        workbook.build(tmp_path, notebooks=[])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
