"""The ultrasound trainer of notebook 04, traced with real mouse clicks in Voila (present mode).

The test clicks about eight points around each side's true outline of multifidus on the simulated image,
switches side with the toggle buttons, presses "Check my tracing" and reads the feedback: the asymmetry it
reports must be close to the true one. A click off the image (on the figure's margin) and a check with too
few points must give the widget's own message in the student's words (with a warning mark), not a traceback.

Where to click is computed in this process from a trainer built under the same presenter style as the
page's: each true outline point goes through the axes' data transform to a fraction of the figure, and the
fraction times the size of the <img> in the page is where the mouse clicks. ipyevents turns the click back
into pixels of the PNG (scaled by the image's natural size), so the fractions hold at any display width.

Every wait is for a condition in the page (a message, the feedback text, a new frame loaded), never for a
fixed time.
"""

from __future__ import annotations

import re
import time

import matplotlib as mpl
import numpy as np
import pytest
from playwright.sync_api import expect

from spinelab.course import style
from spinelab.multifidus import ultrasound
from spinelab.multifidus.ultrasound_trainer import UltrasoundTrainer

NOTEBOOK = "04_measuring_multifidus.ipynb"
CASE_NUMBER = 2  # as in the notebook: UltrasoundTrainer(case_number=2)
POINTS_PER_SIDE = 8
ERROR_OUTPUTS = (
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], '
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]'
)
PAGE_TIMEOUT_MS = 120_000
WIDGET_TIMEOUT_MS = 15_000
ASYMMETRY = re.compile(r"Asymmetry: traced (?P<traced>[\d.]+) %, true (?P<true>[\d.]+) %")


@pytest.fixture(scope="module")
def targets() -> dict[str, object]:
    """Where to click: per side, the chosen true outline points as fractions of the figure (from its top left)."""
    with mpl.rc_context():
        style.use(presenter=True)  # the page runs under SPINELAB_PRESENTER=1 (see conftest.voila_url)
        trainer = UltrasoundTrainer(CASE_NUMBER)
        bbox = trainer.live.figure.bbox
        transform = trainer.live.axes[0].transData
        fractions, areas = {}, {}
        for side in ultrasound.SIDES:
            outline = trainer.case.outline(side)
            chosen = outline[np.linspace(0, len(outline), POINTS_PER_SIDE, endpoint=False).astype(int)]
            pixels = transform.transform(chosen)
            fractions[side] = [(x / bbox.width, 1 - y / bbox.height) for x, y in pixels]
            areas[side] = ultrasound.polygon_area(chosen)
        # The left margin beside the y label: on the figure, outside the image (x < 0 cm).
        x0, _ = transform.transform((0.0, 0.0))
        off_image = (0.5 * x0 / bbox.width, 0.5)
        return {
            "fractions": fractions,
            "off_image": off_image,
            "true_asymmetry": trainer.case.true_asymmetry,
            # The asymmetry of exactly these points: what a perfect click on each would give.
            "polygon_asymmetry": ultrasound.asymmetry_percent(areas["left"], areas["right"]),
        }


# The <img> shows a loaded frame, laid out: ipyevents turns a click into pixels of the PNG by dividing by the
# rendered size and multiplying by the natural size, so both must be known.
FRAME_READY = "img => img.complete && img.naturalWidth > 0 && img.getBoundingClientRect().height > 0"
# A new frame (a redraw after the click) has replaced the one shown before, and is ready.
NEW_FRAME_READY = f"([img, before]) => img.src !== before && ({FRAME_READY})(img)"


def _click(page, panel, image, fraction: tuple[float, float], expected: str, redraws: bool = True) -> None:
    """Click the image at a fraction of its rendered width and height; wait for the widget's answer.

    Pressing a button may have scrolled the page, so the whole image (smaller than the viewport) is scrolled
    into view and its box read at every click. The trainer writes its message before it redraws the figure,
    so after an accepted point the test also waits for the new frame to arrive and load: without that wait,
    about one run in twenty had the next click come back as "outside the image" (a click on a frame being
    swapped), and the test must not depend on that race.
    """
    handle = image.element_handle()
    page.wait_for_function(FRAME_READY, arg=handle, timeout=WIDGET_TIMEOUT_MS)
    before = handle.get_attribute("src")
    handle.evaluate("img => img.scrollIntoView({block: 'center', inline: 'center', behavior: 'instant'})")
    box = handle.bounding_box()
    assert box is not None, "the trainer's image is not rendered"
    x, y = box["x"] + fraction[0] * box["width"], box["y"] + fraction[1] * box["height"]
    assert handle.evaluate("(img, [x, y]) => document.elementFromPoint(x, y) === img", [x, y]), \
        f"something covers the image at {fraction}"
    page.mouse.click(x, y)
    expect(panel).to_contain_text(expected, timeout=WIDGET_TIMEOUT_MS)
    if redraws:
        page.wait_for_function(NEW_FRAME_READY, arg=[handle, before], timeout=WIDGET_TIMEOUT_MS)


