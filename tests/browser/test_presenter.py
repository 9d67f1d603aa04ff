"""Presenter mode for the whole page: at 1280x720 in Voila present mode, widget text grows and nothing is cut off.

For every visible widget label and readout, its box lies within its widget's box, and no two labels of one widget
overlap; the page never scrolls sideways. A screenshot of each notebook goes to build/screenshots/.
"""

from __future__ import annotations

import pytest
from test_accessibility import _open_voila

PROBLEMS = """() => {
    const inside = (a, b) => a.left >= b.left - 1 && a.right <= b.right + 1 && a.top >= b.top - 1
        && a.bottom <= b.bottom + 1;
    const meet = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
    const problems = [];
    for (const widget of document.querySelectorAll('#rendered_cells .widget-inline-hbox')) {
        const box = widget.getBoundingClientRect();
        if (box.width === 0 || box.height === 0) continue;
        const parts = Array.from(widget.querySelectorAll(':scope > .widget-label, :scope > .widget-readout'))
            .filter(el => el.getBoundingClientRect().width > 0);
        for (const el of parts) {
            const r = el.getBoundingClientRect();
            if (!inside(r, box)) problems.push('outside: ' + el.textContent.trim().slice(0, 40));
            if (el.scrollWidth > el.clientWidth + 1) problems.push('cut off: ' + el.textContent.trim().slice(0, 40));
        }
        for (let i = 0; i < parts.length; i++) for (let j = i + 1; j < parts.length; j++)
            if (meet(parts[i].getBoundingClientRect(), parts[j].getBoundingClientRect()))
                problems.push('overlap: ' + parts[i].textContent.trim().slice(0, 40));
    }
    if (document.documentElement.scrollWidth > innerWidth + 1) problems.push('horizontal scroll');
    return problems;
}"""
SCALE = """() => parseFloat(getComputedStyle(document.querySelector('#rendered_cells .widget-label')).fontSize)"""


@pytest.mark.parametrize("notebook", ["00_start_here.ipynb", "02_protective_guarding.ipynb"])
def test_presenter_page_fits_1280x720(browser, voila_url, screenshots, notebook):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        _open_voila(page, voila_url, notebook)
        assert page.evaluate(SCALE) >= 1.4 * 13, "widget labels did not grow with the figures in presenter mode"
        page.screenshot(path=screenshots / f"presenter-{notebook.removesuffix('.ipynb')}.png", full_page=True)
        problems = page.evaluate(PROBLEMS)
        assert not problems, f"{notebook}: " + "; ".join(problems[:10])
    finally:
        context.close()
