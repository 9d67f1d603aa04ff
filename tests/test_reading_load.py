"""Each notebook's main path reads in about 20 minutes: at most ``MAX_WORDS`` words shown by default.

What counts, per notebook (the *main path*: what a student reads without opening anything):

* **Markdown cells**, outside ``<details>…</details>`` blocks (the "Go deeper" sections stay closed until a
  student opens them, so their text does not count). HTML comments, tags, image alt texts and link targets are
  not words on the screen; link texts, headings, list items, tables and maths are.
* **Code-cell outputs**, one representation each, as JupyterLab shows it: ``stream`` text (stdout, stderr);
  ``text/markdown`` when an output has it, otherwise ``text/plain`` (a widget's ``text/plain`` line stands for the
  caption and readout it shows).
* **Self-checks**: a self-check output stores a one-line summary; the widget shows every question's vignette,
  prompt and choices, and each exercise's title and prompt, so those are counted instead (feedback, explanations
  and solutions appear only after an answer, and do not count).

Code itself is not counted: code cells are collapsed by default (``"jupyter": {"source_hidden": true}``), which
is also checked here.

A word is a whitespace-separated token with at least one letter or digit. At about 150 words a minute for
careful reading of technical text, 3,000 words are 20 minutes.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from spinelab.course import quiz
from spinelab.publish.notebooks import course_notebooks

NOTEBOOKS = course_notebooks()
MAX_WORDS = 3_000

_DETAILS = re.compile(r"<details\b|</details\s*>", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[^\W_]")
_SELF_CHECK = re.compile(r"selfcheck\.show_(questions|exercise)\(\s*\"([^\"]+)\"(?:\s*,\s*\"([^\"]+)\")?")


def outside_details(markdown: str) -> str:
    """``markdown`` without its ``<details>`` blocks (nested ones included)."""
    kept, depth, start = [], 0, 0
    for match in _DETAILS.finditer(markdown):
        opening = match.group(0).lower().startswith("<details")
        if opening:
            if depth == 0:
                kept.append(markdown[start:match.start()])
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                start = match.end()
    if depth == 0:
        kept.append(markdown[start:])
    return "".join(kept)


def words(text: str) -> int:
    """Words shown by ``text`` (Markdown or plain text)."""
    text = _COMMENT.sub(" ", text)
    text = _IMAGE.sub(" ", text)
    text = _LINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    return sum(1 for token in text.split() if _WORD.search(token))


def _self_check_text(source: str) -> str | None:
    """The text a self-check cell's widgets show before any answer, or None if the cell shows none."""
    match = _SELF_CHECK.search(source)
    if not match:
        return None
    kind, name, item = match.groups()
    check = quiz.load(name)
    if kind == "exercise":
        exercise = next(exercise for exercise in check.exercises if exercise.id == item)
        return f"Exercise: {exercise.title}\n\n{exercise.prompt}"
    parts = []
    for number, question in enumerate(check.questions, start=1):
        parts += [question.vignette or "", f"Question {number}. {question.prompt}"]
        parts += [choice.text for choice in question.shown_choices]
        parts.append(question.unit)
    return "\n".join(parts)


def _output_text(output: nbformat.NotebookNode) -> str:
    if output.output_type == "stream":
        return output.text
    data = output.get("data", {})
    if data.get("text/markdown"):
        # Rendered Markdown: its <details> sections stay closed until a student opens them.
        return outside_details(data["text/markdown"])
    return data.get("text/plain", "")


def main_path_words(path: Path) -> dict[str, int]:
    """Words on a notebook's main path, by where they come from: markdown, outputs and self-checks."""
    notebook = nbformat.read(path, as_version=4)
    counts = {"markdown": 0, "outputs": 0, "self-checks": 0}
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            counts["markdown"] += words(outside_details(cell.source))
        elif cell.cell_type == "code":
            shown = _self_check_text(cell.source)
            if shown is not None:
                counts["self-checks"] += words(shown)
                continue
            counts["outputs"] += sum(words(_output_text(output)) for output in cell.outputs)
    return counts


def test_the_counter_skips_go_deeper_sections_and_markup():
    text = ("Shown [here](https://example.org) and <b>here</b>.\n\n<details><summary>Go deeper: more</summary>\n\n"
            "Hidden <details>nested</details> words.\n\n</details>\n\n<!-- a note --> Shown again ![alt](a.png) - ok")
    assert words(outside_details(text)) == 7


def test_the_counter_skips_collapsed_sections_in_markdown_outputs():
    output = nbformat.v4.new_output("execute_result", data={
        "text/markdown": "Shown line.\n\n<details><summary>References (2 sources)</summary>\n\n- Hidden one.\n"
                         "- Hidden two.\n\n</details>",
        "text/plain": "Shown line. <details><summary>References (2 sources)</summary> - Hidden one. - Hidden two."})
    assert words(_output_text(output)) == 2
    assert words(_output_text(nbformat.v4.new_output("stream", text="plain <details> words"))) == 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_main_path_is_at_most_3000_words(path):
    counts = main_path_words(path)
    total = sum(counts.values())
    assert total <= MAX_WORDS, f"{path.name}: {total} words on the main path ({counts}); move detail into Go deeper"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_go_deeper_sections_are_well_formed(path):
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "markdown":
            continue
        source = cell.source
        assert source.lower().count("<details") == source.lower().count("</details>"), cell.source[:80]
        for summary in re.finditer(r"</summary>(.*?)(?=\S)", source, re.DOTALL):
            # JupyterLab renders Markdown inside <details> only after a blank line.
            assert summary.group(1).count("\n") >= 2, f"no blank line after <summary> in {path.name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_code_cells_are_collapsed_by_default(path):
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            assert cell.metadata.get("jupyter", {}).get("source_hidden") is True, cell.source[:80]


def test_start_here_says_how_to_show_the_code():
    start = next(path for path in NOTEBOOKS if path.stem.startswith("00"))
    text = " ".join(cell.source for cell in nbformat.read(start, as_version=4).cells if cell.cell_type == "markdown")
    assert "Expand All Code" in text or "Expand all code" in text
