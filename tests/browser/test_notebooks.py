"""Every notebook, opened in real headless Chromium, in JupyterLab and in Voila (present mode).

For each: all cells run, no error output appears, every widget view renders, a
slider move changes the figure, and a screenshot is saved in build/screenshots/.
"""

from __future__ import annotations

import statistics
import time

import pytest
from conftest import NOTEBOOKS, TOKEN

ERROR_OUTPUTS = (
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], '
    ".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']"
)
WIDGET_OUTPUTS = ".jp-OutputArea-output.jupyter-widgets, .jp-OutputArea-output > .jupyter-widgets"
SLIDER_HANDLE = ".widget-slider .noUi-handle"
FIGURE_IMAGES = ".widget-image"
CELL_TIMEOUT_MS = 120_000


def _image_sources(page) -> list[str]:
    return page.eval_on_selector_all(FIGURE_IMAGES, "images => images.map(image => image.src)")


def _check_rendered(page) -> None:
    errors = page.locator(ERROR_OUTPUTS)
    assert errors.count() == 0, errors.first.inner_text()
    assert page.locator(".jupyter-widgets-error-widget").count() == 0, "a widget failed to render"
    assert page.locator(WIDGET_OUTPUTS).count() > 0
    # Widget views render asynchronously after their cell finishes: wait until every one has a size.
    page.wait_for_function(
        f"""() => Array.from(document.querySelectorAll('{WIDGET_OUTPUTS}'))
                 .every(view => view.getBoundingClientRect().height > 10)""",
        timeout=30_000,
    )
    # A figure shown twice (the same image in two outputs) is a bug students would see.
    sources = _image_sources(page)
    assert len(sources) == len(set(sources)), "a figure is displayed twice"


def _move_first_slider(page, moves: int = 5) -> float:
    """Press the first slider's handle right and left; return the median ms until a figure image changed."""
    handle = page.locator(SLIDER_HANDLE).first
    handle.scroll_into_view_if_needed()
    handle.focus()
    timings = []
    for move in range(moves):
        before = _image_sources(page)
        start = time.perf_counter()
        page.keyboard.press("ArrowRight" if move % 2 == 0 else "ArrowLeft")
        page.wait_for_function(
            "before => Array.from(document.querySelectorAll('.widget-image'))"
            ".some((image, i) => image.src !== before[i])",
            arg=before,
            timeout=10_000,
        )
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_in_jupyterlab(page, lab_url, notebook, screenshots, record_property):
    # A workspace of its own, reset, so that no tab from an earlier test is open beside this notebook.
    workspace = notebook.removesuffix(".ipynb").replace("_", "-")
    page.goto(f"{lab_url}/lab/workspaces/{workspace}/tree/{notebook}?reset&token={TOKEN}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    page.wait_for_function(
        """() => {
            const prompts = Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputPrompt'));
            return prompts.length > 0 && prompts.every(prompt => /\\[\\d+\\]/.test(prompt.textContent));
        }""",
        timeout=CELL_TIMEOUT_MS,
    )
    page.wait_for_selector(FIGURE_IMAGES, timeout=30_000)
    _check_rendered(page)
    record_property("slider_to_image_ms", round(_move_first_slider(page), 1))
    page.locator(FIGURE_IMAGES).first.scroll_into_view_if_needed()
    page.screenshot(path=screenshots / f"lab-{notebook.removesuffix('.ipynb')}.png", full_page=True)


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_in_voila_present_mode(page, voila_url, notebook, screenshots, record_property):
    page.goto(f"{voila_url}/voila/render/{notebook}", timeout=CELL_TIMEOUT_MS)
    page.wait_for_selector(FIGURE_IMAGES, timeout=CELL_TIMEOUT_MS)
    page.wait_for_load_state("networkidle")
    assert "import spinelab" not in page.inner_text("body"), "code should be hidden in present mode"
    _check_rendered(page)
    record_property("slider_to_image_ms", round(_move_first_slider(page), 1))
    page.locator(FIGURE_IMAGES).first.scroll_into_view_if_needed()
    page.screenshot(path=screenshots / f"voila-{notebook.removesuffix('.ipynb')}.png", full_page=True)
