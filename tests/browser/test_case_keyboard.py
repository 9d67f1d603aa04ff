"""Keyboard only, in JupyterLab: a branching case of notebook 06 is walked from its first step to an ending and back,
then along a recovery path (a harmful choice, its consequence, the best choice there) with the path reviewed.

The notebook runs in JupyterLab (as a student at the desk uses it). The walk starts with the focus on the case's
picker, where a student arrives by Tab; from there only keys are pressed: Tab and Shift+Tab move between the
choice buttons, Enter or Space presses one, and after a choice the focus is on Continue, after Continue on the
next step's first choice. Every focused control shows a focus ring. Every wait is for a condition in the page. The
grade of each choice is announced in words with its mark (never by colour alone), and **Review my path** is a
button like the others.
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
        assert cases.grade_label("best") in player.inner_text()
        page.wait_for_function(f"() => ({FOCUSED_TEXT})() === 'Continue'", timeout=10_000)
        _assert_focus_ring(page, "the Continue button")
        page.keyboard.press(next(keys))
        page.wait_for_function("([box, title]) => box.innerText.includes(title)",
                               arg=[player.element_handle(), following.title], timeout=10_000)
    # The heading and the body are two widgets: wait for the body's outcome too, not only the heading's title.
    page.wait_for_function("box => box.innerText.includes('Your path')", arg=player.element_handle(), timeout=10_000)
    assert "Outcome: Good care." in player.inner_text() and "Your path" in player.inner_text()
    page.wait_for_function(f"() => ({FOCUSED_TEXT})() === 'Start again'", timeout=10_000)
    _assert_focus_ring(page, "the Start again button")
    page.keyboard.press("Enter")
    first = path[0].title
    page.wait_for_function("([box, title]) => box.innerText.includes(title) && !box.innerText.includes('Outcome:')",
                           arg=[player.element_handle(), first], timeout=10_000)
    page.wait_for_function(f"labels => labels.includes(({FOCUSED_TEXT})())",
                           arg=[choice.label for choice in path[0].choices], timeout=10_000)
    # A recovery path: a harmful choice, its own consequence, then the best choice there; reviewed on the way.
    harmful = next(c for c in path[0].choices if c.grade == "harmful" and c.next != path[1].id)
    consequence = case.node(harmful.next)
    recovery = next(c for c in consequence.choices if c.grade == "best")
    _press_choice(page, player, harmful.label, "Enter")
    page.wait_for_function(f"() => ({FOCUSED_TEXT})() === 'Continue'", timeout=10_000)
    assert "Harmful." in player.inner_text()
    page.keyboard.press("Space")
    page.wait_for_function("([box, title]) => box.innerText.includes(title)",
                           arg=[player.element_handle(), consequence.title], timeout=10_000)
    assert f"after {path[0].title}" in player.inner_text()  # where the student is
    review = player.get_by_role("button", name="Review my path", exact=True).element_handle()
    _tab_to(page, review)
    _assert_focus_ring(page, "the Review my path button")
    page.keyboard.press("Space")
    page.wait_for_function("([box, label]) => box.innerText.includes('Your path') && box.innerText.includes(label)",
                           arg=[player.element_handle(), harmful.label], timeout=10_000)
    assert "Harmful." in player.inner_text()
    # The choices sit above the review button: Shift+Tab goes back up to the recovery.
    _tab_to(page, player.get_by_role("button", name=recovery.label, exact=True).element_handle(), shift=True)
    _assert_focus_ring(page, f"the choice '{recovery.label}'")
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => ({FOCUSED_TEXT})() === 'Continue'", timeout=10_000)
    page.keyboard.press("Enter")
    page.wait_for_function("box => box.innerText.includes('recovered after')", arg=player.element_handle(),
                           timeout=10_000)
    text = player.inner_text()
    assert "Outcome: Good care. The case was recovered after 1 unhelpful or harmful choice." in text
    assert "Harmful." in text and "Best choice." in text
