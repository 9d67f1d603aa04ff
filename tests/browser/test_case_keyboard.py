"""Keyboard only, in JupyterLab: a branching case of notebook 06 is walked from its first step to an ending and back.

The notebook runs in JupyterLab (as a student at the desk uses it). The walk starts with the focus on the case's
picker, where a student arrives by Tab; from there only keys are pressed: Tab and Shift+Tab move between the
choice buttons, Enter or Space presses one, and after a choice the focus is on Continue, after Continue on the
next step's first choice. Every focused control shows a focus ring. Every wait is for a condition in the page.
"""

from __future__ import annotations

import itertools

from test_keyboard import _assert_focus_ring, _tab_to
from test_notebooks import VIEWS_RENDERED, run_in_lab

from spinelab.clinic import cases

CASE_ID = "cauda-equina"
FOCUSED_TEXT = "() => document.activeElement ? document.activeElement.textContent.trim() : ''"


def _press_choice(page, player, label: str, key: str) -> None:
    """Tab (or Shift+Tab) from the focused control to the choice button with this label, and press it."""
    button = player.get_by_role("button", name=label, exact=True).element_handle()
    if not button.evaluate("b => b === document.activeElement"):
        _tab_to(page, button)
    _assert_focus_ring(page, f"the choice '{label}'")
    page.keyboard.press(key)


def test_a_case_walked_to_its_ending_and_started_again_with_the_keyboard_only(page, lab_url):
    case = cases.load(CASE_ID)
    run_in_lab(page, lab_url, "06_case_studies.ipynb", "case-keyboard")
    page.wait_for_function(VIEWS_RENDERED, timeout=30_000)
    # The case's player: the box with a picker and this case's first choices (the outermost such box).
    found = page.locator(".widget-vbox", has=page.locator("select")).filter(
        has=page.get_by_role("button", name=case.node(case.start).choices[0].label, exact=True)).first
    # Its choices change at every step, so the box is marked once and found by that mark from then on.
    found.evaluate("box => box.setAttribute('data-case-under-test', '')")
    player = page.locator("[data-case-under-test]")
    # ipywidgets writes the options' spaces as no-break spaces.
    shown = player.locator("select").evaluate("s => s.selectedOptions[0].textContent.replace(/\\u00a0/g, ' ')")
    assert shown == case.title
    player.locator("select").focus()  # the picker: where a student arrives by Tab, above the case
    keys = iter(("Enter", "Space") * 8)
    path = cases.concordant_path(case)
    for node, following in itertools.pairwise(path):
        choice = next(c for c in node.choices if c.concordant and c.next == following.id)
        _press_choice(page, player, choice.label, next(keys))
        continue_button = player.get_by_role("button", name="Continue", exact=True)
        continue_button.wait_for(state="visible", timeout=10_000)
        assert "The guideline-concordant choice." in player.inner_text()
        page.wait_for_function(f"() => ({FOCUSED_TEXT})() === 'Continue'", timeout=10_000)
        _assert_focus_ring(page, "the Continue button")
        page.keyboard.press(next(keys))
        page.wait_for_function("([box, title]) => box.innerText.includes(title)",
                               arg=[player.element_handle(), following.title], timeout=10_000)
    assert "Outcome: Good care." in player.inner_text() and "Your path" in player.inner_text()
    page.wait_for_function(f"() => ({FOCUSED_TEXT})() === 'Start again'", timeout=10_000)
    _assert_focus_ring(page, "the Start again button")
    page.keyboard.press("Enter")
    first = path[0].title
    page.wait_for_function("([box, title]) => box.innerText.includes(title) && !box.innerText.includes('Outcome:')",
                           arg=[player.element_handle(), first], timeout=10_000)
    page.wait_for_function(f"labels => labels.includes(({FOCUSED_TEXT})())",
                           arg=[choice.label for choice in path[0].choices], timeout=10_000)
