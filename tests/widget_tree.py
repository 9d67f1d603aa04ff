"""Every widget of a displayed tree, for the tests that look inside a display."""

from collections.abc import Iterator

import ipywidgets as widgets


def descendants(widget: widgets.Widget) -> Iterator[widgets.Widget]:
    """``widget`` and every widget in its boxes, depth first."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from descendants(child)
