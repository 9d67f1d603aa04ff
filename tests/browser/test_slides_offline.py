"""The slide decks open from disk with the network cut off, and reveal.js takes over the page."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from conftest import ROOT

from spinelab.publish.notebooks import topic_notebooks

DECKS = sorted((ROOT / "build" / "slides").glob("*.slides.html"))
TOPICS = [path.stem for path in topic_notebooks()]


def test_every_topic_notebook_has_a_deck():
    assert sorted(deck.name.removesuffix(".slides.html") for deck in DECKS) == TOPICS, "run make slides first"


@pytest.mark.parametrize("deck", DECKS, ids=lambda path: path.stem)
def test_deck_opens_offline(page, deck: Path, screenshots):
    blocked: list[str] = []

    def only_local(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.goto(deck.as_uri())
    page.wait_for_selector(".reveal.ready", timeout=30_000)  # reveal.js marks the deck ready once initialised
    assert 10 <= page.locator(".reveal .slides section:not(:has(section))").count() <= 15  # slides and sub-slides
    notebook = nbformat.read(ROOT / "notebooks" / f"{deck.name.removesuffix('.slides.html')}.ipynb", as_version=4)
    if any(cell.cell_type == "markdown" and "$" in cell.source for cell in notebook.cells):
        page.wait_for_selector(".mjx-chtml", state="attached", timeout=30_000)  # MathJax typeset the LaTeX, offline
    assert blocked == []
    assert page.locator(".reveal .slides img").count() >= 1, "the deck should show the figures as images"
    page.screenshot(path=screenshots / f"slides-{deck.name.removesuffix('.slides.html')}.png")
