"""Every notebook, opened in real headless Chromium, in JupyterLab and in Voila (present mode).

For each: all cells run, no error output appears, every widget view renders, every
slider moves (away from whichever end it starts at) and a slider in a figure changes
that figure (a notebook without sliders must still show controls: buttons, menus or
check boxes), and a screenshot is saved in build/screenshots/.

Every wait is for a condition in the page (kernel idle, prompts numbered, widget views
rendered, an image's src changed), never for a fixed time or for network quiet. The time from a key press to the
changed figure is taken in the page by the probe the benchmarks use (``benchmarks/browser_probes.py``).
"""

from __future__ import annotations

import statistics

import pytest
from browser_probes import TIMING, VIEWS_RENDERED, watch_figure
from conftest import NOTEBOOKS, TOKEN

ERROR_OUTPUTS = (
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], '
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]'
)
SLIDER_HANDLE = ".widget-slider .noUi-handle"
CONTROLS = ".widget-button, .widget-dropdown, .widget-checkbox"
FIGURE_IMAGES = ".widget-image"
KERNEL_IDLE = ".jp-Notebook-ExecutionIndicator[data-status='idle']"
NEWS_PROMPT = "Would you like to get notified about official Jupyter news?"
CELL_TIMEOUT_MS = 120_000

# True once every code cell has run: each prompt shows an execution number (none is empty or [*]).
ALL_CELLS_RUN = """() => {
    const prompts = Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputPrompt'));
    return prompts.length > 0 && prompts.every(prompt => /\\[\\d+\\]/.test(prompt.textContent));
}"""
# The slider's readout, to compare before and after a move.
SLIDER_STATE = """handle => {
    const readout = handle.closest('.widget-slider').querySelector('.widget-readout');
    return readout ? readout.textContent + readout.value : handle.getAttribute('aria-valuenow');
}"""
# True once the slider's readout has changed.
SLIDER_MOVED = f"""([handle, before]) => ({SLIDER_STATE})(handle) !== before"""
FIGURE_TIMEOUT_MS = 10_000


def _check_rendered(page) -> None:
    errors = page.locator(ERROR_OUTPUTS)
    assert errors.count() == 0, errors.first.inner_text()
    assert page.locator(".jupyter-widgets-error-widget").count() == 0, "a widget failed to render"
    # Widget views render asynchronously after their cell has run.
    page.wait_for_function(VIEWS_RENDERED, timeout=30_000)
    # A figure shown twice (the same image in two outputs) is a bug students would see.
    sources = page.eval_on_selector_all(FIGURE_IMAGES, "images => images.map(image => image.src)")
    assert sources and len(sources) == len(set(sources)), "a figure is missing or displayed twice"


def _press_and_wait(page, handle, key: str, figure_must_change: bool) -> float | None:
    """Press an arrow key on a focused slider handle and wait until it moved; if its figure must change, return the
    ms from the key press to the changed, decoded figure (the benchmarks' probe), else None."""
    before = handle.evaluate(SLIDER_STATE)
    if figure_must_change:
        handle.evaluate(watch_figure(FIGURE_TIMEOUT_MS))
    page.keyboard.press(key)
    page.wait_for_function(SLIDER_MOVED, arg=[handle, before], timeout=FIGURE_TIMEOUT_MS)
    if not figure_must_change:
        return None
    elapsed = page.evaluate("() => window.spinelabTiming.picture")
    assert elapsed is not None, f"the slider's figure did not change within {FIGURE_TIMEOUT_MS} ms"
    return elapsed


