"""The one place the course touches ipywidgets' private internals, behind a check of the installed version.

ipywidgets has no public base class shared by its integer and float sliders and boxes (``_Int``, ``_Float``) and no
public reader of a widget's CSS classes (``_dom_classes``); :mod:`spinelab.course.a11y` needs both. Each function
first checks that the installed ipywidgets is one these names were tested with (:data:`TESTED`).
"""

from __future__ import annotations

import ipywidgets as widgets

from spinelab.course.versions import Tested, require_tested

#: The ipywidgets versions whose private names below were checked.
TESTED = Tested("ipywidgets", "8.1", "8.2")


def number_widget_types() -> tuple[type[widgets.Widget], ...]:
    """The bases of every integer and float widget (sliders, range sliders, number boxes)."""
    require_tested(TESTED)
    return widgets.widgets.widget_int._Int, widgets.widgets.widget_float._Float


def css_classes(widget: widgets.Widget) -> tuple[str, ...]:
    """The CSS classes added to ``widget`` (with ``add_class``)."""
    require_tested(TESTED)
    return tuple(widget._dom_classes)
