from pathlib import Path

import nbformat
import pytest

from spinelab.publish import slides
from spinelab.publish.notebooks import topic_notebooks

ROOT = Path(__file__).resolve().parents[1]
TOPIC_NOTEBOOKS = topic_notebooks()


def _cell(kind: str, source: str) -> nbformat.NotebookNode:
    maker = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
    return maker(source)


@pytest.mark.parametrize(
    ("kind", "source", "expected"),
    [
        ("markdown", "# Title", "slide"),
        ("markdown", "## Section", "slide"),
        ("markdown", "### Part", "subslide"),
        ("markdown", "Plain text", "-"),
        ("code", "import spinelab\nspinelab.setup()", "skip"),
        ("code", "show_figure()", "-"),
    ],
)
def test_default_slide_types_follow_headings(kind, source, expected):
    assert slides.default_slide_type(_cell(kind, source)) == expected


def test_tag_keeps_an_authors_choice():
    notebook = nbformat.v4.new_notebook(cells=[_cell("markdown", "## A"), _cell("markdown", "text")])
    notebook.cells[1].metadata["slideshow"] = {"slide_type": "slide"}
    slides.tag(notebook)
    assert [cell.metadata.slideshow["slide_type"] for cell in notebook.cells] == ["slide", "slide"]
    assert slides.slide_count(notebook) == 2


@pytest.mark.parametrize("path", TOPIC_NOTEBOOKS, ids=lambda path: path.stem)
def test_each_topic_deck_tells_its_story_in_10_to_15_slides(path):
    assert 10 <= slides.slide_count(nbformat.read(path, as_version=4)) <= 15