def _move_every_slider(page) -> tuple[int, float]:
    """Move each visible slider one step away from the end it starts at, then back; return how many moved.

    Every move must change the slider's readout. The first slider of each figure must also change the figure
    (a later one may legitimately not: the treatment start day does nothing while no treatment is chosen);
    the median ms from key press to the new image is returned.
    """
    timings = []
    figures_seen = set()
    page.evaluate(TIMING)
    handles = page.locator(SLIDER_HANDLE)
    moved = 0
    for index in range(handles.count()):
        locator = handles.nth(index)
        if not locator.is_visible() or locator.evaluate("h => h.closest('.noUi-target').hasAttribute('disabled')"):
            continue
        handle = locator.element_handle()
        value, top = (float(handle.get_attribute(name)) for name in ("aria-valuenow", "aria-valuemax"))
        away, back = ("ArrowLeft", "ArrowRight") if value >= top else ("ArrowRight", "ArrowLeft")
        figure = handle.evaluate(
            """handle => {
                const output = handle.closest('.jp-OutputArea-output');
                return output && output.querySelector('.widget-image')
                    ? Array.from(document.querySelectorAll('.jp-OutputArea-output')).indexOf(output) : null;
            }""")
        figure_must_change = figure is not None and figure not in figures_seen
        figures_seen.add(figure)
        handle.scroll_into_view_if_needed()
        handle.focus()
        for key in (away, back):
            elapsed = _press_and_wait(page, handle, key, figure_must_change)
            if elapsed is not None:
                timings.append(elapsed)
        moved += 1
    if moved == 0:
        assert page.locator(CONTROLS).count() > 0, "no slider to move and no other control to use"
    assert page.locator(ERROR_OUTPUTS).count() == 0, page.locator(ERROR_OUTPUTS).first.inner_text()
    return moved, statistics.median(timings) if timings else float("nan")


def _screenshot(page, screenshots, name: str) -> None:
    page.locator(FIGURE_IMAGES).first.scroll_into_view_if_needed()
    page.screenshot(path=screenshots / f"{name}.png", full_page=True)


def show_all_code(page) -> None:
    """The code opens collapsed, as students first see it; show it (View > Expand All Code) to follow each cell."""
    assert page.locator(".jp-CodeCell .jp-InputPlaceholder").count() > 0, "code cells should open collapsed"
    page.get_by_role("menuitem", name="View", exact=True).click()
    page.get_by_role("menuitem", name="Expand All Code", exact=True).click()
    page.wait_for_function("() => !document.querySelector('.jp-CodeCell .jp-InputPlaceholder')")


def run_in_lab(page, lab_url: str, notebook: str, workspace: str) -> None:
    """Open the notebook in a workspace of its own, show its code, clear its outputs and run every cell."""
    # A workspace of its own, reset, so that no tab from an earlier test is open beside this notebook.
    page.goto(f"{lab_url}/lab/workspaces/{workspace}/tree/{notebook}?reset&token={TOKEN}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_selector(KERNEL_IDLE, timeout=60_000)
    show_all_code(page)
    # Start from empty prompts, so that "every prompt numbered" can only mean this run finished.
    page.get_by_role("menuitem", name="Edit", exact=True).click()
    page.get_by_role("menuitem", name="Clear Outputs of All Cells", exact=True).click()
    page.wait_for_function("() => !document.querySelector('.jp-CodeCell .jp-OutputArea-output')")
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    page.wait_for_function(ALL_CELLS_RUN, timeout=CELL_TIMEOUT_MS)
    page.wait_for_selector(KERNEL_IDLE, timeout=CELL_TIMEOUT_MS)


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_in_jupyterlab(page, lab_url, notebook, screenshots, record_property):
    run_in_lab(page, lab_url, notebook, notebook.removesuffix(".ipynb").replace("_", "-"))
    _check_rendered(page)
    moved, median_ms = _move_every_slider(page)
    record_property("sliders_moved", moved)
    record_property("slider_to_image_ms", round(median_ms, 1))
    # The course's settings are in force: no news prompt over the notebook (it would show as the app starts).
    assert page.get_by_text(NEWS_PROMPT).count() == 0
    _screenshot(page, screenshots, f"lab-{notebook.removesuffix('.ipynb')}")


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_in_voila_present_mode(page, voila_url, notebook, screenshots, record_property):
    page.goto(f"{voila_url}/voila/render/{notebook}", timeout=CELL_TIMEOUT_MS)
    # Voila removes its spinner and shows the cells once every cell has run.
    page.wait_for_selector("#loading", state="detached", timeout=CELL_TIMEOUT_MS)
    page.wait_for_selector("#rendered_cells", state="visible", timeout=CELL_TIMEOUT_MS)
    page.wait_for_selector(FIGURE_IMAGES, timeout=CELL_TIMEOUT_MS)
    assert "import spinelab" not in page.inner_text("body"), "code should be hidden in present mode"
    _check_rendered(page)
    moved, median_ms = _move_every_slider(page)
    record_property("sliders_moved", moved)
    record_property("slider_to_image_ms", round(median_ms, 1))
    _screenshot(page, screenshots, f"voila-{notebook.removesuffix('.ipynb')}")
