"""Each notebook's core fits 20 minutes, by the one shared estimate (:mod:`spinelab.publish.reading_time`).

A path's time is its words at 200 a minute, a minute per widget interaction and a minute per question, counting
the case text a student reads on 06's concordant paths. The core is everything outside the parts marked optional
("Go deeper", "Practice", "For the clinic" headings, and folded ``<details>`` boxes); the top of every notebook
states the core's time and the full time, and must say what the function computes. The core carries 3 to 5
questions, placed after the ideas they test; the Practice part at the end holds the other questions and the
exercises, so every question of a notebook's bank is shown exactly once.
"""

from __future__ import annotations

import re
from functools import cache

import nbformat
import pytest

from spinelab.clinic import cases
from spinelab.course import datafile, quiz, wording
from spinelab.publish import reading_time
from spinelab.publish.notebooks import course_notebooks
from spinelab.publish.reading_time import Load

NOTEBOOKS = course_notebooks()
_SHOW = re.compile(r"show_(questions|exercise)\(")


def _notebook(*cells: tuple[str, str]) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell(text) if kind == "md" else nbformat.v4.new_code_cell(text)
                      for kind, text in cells]
    return notebook


def _read(path):
    return nbformat.read(path, as_version=4)


def _self_check_cells(notebook):
    """(code cell, in an optional part) for each cell that shows questions or an exercise."""
    return [(part, optional) for part, optional in reading_time.segments(notebook)
            if not isinstance(part, str) and _SHOW.search(part.source)]


# --- the estimate ---------------------------------------------------------------------------------------------

def test_a_path_takes_its_words_at_200_a_minute_plus_a_minute_per_interaction_and_per_question():
    assert Load(words=400, interactions=2, questions=3).minutes == pytest.approx(7.0)
    assert (Load(100, 1, 0) + Load(300, 0, 2)) == Load(400, 1, 2)


def test_the_counter_skips_markup_and_splits_folded_boxes_from_shown_text():
    text = ("Shown [here](https://example.org) and <b>here</b>.\n\n<details><summary>Go deeper: more</summary>\n\n"
            "Hidden <details>nested</details> words.\n\n</details>\n\n<!-- a note --> Shown again ![alt](a.png) - ok"
            "\n\n<details><summary>References (2 sources)</summary>\n\n- A reference list.\n\n</details>")
    shown, folded = reading_time.split_details(text)
    assert reading_time.words(shown) == 7
    assert reading_time.words(folded) == 6  # "Go deeper: more Hidden nested words."; the reference list is not read


def test_optional_parts_run_from_their_heading_to_the_next_core_heading():
    notebook = _notebook(
        ("md", "# Title\n\none two three"),
        ("md", "## Go deeper: detail\n\nfour five"),
        ("md", "### A sub-heading inside it\n\nsix"),
        ("md", "## Back in the core\n\nseven"),
        ("md", "## Practice\n\neight"),
        ("md", "## References\n\n<details><summary>References (1 source)</summary>\n\n- Someone.\n\n</details>"))
    found = reading_time.notebook_time(notebook)
    # Core: "Title one two three" + "Back in the core seven" + "References"; the rest is optional.
    assert found.core == Load(words=10)
    assert found.optional == Load(words=12)


def test_questions_shown_by_id_count_a_minute_each_with_their_words():
    ids = ["map-order", "widgets-need-kernel"]
    notebook = _notebook(("md", "# T"), ("code", f'selfcheck.show_questions("00_start_here", ids={ids!r})'),
                         ("md", "## Practice"), ("code", 'selfcheck.show_exercise("00_start_here", "half-way")'))
    found = reading_time.notebook_time(notebook)
    assert found.core.questions == 2 and found.optional.questions == 1
    check = quiz.load("00_start_here")
    prompts = sum(reading_time.words(check.question(item).prompt) for item in ids)
    assert found.core.words > prompts + 1


def test_a_case_counts_the_text_of_its_concordant_path_and_a_minute_per_decision():
    case = cases.load("cauda-equina")
    path = cases.concordant_path(case)
    load = reading_time.case_load("cauda-equina")
    assert load.interactions == len(path) - 1 and load.questions == 0
    assert load.words > sum(reading_time.words(node.text) for node in path)
    notebook = _notebook(("md", "# T"), ("code", 'CasePlayer("cauda-equina")'))
    assert reading_time.notebook_time(notebook).core == load + Load(words=1)


def test_a_widget_output_is_one_interaction_and_a_still_figure_none():
    notebook = _notebook(("md", "# T"), ("code", "a"), ("code", "b"))
    notebook.cells[1].outputs = [nbformat.v4.new_output("execute_result", data={
        "text/plain": "[Interactive figure] A curve."})]
    notebook.cells[2].outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "[Figure] A chart."})]
    assert reading_time.notebook_time(notebook).core == Load(words=8, interactions=1)


def test_the_stamp_goes_under_the_title_once_and_is_not_counted():
    notebook = _notebook(("md", "# Title\n\nIntro words here."), ("md", "## Practice\n\nmore words"))
    once = reading_time.stamped(notebook)
    first = once.cells[0].source
    assert first.startswith("# Title\n\n**Core: about 0 minutes · with practice: about 0 minutes**\n\nIntro")
    assert reading_time.stamped(once).cells[0].source == first
    assert reading_time.notebook_time(once) == reading_time.notebook_time(_notebook(
        ("md", "# Title\n\nIntro words here."), ("md", "## Practice\n\nmore words")))


