"""Notebook 01's 3D spine view in Voila (present mode), driven by the keyboard in headless Chromium (WebGL).

The view must draw (a WebGL canvas with pixels), turn when its "Turn right" button is pressed with the keyboard,
peel the abdominal wall when its check box is toggled with the space bar (the picture changes and the description
says so), and the view's controls must pass axe with no serious violation.
"""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from test_notebooks import CELL_TIMEOUT_MS

NOTEBOOK = "01_muscle_layers.ipynb"
VIEW = ".spinelab-spine3d"
DESCRIPTION = ".spinelab-spine3d-description"
# The k3d canvas has drawn something other than the white background.
DRAWN = """(canvas) => {
    const probe = document.createElement('canvas');
    probe.width = 64; probe.height = 64;
    const context = probe.getContext('2d');
    context.drawImage(canvas, 0, 0, 64, 64);
    const pixels = context.getImageData(0, 0, 64, 64).data;
    for (let i = 0; i < pixels.length; i += 4) {
        if (pixels[i] < 200 || pixels[i + 1] < 200 || pixels[i + 2] < 200) return true;
    }
    return false;
}"""


def _canvas(page):
    canvas = page.locator(f"{VIEW} canvas").first
    canvas.wait_for(state="visible", timeout=CELL_TIMEOUT_MS)
    page.wait_for_function(f"() => ({DRAWN})(document.querySelector('{VIEW} canvas'))", timeout=30_000)
    return canvas


def _open(page, voila_url):
    page.goto(f"{voila_url}/voila/render/{NOTEBOOK}", timeout=CELL_TIMEOUT_MS)
    page.wait_for_selector("#loading", state="detached", timeout=CELL_TIMEOUT_MS)
    return _canvas(page)


def test_the_view_turns_from_the_keyboard_and_a_layer_peels(page, voila_url, screenshots):
    canvas = _open(page, voila_url)
    assert page.evaluate("() => !!document.createElement('canvas').getContext('webgl2')")
    before = canvas.screenshot(path=str(screenshots / "spine3d-start.png"))
    description = page.locator(DESCRIPTION)
    assert "from behind" in description.inner_text()

    page.locator(f"{VIEW} button:has-text('Turn right')").focus()
    for _ in range(6):  # 6 x 15 degrees: a view from the right side
        page.keyboard.press("Enter")
        page.wait_for_timeout(400)
    page.wait_for_function(f"() => document.querySelector('{DESCRIPTION}').innerText.includes('right side')",
                           timeout=15_000)
    page.wait_for_timeout(3000)
    turned = canvas.screenshot(path=str(screenshots / "spine3d-turned.png"))
    assert turned != before

    box = page.get_by_role("checkbox", name="Show the abdominal wall layer")
    box.focus()
    page.keyboard.press("Space")
    page.wait_for_function(f"() => !document.querySelector('{DESCRIPTION}').innerText.includes('abdominal wall')",
                           timeout=15_000)
    page.wait_for_timeout(500)
    peeled = canvas.screenshot(path=str(screenshots / "spine3d-peeled.png"))
    assert peeled != turned
    live = page.locator(f"{VIEW} .spinelab-live[aria-live='polite']")
    assert "abdominal wall" not in live.inner_text()


def test_the_3d_view_has_no_serious_axe_violation(page, voila_url):
    _open(page, voila_url)
    results = Axe().run(page, context={"include": [[VIEW]]})
    serious = [f"{v['id']}: {v['nodes'][0]['html'][:120]}" for v in results.response["violations"]
               if v.get("impact") in {"critical", "serious"}]
    assert not serious, "; ".join(serious)
