"""The ultrasound trainer of notebook 04, traced with real mouse clicks in Voila (present mode).

The test clicks about eight points around each side's true outline of multifidus on the simulated image,
switches side with the toggle buttons, presses "Check my tracing" and reads the feedback: the asymmetry it
reports must be close to the true one. A click off the image (on the figure's margin) and a check with too
few points must give the widget's own message, not a traceback.

Where to click is computed in this process from a trainer built under the same presenter style as the
page's: each true outline point goes through the axes' data transform to a fraction of the figure, and the
fraction times the size of the <img> in the page is where the mouse clicks. ipyevents turns the click back
into pixels of the PNG (scaled by the image's natural size), so the fractions hold at any display width.

Every wait is for a condition in the page (a message or feedback text), never for a fixed time.
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


def _click(page, image, fraction: tuple[float, float]) -> None:
    """Click the image at a fraction of its rendered width and height (its box is read at every click)."""
    box = image.bounding_box()
    assert box is not None, "the trainer's image is not rendered"
    page.mouse.click(box["x"] + fraction[0] * box["width"], box["y"] + fraction[1] * box["height"])


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
    image = panel.locator(":scope > img.widget-image")
    expect(image).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    # The PNG has arrived (its natural size is known), so click fractions map onto the figure.
    image.evaluate("img => img.decode()")
    assert image.evaluate("img => img.naturalWidth") > 0
    message = panel.locator(".widget-html").filter(has=page.locator("p")).filter(
        has_not=page.locator("figcaption")).first
    feedback_text = panel.get_by_text("Asymmetry: traced")
    check = panel.get_by_role("button", name="Check my tracing", exact=True)
    image.scroll_into_view_if_needed()

    # A click on the figure's margin, off the image: the widget says so, and no point is added.
    _click(page, image, targets["off_image"])
    expect(panel).to_contain_text("That point is outside the image", timeout=WIDGET_TIMEOUT_MS)
    expect(panel).to_contain_text("⚠")

    # Too few points: two on the left side, then check.
    left, right = targets["fractions"]["left"], targets["fractions"]["right"]
    for count, fraction in enumerate(left[:2], start=1):
        _click(page, image, fraction)
        expect(panel).to_contain_text(f"{count} point(s) on the left side.", timeout=WIDGET_TIMEOUT_MS)
    check.click()
    expect(panel).to_contain_text("The left outline must hold at least three points to enclose an area; got 2",
                                  timeout=WIDGET_TIMEOUT_MS)
    expect(feedback_text).to_have_count(0)
    _assert_no_error_output(page)

    # The rest of the left side, then the right side after switching with the toggle buttons.
    for count, fraction in enumerate(left[2:], start=3):
        _click(page, image, fraction)
        expect(panel).to_contain_text(f"{count} point(s) on the left side.", timeout=WIDGET_TIMEOUT_MS)
    right_toggle = panel.get_by_role("button", name="right", exact=True)
    right_toggle.click()
    expect(right_toggle).to_have_class(re.compile(r"\bmod-active\b"), timeout=WIDGET_TIMEOUT_MS)
    image.scroll_into_view_if_needed()
    for count, fraction in enumerate(right, start=1):
        _click(page, image, fraction)
        expect(panel).to_contain_text(f"{count} point(s) on the right side.", timeout=WIDGET_TIMEOUT_MS)
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
    assert "⚠" not in message.inner_text()
    _assert_no_error_output(page)

    image.scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "voila-04-ultrasound-trainer.png", full_page=True)
    record_property("asymmetry_reported", reported)
    record_property("asymmetry_true", true)
    record_property("page_load_s", round(loaded - start, 2))
    record_property("tracing_s", round(traced - loaded, 2))
    record_property("check_s", round(checked - traced, 2))
