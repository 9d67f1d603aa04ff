"""Each notebook's reference list is computed from what the notebook cites, clicks included, and stays current."""

import nbformat
import pytest

from spinelab.clinic.red_flag_checklist import RedFlagChecklist
from spinelab.course import references
from spinelab.publish import reference_lists
from spinelab.publish.notebooks import course_notebooks

NOTEBOOKS = course_notebooks()


def _scratch(*code: str, markdown: str = "Text.") -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell(markdown), *map(nbformat.v4.new_code_cell, code),
                      nbformat.v4.new_markdown_cell(reference_lists.HEADING)]
    return notebook


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_the_stored_reference_list_is_what_the_notebook_cites(path):
    notebook = nbformat.read(path, as_version=4)
    assert reference_lists.with_list(notebook) is notebook, (
        f"{path.name}: reference list out of date; run python -m spinelab.publish.reference_lists {path}")


def test_a_source_shown_only_after_a_click_is_listed():
    checklist = RedFlagChecklist()
    before = set(references.keys_in(checklist.result.value + checklist.note.value + checklist.footnotes.value))
    after_click = set()
    for name in checklist.checkboxes:
        checklist.clear()
        checklist.tick(name)
        after_click |= set(references.keys_in(checklist.result.value)) - before
    assert after_click, "no flag shows a source of its own once ticked: pick another widget for this test"
    notebook = _scratch("from spinelab.clinic.red_flag_checklist import RedFlagChecklist\n\nRedFlagChecklist()")
    assert after_click <= set(reference_lists.cited(notebook))


def test_markdown_self_check_and_arguments_decide_the_list():
    notebook = _scratch('from spinelab.course import selfcheck\n\nselfcheck.show_questions("03_multifidus_research")',
                        'from spinelab.multifidus import studies\n\nprint(studies.table("choi2010"))',
                        markdown="As Bogduk 1980 and (Hodges & Tucker 2011) showed.")
    questions = {key for question in __import__("spinelab.course.quiz", fromlist=["load"]).load(
        "03_multifidus_research").questions for key in question.citations}
    assert set(reference_lists.cited(notebook)) == {"bogduk1980", "hodgestucker2011", "choi2010", *questions}
    listed = reference_lists.with_list(notebook)
    cell = listed.cells[-1]
    assert cell.metadata["tags"] == [reference_lists.TAG] and listed.cells[-2].source == reference_lists.HEADING
    assert f"- {references.get('choi2010').full()}" in cell.source
    assert reference_lists.with_list(listed) is listed


def test_a_widget_that_declares_no_sources_is_an_error(monkeypatch):
    monkeypatch.delattr(RedFlagChecklist, references.CITES_ATTRIBUTE)
    notebook = _scratch("from spinelab.clinic.red_flag_checklist import RedFlagChecklist\n\nRedFlagChecklist()")
    with pytest.raises(reference_lists.UndeclaredWidgetError, match="RedFlagChecklist declares no sources"):
        reference_lists.cited(notebook)


def test_an_argument_the_sources_depend_on_must_be_a_literal():
    notebook = _scratch('from spinelab.multifidus import studies\n\nkey = "choi2010"\nstudies.table(key)')
    with pytest.raises(ValueError, match=r"studies.table: .*not a literal \(key\)"):
        reference_lists.cited(notebook)


def test_the_citation_finder_matches_the_forms_the_notebooks_use():
    text = ("as Hides et al. (1996) showed; (Hodges & Tucker 2011); Bogduk 1980, MacDonald, Moseley & Hodges 2006 and "
            "Hides\n2001, not Hides 1999")
    assert {"hides1996", "hodgestucker2011", "bogduk1980", "macdonald2006", "hides2001"} <= set(
        references.keys_in(text))
    assert "hides1994" not in references.keys_in(text)


def test_the_command_checks_and_writes(tmp_path, capsys):
    path = tmp_path / "07_scratch.ipynb"
    nbformat.write(_scratch(markdown="Bogduk 1980."), path)
    assert reference_lists.main([str(path), "--check"]) == 1
    assert "out of date" in capsys.readouterr().out
    assert reference_lists.main([str(path)]) == 0
    assert reference_lists.main([str(path), "--check"]) == 0
    assert "Bogduk N" in nbformat.read(path, as_version=4).cells[-1].source
