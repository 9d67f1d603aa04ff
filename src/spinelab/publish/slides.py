"""Export the topic notebooks as reveal.js slide decks that open from disk with no network.

Slide boundaries come from each cell's ``slideshow.slide_type`` metadata. Cells
without it get a default from their heading (see :func:`default_slide_type`), and
:func:`tag` writes those defaults into a notebook so authors can adjust them.

The decks are executed in static mode (``SPINELAB_STATIC=1``): figures are PNG
images and quizzes are listed as questions, so no widget manager, CDN or kernel
is needed to show them. reveal.js, require.js, jQuery and MathJax are copied
next to the decks from the npm packages unpacked in ``vendor``.
"""

from __future__ import annotations

import argparse
import shutil
from importlib import resources
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter
from nbconvert.preprocessors import ExecutePreprocessor

from spinelab.course import settings
from spinelab.publish.licence import CONTENT_LICENCE
from spinelab.publish.notebooks import FOLDER, topic_notebooks
from spinelab.publish.outputs import OutputFolderError, claim_folder, refuse

#: The name the decks mark their folder with.
TOOL = "slides"

#: npm packages the decks need, and the files used from each.
VENDOR_FILES = {
    "reveal.js": ("dist", "plugin"),
    "requirejs": ("require.js",),
    "jquery": ("dist/jquery.min.js",),
    # MathJax 2 typesets the notebooks' LaTeX; only the CommonHTML output and its web fonts are needed.
    "mathjax": (
        "MathJax.js", "config/TeX-AMS_CHTML-full.js", "extensions", "jax/input/TeX", "jax/output/CommonHTML",
        "jax/element", "localization/en", "fonts/HTML-CSS/TeX/woff",
    ),
}


def default_slide_type(cell: nbformat.NotebookNode) -> str:
    """Slide type for a cell without one: ``#``/``##`` headings start a slide, ``###`` a sub-slide.

    The first code cell (the set-up call) is skipped; everything else continues the current slide.
    """
    source = cell.source.lstrip()
    if cell.cell_type == "markdown":
        if source.startswith(("# ", "## ")):
            return "slide"
        if source.startswith("### "):
            return "subslide"
    if cell.cell_type == "code" and "spinelab.setup()" in source:
        return "skip"
    return "-"


def tag(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Give every cell without a slide type its default one (in place); return the notebook."""
    for cell in notebook.cells:
        cell.metadata.setdefault("slideshow", {"slide_type": default_slide_type(cell)})
    return notebook


def slide_count(notebook: nbformat.NotebookNode) -> int:
    """Number of slides (slides and sub-slides) the deck will have."""
    return sum(
        cell.metadata.get("slideshow", {}).get("slide_type", default_slide_type(cell)) in {"slide", "subslide"}
        for cell in notebook.cells
    )


def export(notebook_path: Path, out_dir: Path, timeout: int = 120) -> Path:
    """Execute a notebook in static mode and write its offline slide deck.

    Parameters
    ----------
    notebook_path : Path
        The notebook to export.
    out_dir : Path
        Folder for the deck, new, empty or already the decks' own; the ``vendor`` scripts must be (or be put) there.
    timeout : int
        Seconds allowed per cell.

    Returns
    -------
    Path
        The written ``.slides.html`` file.

    Raises
    ------
    OutputFolderError
        If ``out_dir`` holds files the slides tool did not write (checked before the notebook runs).
    """
    claim_folder(out_dir, TOOL)
    notebook = tag(nbformat.read(notebook_path, as_version=4))
    executor = ExecutePreprocessor(timeout=timeout, kernel_name="python3", store_widget_state=False)
    with settings.overridden({settings.STATIC: "1"}):  # the kernel inherits it; this process gets its own back
        executor.preprocess(notebook, {"metadata": {"path": str(notebook_path.parent)}})
    notebook.metadata.pop("widgets", None)
    exporter = SlidesExporter(
        extra_template_basedirs=[str(resources.files("spinelab").joinpath("templates"))],
        template_name="spinelab_reveal",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        reveal_url_prefix="vendor/reveal.js",
        require_js_url="vendor/requirejs/require.js",
        jquery_url="vendor/jquery/dist/jquery.min.js",
        mathjax_url="vendor/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
        font_awesome_url="",
        reveal_theme="white",
        reveal_scroll=True,
    )
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": notebook_path.stem},
                                                                      "spinelab_licence": CONTENT_LICENCE})
    target = out_dir / f"{notebook_path.stem}.slides.html"
    target.write_text(body, encoding="utf-8")
    return target


def copy_vendor(unpacked: Path, out_dir: Path) -> None:
    """Copy the needed files of unpacked npm packages (``<unpacked>/<name>/package``) to ``out_dir/vendor``.

    ``out_dir`` must be new, empty or already the decks' own (:func:`spinelab.publish.outputs.claim_folder`).
    """
    claim_folder(out_dir, TOOL)
    for name, parts in VENDOR_FILES.items():
        for part in parts:
            source = unpacked / name / "package" / part
            target = out_dir / "vendor" / name / part
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, target, dirs_exist_ok=True)
            else:
                shutil.copy2(source, target)


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python -m spinelab.publish.slides OUT_DIR VENDOR_DIR [NOTEBOOK...]``.

    Without notebooks, every topic notebook of ``--folder`` (``notebooks/``) gets a deck.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("vendor_dir", type=Path, help="folder with the unpacked npm packages")
    parser.add_argument("notebooks", type=Path, nargs="*", help="default: every topic notebook of --folder")
    parser.add_argument("--folder", type=Path, default=FOLDER, help="the course's notebook folder")
    args = parser.parse_args(argv)
    try:
        copy_vendor(args.vendor_dir, args.out_dir)
    except OutputFolderError as error:
        refuse("slides", error)
    for path in args.notebooks or topic_notebooks(args.folder):
        deck = export(path, args.out_dir)
        print(f"{deck} ({slide_count(tag(nbformat.read(path, as_version=4)))} slides)")


if __name__ == "__main__":
    main()
