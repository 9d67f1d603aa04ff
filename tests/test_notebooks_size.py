"""The committed notebooks stay small: outputs only, no stored widget state (``make notebooks`` leaves it out).

Widget state was most of each file and nbval never compares it. What must stay is each interactive figure's
PNG fallback in its output, which GitHub and exports show.
"""


import nbformat
import pytest

from spinelab.publish.notebooks import course_notebooks

NOTEBOOKS = course_notebooks()
MAX_BYTES = 400_000
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _outputs(notebook: nbformat.NotebookNode) -> list[dict]:
    return [output.get("data", {}) for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_is_small_and_stores_no_widget_state(path):
    keys = sorted(nbformat.read(path, as_version=4).metadata)
    assert "widgets" not in keys, "widget state stored: run make notebooks"
    size = path.stat().st_size
    assert size < MAX_BYTES, f"{path.name} is {size / 1000:.0f} kB"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_every_interactive_figure_keeps_its_png_fallback(path):
    outputs = _outputs(nbformat.read(path, as_version=4))
    assert not any(WIDGET_VIEW in data for data in outputs), "widget model ids stored: run make notebooks"
    figures = [data for data in outputs if data.get("text/plain", "").startswith("[Interactive figure]")]
    assert figures, "no interactive figure in the outputs: is the notebook executed?"
    for data in figures:
        assert data.get("image/png"), f"no PNG fallback for {data['text/plain'][:60]!r}"
