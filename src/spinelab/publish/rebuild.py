"""``make notebooks``: re-execute the course notebooks in place, write their reference lists and reading times,
strip run metadata.

What is stored is what a reader needs: outputs (with each figure's PNG fallback) but no widget state, which a
running kernel recreates, and no execution timestamps, which would make every re-execution a diff of every cell.
Run twice on unchanged sources, it leaves every file byte-identical.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ExecutePreprocessor

from spinelab.publish import reading_time, reference_lists
from spinelab.publish.notebooks import course_notebooks

#: An output's reference to a live widget model: random per run, and useless without the state that is not stored.
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def strip(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove widget state, widget-model references and execution timestamps (in place); return the notebook.

    Without a model reference an output shows its static fallback (text, HTML or the figure's PNG) until the cell
    runs again.
    """
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)
    return notebook


def rebuild(path: Path, execute: bool = True, timeout: int = 600) -> bool:
    """Write the reference list, re-execute (unless ``execute`` is False), write the time line at the top
    (:func:`spinelab.publish.reading_time.stamped`, from the outputs) and strip one notebook; True if changed."""
    before = path.read_text(encoding="utf-8")
    notebook = reference_lists.with_list(nbformat.reads(before, as_version=4))
    if execute:
        ExecutePreprocessor(timeout=timeout, store_widget_state=False).preprocess(
            notebook, {"metadata": {"path": str(path.parent)}})
    after = nbformat.writes(strip(reading_time.stamped(notebook))) + "\n"
    if after == before:
        return False
    path.write_text(after, encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    """Rebuild the notebooks given (every course notebook by default)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook in notebooks/")
    parser.add_argument("--no-execute", action="store_true", help="only write reference lists and strip metadata")
    options = parser.parse_args(argv)
    for path in options.notebooks or course_notebooks():
        changed = rebuild(path, execute=not options.no_execute)
        print(f"{path}: {'rewritten' if changed else 'unchanged'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
