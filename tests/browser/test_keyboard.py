"""Keyboard only, in Voila present mode: every control a student needs is reached with Tab and used with keys.

No mouse and no programmatic focus: focus moves with Tab (and Shift+Tab), sliders with the arrow keys, radio
choices with the arrow keys or Space, buttons with Enter or Space, text by typing. Each focused control must show
a visible focus ring (a non-empty outline or box-shadow). Every wait is for a condition in the page.
"""

from __future__ import annotations

import pytest
from test_accessibility import _open_voila

MAX_TABS = 800
# The element that has the keyboard focus shows a ring: an outline wider than 0 or a box-shadow.
FOCUS_VISIBLE = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return false;
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    return outline || (style.boxShadow && style.boxShadow !== 'none');
}"""
READOUT = """h => {
    const readout = h.closest('.widget-slider').querySelector('.widget-readout');
    return readout.textContent + readout.value;
}"""
IMAGES = "output => Array.from(output.querySelectorAll('.widget-image')).map(image => image.src)"


def _tab_to(page, target, shift: bool = False) -> int:
    """Press Tab (Shift+Tab) until ``target`` (an element handle) or an element inside it has the focus."""
    key = "Shift+Tab" if shift else "Tab"
    for presses in range(1, MAX_TABS + 1):
        page.keyboard.press(key)
        if target.evaluate("el => el === document.activeElement || el.contains(document.activeElement)"):
            return presses
    raise AssertionError(f"{key} never reached {target.evaluate('el => el.outerHTML.slice(0, 120)')}")


def _assert_focus_ring(page, what: str) -> None:
    assert page.evaluate(FOCUS_VISIBLE), f"{what} has the keyboard focus but no visible outline or box-shadow"


def _output_of(locator):
    return locator.locator("xpath=ancestor::div[contains(@class, 'jp-OutputArea-output')]").first


@pytest.fixture
def guarding(page, voila_url):
    _open_voila(page, voila_url, "02_protective_guarding.ipynb")
    page.locator("body").focus()  # where a student starts: nothing focused (no click)
    return page


def test_sliders_of_a_figure_by_keyboard(guarding):
    page = guarding
    figure = _output_of(page.locator(".widget-image").first)
    handles = figure.locator(".widget-slider [role=slider]")
    assert handles.count() > 0, "the first figure has no slider"
    before_images = figure.evaluate(IMAGES)
    moved = 0
    for index in range(handles.count()):
        if not handles.nth(index).is_visible() or handles.nth(index).evaluate(
                "h => h.closest('.noUi-target').hasAttribute('disabled')"):
            continue  # a slider that does nothing yet (no treatment chosen) is disabled, as it should be
        handle = handles.nth(index).element_handle()
        _tab_to(page, handle)
        _assert_focus_ring(page, f"slider {index + 1}")
        value, top = (float(handle.get_attribute(name)) for name in ("aria-valuenow", "aria-valuemax"))
        before = handle.evaluate(READOUT)
        page.keyboard.press("ArrowLeft" if value >= top else "ArrowRight")
        page.wait_for_function(f"([h, before]) => ({READOUT})(h) !== before", arg=[handle, before], timeout=10_000)
        moved += 1
    assert moved > 0, "no slider of the first figure could be moved"
    page.wait_for_function(f"([output, before]) => ({IMAGES})(output).some((src, i) => src !== before[i])",
                           arg=[figure.element_handle(), before_images], timeout=10_000)


def test_self_check_question_by_keyboard(guarding):
    page = guarding
    group = page.locator(".widget-radio-box").first
    step = group.locator("xpath=ancestor::div[contains(@class, 'widget-vbox')][.//button][1]")
    feedback = step.locator(".widget-html:not(.spinelab-live)").nth(-2)  # feedback, then the attempts line
    _tab_to(page, group.element_handle())
    _assert_focus_ring(page, "a self-check choice")
    page.keyboard.press("Space")  # select the focused choice
    page.keyboard.press("ArrowDown")  # and move to (and select) the next one
    page.wait_for_function("g => g.querySelectorAll('input:checked').length === 1", arg=group.element_handle(),
                           timeout=10_000)
    button = step.get_by_role("button", name="Check answer")
    _tab_to(page, button.element_handle())
    _assert_focus_ring(page, "the Check answer button")
    page.keyboard.press("Enter")
    page.wait_for_function("el => el.textContent.trim().length > 0", arg=feedback.element_handle(), timeout=10_000)


def test_exercise_answer_and_solution_by_keyboard(guarding):
    page = guarding
    answer = page.locator(".widget-textarea textarea").first
    exercise = answer.locator("xpath=ancestor::div[contains(@class, 'widget-vbox')][1]")
    _tab_to(page, answer.element_handle())
    _assert_focus_ring(page, "the exercise's answer box")
    page.keyboard.press("Control+A")
    page.keyboard.type("More guarding, less motion: the loop gain keeps the pain going.")
    toggle = exercise.locator(".widget-toggle-button")
    page.wait_for_function("b => !b.disabled", arg=toggle.element_handle(), timeout=10_000)
    _tab_to(page, toggle.element_handle())
    _assert_focus_ring(page, "the Show solution button")
    page.keyboard.press("Space")
    solution = exercise.locator(".widget-html:not(.spinelab-live)").last
    solution.wait_for(state="visible", timeout=10_000)
    assert "Hide solution" in toggle.inner_text()
    # Shift+Tab goes back to the answer box.
    _tab_to(page, answer.element_handle(), shift=True)
