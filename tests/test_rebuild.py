"""``make notebooks`` (spinelab.publish.rebuild): re-executed notebooks are stored without run metadata, and a
second run on unchanged sources changes no byte."""

import nbformat

from spinelab.publish import rebuild, reference_lists


def _notebook(path):
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    notebook.cells = [nbformat.v4.new_markdown_cell("As Bogduk 1980 showed."),
                      nbformat.v4.new_code_cell("import random\n\nprint(random.Random(7).random())"),
                      nbformat.v4.new_markdown_cell(reference_lists.HEADING)]
    nbformat.write(notebook, path)


def test_a_rebuild_executes_writes_the_list_strips_run_metadata_and_is_stable(tmp_path):
    path = tmp_path / "07_scratch.ipynb"
    _notebook(path)
    assert rebuild.rebuild(path)
    first = path.read_bytes()
    notebook = nbformat.read(path, as_version=4)
    assert "widgets" not in notebook.metadata
    assert all("execution" not in cell.metadata for cell in notebook.cells)
    assert notebook.cells[1].outputs[0]["text"].startswith("0.")
    assert "Bogduk N" in notebook.cells[-1].source
    assert not rebuild.rebuild(path)
    assert path.read_bytes() == first


def test_strip_removes_timestamps_and_widget_state_only():
    notebook = nbformat.v4.new_notebook()
    notebook.metadata.update(widgets={}, language_info={"name": "python"})
    cell = nbformat.v4.new_code_cell("1", metadata={"execution": {"iopub.status.idle": "2026-01-01T00:00:00Z"},
                                                    "tags": ["keep"]})
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        rebuild.WIDGET_VIEW: {"model_id": "5a1f", "version_major": 2, "version_minor": 0}, "text/plain": "[Slider]"})]
    notebook.cells = [cell]
    rebuild.strip(notebook)
    assert notebook.metadata == {"language_info": {"name": "python"}} and cell.metadata == {"tags": ["keep"]}
    assert cell.outputs[0]["data"] == {"text/plain": "[Slider]"}