def test_the_stamp_takes_its_words_from_the_data_and_replaces_the_line_it_wrote(monkeypatch):
    data = {section: dict(fields) for section, fields in datafile.load("wording").items()}
    data["reading_time"]["stamp"] = "*About {core} minutes; {full} with practice.*"
    monkeypatch.setattr(wording, "_data", lambda: data)
    monkeypatch.setattr(reading_time, "_stamp", cache(reading_time._stamp.__wrapped__))
    notebook = _notebook(("md", "# Title\n\nIntro words here."), ("md", "## Practice\n\nmore words"))
    once = reading_time.stamped(notebook).cells[0].source
    assert once == "# Title\n\n*About 0 minutes; 0 with practice.*\n\nIntro words here."
    notebook.cells[0].source = once.replace("Intro words here.", "Intro words here. " + "word " * 400)
    assert reading_time.stamped(notebook).cells[0].source.startswith(
        "# Title\n\n*About 2 minutes; 2 with practice.*\n\nIntro")


# --- the shipped notebooks --------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_the_core_fits_20_minutes(path):
    found = reading_time.read(path)
    assert found.core.minutes <= reading_time.MAX_CORE_MINUTES, (
        f"{path.name}: core {found.core.minutes:.1f} minutes ({found.core}); move detail into Go deeper, "
        "Practice or For the clinic")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_the_top_states_the_times_the_function_computes(path):
    notebook = _read(path)
    first = next(cell for cell in notebook.cells if cell.cell_type == "markdown")
    expected = reading_time.notebook_time(notebook).stamp()
    assert first.source.splitlines()[2] == expected, f"{path.name}: run the rebuild to restate its times"


@pytest.mark.parametrize("path", [path for path in NOTEBOOKS], ids=lambda path: path.stem)
def test_the_core_asks_3_to_5_questions_and_practice_the_rest_each_once(path):
    notebook = _read(path)
    name = path.stem
    check = quiz.load(name)
    shown: list[str] = []
    core_questions = 0
    for cell, optional in _self_check_cells(notebook):
        for call, args, keywords in reading_time._calls(cell.source):
            if call == "show_questions":
                ids = keywords.get("ids")
                assert ids is not None, f"{name}: show the questions by id, each after the idea it tests"
                shown += ids
                core_questions += 0 if optional else len(ids)
            elif call == "show_exercise":
                assert optional, f"{name}: exercise {args[1]!r} belongs in the Practice part"
    assert 3 <= core_questions <= 5, f"{name}: {core_questions} questions in the core"
    assert sorted(shown) == sorted(question.id for question in check.questions), f"{name}: each question once"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_core_questions_sit_between_ideas_not_all_at_the_end(path):
    notebook = _read(path)
    core = [(part, optional) for part, optional in reading_time.segments(notebook) if not optional]
    places = [number for number, (part, _) in enumerate(core)
              if not isinstance(part, str) and "show_questions" in part.source]
    assert len(places) >= 2 or path.stem.startswith("06"), f"{path.name}: one block of questions only"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_the_notebook_ends_with_a_practice_part_before_its_references(path):
    headings = [line for cell in _read(path).cells if cell.cell_type == "markdown"
                for line in cell.source.splitlines() if line.startswith("## ")]
    practice = [number for number, heading in enumerate(headings) if heading.startswith("## Practice")]
    assert len(practice) == 1, path.name
    # After Practice only the course's closing sections: no new content.
    assert set(headings[practice[0] + 1:]) <= {"## Your progress", "## Licence", "## References"}, path.name


@pytest.mark.parametrize("path", [path for path in NOTEBOOKS if not path.stem.startswith("00")],
                         ids=lambda path: path.stem)
def test_one_or_two_think_prompts_for_pairs_in_the_core(path):
    prompts = [part for part, optional in reading_time.segments(_read(path))
               if isinstance(part, str) and not optional and "**Think!**" in part]
    assert 1 <= len(prompts) <= 2, path.name


def test_start_here_explains_the_optional_parts_once():
    start = next(path for path in NOTEBOOKS if path.stem.startswith("00"))
    text = " ".join(cell.source for cell in _read(start).cells if cell.cell_type == "markdown")
    for part in reading_time.OPTIONAL_PARTS:
        assert f"**{part}**" in text
    assert "Think!" in text and "Core: about N minutes" in text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_go_deeper_sections_are_well_formed(path):
    for cell in _read(path).cells:
        if cell.cell_type != "markdown":
            continue
        source = cell.source
        assert source.lower().count("<details") == source.lower().count("</details>"), cell.source[:80]
        for summary in re.finditer(r"</summary>(.*?)(?=\S)", source, re.DOTALL):
            # JupyterLab renders Markdown inside <details> only after a blank line.
            assert summary.group(1).count("\n") >= 2, f"no blank line after <summary> in {path.name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_code_cells_are_collapsed_by_default(path):
    for cell in _read(path).cells:
        if cell.cell_type == "code":
            assert cell.metadata.get("jupyter", {}).get("source_hidden") is True, cell.source[:80]


def test_start_here_says_how_to_show_the_code():
    start = next(path for path in NOTEBOOKS if path.stem.startswith("00"))
    text = " ".join(cell.source for cell in _read(start).cells if cell.cell_type == "markdown")
    assert "Expand All Code" in text or "Expand all code" in text
