"""axe-core (bundled by axe-playwright-python, no CDN) on every notebook in JupyterLab and Voila present mode.

The run is scoped to the notebook's content: in JupyterLab the cells' input prompts and editors, toolbars and
the rest of JupyterLab's own chrome (not ours) are excluded; in Voila the rendered cells. No critical or serious
violation is allowed; their rule ids are reported. A slider move must change the figure's polite live region, also
when the accessibility helper's module loads too late for anywidget.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import NOTEBOOKS
from test_notebooks import CELL_TIMEOUT_MS, FIGURE_IMAGES, VIEWS_RENDERED, run_in_lab

# JupyterLab UI, not the course's content: prompts, code editors, cell toolbars and collapsers. Only the cells are
# checked: the notebook viewport itself (.jp-WindowedPanel-viewport) fails aria-required-children in JupyterLab.
LAB_UI_EXCLUDED = [[".jp-InputArea"], [".jp-cell-toolbar"], [".jp-Collapser"], [".jp-OutputPrompt"],
                   [".jp-InputPrompt"], [".jp-cell-menu"]]
SERIOUS = {"critical", "serious"}
LIVE = ".spinelab-live[aria-live='polite']"


def _violations(page, context: dict) -> list[str]:
    results = Axe().run(page, context=context)
    found = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
    return [f"{v['id']} ({v['impact']}, {len(v['nodes'])}x: {v['nodes'][0]['target']} {v['nodes'][0]['html'][:120]})"
            for v in found]


def _open_lab(page, lab_url: str, notebook: str) -> None:
    run_in_lab(page, lab_url, notebook, "a11y-" + notebook.removesuffix(".ipynb").replace("_", "-"))
    page.wait_for_function(VIEWS_RENDERED, timeout=30_000)


def _open_voila(page, voila_url: str, notebook: str) -> None:
    page.goto(f"{voila_url}/voila/render/{notebook}", timeout=CELL_TIMEOUT_MS)
    page.wait_for_selector("#loading", state="detached", timeout=CELL_TIMEOUT_MS)
    page.wait_for_selector("#rendered_cells", state="visible", timeout=CELL_TIMEOUT_MS)
    page.wait_for_selector(FIGURE_IMAGES, timeout=CELL_TIMEOUT_MS)
    page.wait_for_function(VIEWS_RENDERED, timeout=30_000)


# The helper has named every figure image and slider handle in the page.
NAMED = """() => Array.from(document.querySelectorAll('img.widget-image')).every(i => i.alt)
    && Array.from(document.querySelectorAll('.widget-slider [role=slider]')).every(h => h.getAttribute('aria-label'))"""


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_no_serious_axe_violation_in_jupyterlab(page, lab_url, notebook):
    _open_lab(page, lab_url, notebook)
    page.wait_for_function(NAMED, timeout=10_000)
    problems = _violations(page, {"include": [[".jp-Notebook .jp-Cell"]], "exclude": LAB_UI_EXCLUDED})
    assert not problems, f"{notebook} in JupyterLab: " + "; ".join(problems)


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_no_serious_axe_violation_in_voila_present_mode(page, voila_url, notebook):
    _open_voila(page, voila_url, notebook)
    page.wait_for_function(NAMED, timeout=10_000)
    problems = _violations(page, {"include": [["#rendered_cells"]]})
    assert not problems, f"{notebook} in Voila: " + "; ".join(problems)


# Every JavaScript module the page builds from text (anywidget's, among them the accessibility helper's) is made to
# take 3 s to load: past anywidget's 2-second limit, as on a starved CPU, so that anywidget rejects their models.
LATE_MODULES = """(() => {
    const make = URL.createObjectURL;
    URL.createObjectURL = function (blob) {
        if (blob && blob.type === 'text/javascript') {
            blob = new Blob(['await new Promise(done => setTimeout(done, 3000));\\n', blob], {type: blob.type});
        }
        return make.call(this, blob);
    };
})()"""


@pytest.mark.parametrize("late", [False, True], ids=["module-in-time", "module-late"])
def test_a_slider_move_changes_the_figure_live_region(page, voila_url, late):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    if late:
        page.add_init_script(LATE_MODULES)
    _open_voila(page, voila_url, "00_start_here.ipynb")
    if late:
        page.wait_for_function(NAMED, timeout=10_000)
        assert any("Failed to initialize model" in error for error in errors), "the module was not late enough"
    handle = page.locator(".widget-slider [role=slider]").first
    output = handle.locator("xpath=ancestor::div[contains(@class, 'jp-OutputArea-output')]")
    live = output.locator(LIVE)
    assert live.count() == 1, "the figure's box has no polite live region"
    page.wait_for_function("el => el.textContent.trim().length > 0", arg=live.element_handle(), timeout=10_000)
    before = live.text_content()
    handle.scroll_into_view_if_needed()
    handle.focus()
    page.keyboard.press("ArrowRight" if float(handle.get_attribute("aria-valuenow"))
                        < float(handle.get_attribute("aria-valuemax")) else "ArrowLeft")
    page.wait_for_function("([el, before]) => el.textContent !== before", arg=[live.element_handle(), before],
                           timeout=10_000)
    assert live.text_content() != before
