"""Each notebook's reference list, computed from what the notebook cites, and written into it.

A notebook cites sources in three ways, all read here without running it:

- its Markdown, in author-year form (``Hides et al. (1996)``; :func:`spinelab.course.references.keys_in`);
- the functions and widgets its code cells call, each of which declares with
  :func:`spinelab.course.references.shows` every source it can show, after any click (a widget that declares
  nothing is an error: its sources would be missed);
- through those declarations, its self-check file and case files (``show_questions("01_muscle_layers")``,
  ``CasePlayer("warehouse")``).

The list is a Markdown cell tagged ``references`` after the ``## References`` heading. ``python -m
spinelab.publish.reference_lists notebooks/*.ipynb`` rewrites it in each notebook (``make notebooks`` runs it);
``--check`` only reports the notebooks whose list is out of date.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import inspect
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import nbformat

from spinelab.course import references
from spinelab.course.display import Displayable

#: The tag of the generated reference-list cell.
TAG = "references"
HEADING = "## References"


class UndeclaredWidgetError(LookupError):
    """A notebook shows a widget that does not declare which sources it can show."""


def _resolve(name: str, modules: dict[str, str]) -> object | None:
    """The spinelab object a dotted name in a code cell stands for, given the cell's imports; None if none."""
    head, *rest = name.split(".")
    if head not in modules:
        return None
    path = modules[head]
    target: object
    try:
        target = importlib.import_module(path)
    except ModuleNotFoundError:  # ``from module import function``
        module, _, attribute = path.rpartition(".")
        target = getattr(importlib.import_module(module), attribute)
    for attribute in rest:
        target = getattr(target, attribute, None)
        if target is None:
            return None
    return target


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and (base := _dotted(node.value)) is not None:
        return f"{base}.{node.attr}"
    return None


def _literal(node: ast.expr, call: str) -> object:
    try:
        return ast.literal_eval(node)
    except ValueError:
        raise ValueError(f"{call}: its sources depend on an argument that is not a literal "
                         f"({ast.unparse(node)}); write the value in the call") from None


def code_keys(sources: Iterable[str]) -> Iterator[str]:
    """Citation keys the calls in these code cells can show, in call order (with repeats).

    Raises
    ------
    UndeclaredWidgetError
        If a call makes a spinelab widget (a :class:`Displayable`) that declares no sources.
    ValueError
        If a declaration needs an argument that the cell does not give as a literal.
    """
    modules: dict[str, str] = {}
    for source in sources:
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):  # ``import a.b`` binds ``a``; ``import a.b as c`` binds ``a.b``
                modules.update({alias.asname: alias.name for alias in node.names if alias.asname})
                modules.update({alias.name.split(".")[0]: alias.name.split(".")[0] for alias in node.names
                                if not alias.asname})
            elif isinstance(node, ast.ImportFrom) and node.module:
                modules.update({alias.asname or alias.name: f"{node.module}.{alias.name}" for alias in node.names})
        modules = {name: path for name, path in modules.items() if path.split(".")[0] == "spinelab"}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or (name := _dotted(node.func)) is None:
                continue
            target = _resolve(name, modules)
            if target is None:
                continue
            declaration = getattr(target, references.CITES_ATTRIBUTE, None)
            if declaration is None:
                if isinstance(target, type) and issubclass(target, Displayable):
                    raise UndeclaredWidgetError(f"{target.__module__}.{target.__qualname__} declares no sources: "
                                                "decorate it with spinelab.course.references.shows")
                continue
            if not inspect.signature(declaration).parameters:
                yield from references.declared(target) or ()
                continue
            args = [_literal(arg, name) for arg in node.args]
            kwargs = {item.arg: _literal(item.value, name) for item in node.keywords if item.arg}
            yield from references.declared(target, *args, **kwargs) or ()


def _is_list(cell: dict) -> bool:
    return TAG in cell.get("metadata", {}).get("tags", [])


def cited(notebook: nbformat.NotebookNode) -> tuple[str, ...]:
    """Every key a notebook cites (Markdown and code, the reference list itself left out), without repeats."""
    cells = [cell for cell in notebook.cells if not _is_list(cell)]
    markdown = "\n".join(cell.source for cell in cells if cell.cell_type == "markdown")
    code = [cell.source for cell in cells if cell.cell_type == "code"]
    return tuple(dict.fromkeys([*references.keys_in(markdown), *code_keys(code)]))


def with_list(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook with its reference-list cell (after the ``## References`` heading) set to what it cites.

    Raises
    ------
    ValueError
        If the notebook has no ``## References`` heading cell.
    """
    text = str(references.reference_list(cited(notebook)))
    cells = [cell for cell in notebook.cells if not _is_list(cell)]
    try:
        heading = next(number for number, cell in enumerate(cells)
                       if cell.cell_type == "markdown" and cell.source.startswith(HEADING))
    except StopIteration:
        raise ValueError(f"the notebook has no Markdown cell starting {HEADING!r}") from None
    existing = next((cell for cell in notebook.cells if _is_list(cell)), None)
    if existing is not None and existing.source == text:
        return notebook
    made = nbformat.v4.new_markdown_cell(text, metadata={"slideshow": {"slide_type": "-"}, "tags": [TAG]})
    if existing is not None:
        made.id = existing.id
    updated = nbformat.from_dict(notebook)
    updated.cells = [*cells[:heading + 1], made, *cells[heading + 1:]]
    return updated


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check``, check) the reference list of each notebook given."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="report out-of-date lists, write nothing")
    options = parser.parse_args(argv)
    stale = []
    for path in options.notebooks:
        notebook = nbformat.read(path, as_version=4)
        updated = with_list(notebook)
        if updated is notebook:
            continue
        stale.append(path)
        if not options.check:
            nbformat.write(updated, path)
    for path in stale:
        print(f"{path}: reference list {'out of date' if options.check else 'written'}")
    return 1 if options.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