def _assert_no_error_output(page) -> None:
    errors = page.locator(ERROR_OUTPUTS)
    assert errors.count() == 0, errors.first.inner_text()
    assert "Traceback" not in page.inner_text("body")


def test_tracing_both_sides_with_the_mouse_reports_the_asymmetry(page, voila_url, targets, screenshots,
                                                                 record_property):
    start = time.perf_counter()
    page.goto(f"{voila_url}/voila/render/{NOTEBOOK}", timeout=PAGE_TIMEOUT_MS)
    page.wait_for_selector("#loading", state="detached", timeout=PAGE_TIMEOUT_MS)
    loaded = time.perf_counter()

    # The trainer's panel: the innermost widget box holding both the SIMULATED caption and the check button.
    panel = (page.locator(".widget-vbox")
             .filter(has=page.locator("figcaption", has_text="SIMULATED image"))
             .filter(has=page.get_by_role("button", name="Check my tracing", exact=True))
             .last)
    image = panel.locator("img.widget-image")
    expect(image).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    feedback_text = panel.get_by_text("Asymmetry: traced")
    check = panel.get_by_role("button", name="Check my tracing", exact=True)

    # A click on the figure's margin, off the image: the widget says so, and no point is added.
    _click(page, panel, image, targets["off_image"], "That point is outside the image", redraws=False)
    expect(panel.locator("svg.spinelab-mark")).to_have_count(1)  # the warning's mark, with its words

    # Too few points: two on the left side, then check.
    left, right = targets["fractions"]["left"], targets["fractions"]["right"]
    for count, fraction in enumerate(left[:2], start=1):
        _click(page, panel, image, fraction, f"{count} point(s) on the left side.")
    check.click()
    expect(panel).to_contain_text("Click at least three points around the edge of the left multifidus",
                                  timeout=WIDGET_TIMEOUT_MS)
    expect(panel).to_contain_text("The left side has 2 so far.", timeout=WIDGET_TIMEOUT_MS)
    expect(feedback_text).to_have_count(0)
    _assert_no_error_output(page)

    # The rest of the left side, then the right side after switching with the toggle buttons.
    for count, fraction in enumerate(left[2:], start=3):
        _click(page, panel, image, fraction, f"{count} point(s) on the left side.")
    right_toggle = panel.get_by_role("button", name="right", exact=True)
    right_toggle.click()
    expect(right_toggle).to_have_class(re.compile(r"\bmod-active\b"), timeout=WIDGET_TIMEOUT_MS)
    for count, fraction in enumerate(right, start=1):
        _click(page, panel, image, fraction, f"{count} point(s) on the right side.")
    traced = time.perf_counter()

    source_before = image.get_attribute("src")
    check.click()
    expect(feedback_text).to_be_visible(timeout=WIDGET_TIMEOUT_MS)
    expect(panel).to_contain_text("Dashed yellow: the true outlines.", timeout=WIDGET_TIMEOUT_MS)
    # The true outlines are drawn on the image: a new frame.
    expect(image).not_to_have_attribute("src", source_before or "", timeout=WIDGET_TIMEOUT_MS)
    checked = time.perf_counter()

    feedback = feedback_text.inner_text()
    assert "Left: traced" in feedback and "Right: traced" in feedback and "cm²" in feedback
    assert "shows through" in feedback, feedback  # good clicks: the error does not hide the asymmetry
    found = ASYMMETRY.search(feedback)
    assert found, feedback
    reported, true = float(found["traced"]), float(found["true"])
    assert true == pytest.approx(targets["true_asymmetry"], abs=0.05)
    assert reported == pytest.approx(targets["true_asymmetry"], abs=3.0), feedback
    assert reported == pytest.approx(targets["polygon_asymmetry"], abs=2.0), feedback
    expect(panel.locator("svg.spinelab-mark")).to_have_count(0)  # the earlier warnings are gone
    _assert_no_error_output(page)

    # Voila scrolls inside its own container, so a full-page shot is only the viewport: make the viewport tall
    # enough for the whole panel (same width, same layout) and shoot it from the panel's top to the feedback.
    page.set_viewport_size({"width": 1400, "height": 1400})
    panel.evaluate("panel => panel.scrollIntoView({block: 'start'})")
    expect(feedback_text).to_be_in_viewport()
    page.screenshot(path=screenshots / "voila-04-ultrasound-trainer.png")
    record_property("asymmetry_reported", reported)
    record_property("asymmetry_true", true)
    record_property("page_load_s", round(loaded - start, 2))
    record_property("tracing_s", round(traced - loaded, 2))
    record_property("check_s", round(checked - traced, 2))
