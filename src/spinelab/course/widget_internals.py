"""The one place the course touches ipywidgets' private internals, behind a check of the installed version.

ipywidgets has no public base class shared by its integer and float sliders and boxes (``_Int``, ``_Float``) and no
public reader of a widget's CSS classes (``_dom_classes``); :mod:`spinelab.course.a11y` needs both. The class
server's kernels answer a page's request for every widget's state faster than ipywidgets does
(:func:`install_fast_state_replies`), which replaces its control-comm handler. Each function first checks that
the installed ipywidgets is one these names were tested with (:data:`TESTED`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
from ipywidgets.widgets import widget as _widget

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


#: Each widget class's ``to_json`` serializer per synced trait (None: the instance's ``_trait_to_json``).
_SERIALIZERS: dict[type[widgets.Widget], dict[str, Callable[[Any, widgets.Widget], Any] | None]] = {}
#: ipywidgets' own control-comm handler, kept once :func:`install_fast_state_replies` replaced it.
_original_handler: Callable[[type[widgets.Widget], dict[str, Any]], None] | None = None


def _full_state(widget: widgets.Widget) -> dict[str, Any]:
    """``widget.get_state(drop_defaults=False)``, with each class's ``to_json`` metadata looked up once."""
    if type(widget).get_state is not widgets.Widget.get_state:  # a class with its own idea of its state
        return widget.get_state(drop_defaults=False)
    serializers = _SERIALIZERS.setdefault(type(widget), {})
    state, default = {}, widget._trait_to_json
    for key in widget.keys:
        if key not in serializers:
            serializers[key] = widget.trait_metadata(key, "to_json")
        to_json = serializers[key] or default
        state[key] = to_json(getattr(widget, key), widget)
    return state


def _handle_control(cls: type[widgets.Widget], msg: dict[str, Any]) -> None:
    """Answer ``request_states`` as ipywidgets 8.1 does; pass any other control message to its own handler."""
    if msg["content"]["data"]["method"] != "request_states" or cls._control_comm is None:
        assert _original_handler is not None
        _original_handler(cls, msg)
        return
    states = {widget.model_id: {"model_name": widget._model_name, "model_module": widget._model_module,
                                "model_module_version": widget._model_module_version, "state": _full_state(widget)}
              for widget in list(_widget._instances.values())}
    states, buffer_paths, buffers = _widget._remove_buffers(states)
    cls._control_comm.send({"method": "update_states", "states": states, "buffer_paths": buffer_paths},
                           buffers=buffers)


def install_fast_state_replies() -> None:
    """Answer a page's ``request_states`` with ipywidgets' own message, in a fraction of the kernel time.

    When a page opens, its widget manager asks for every widget's state. ipywidgets 8.1 first builds the whole
    manager state and throws it away, then looks each trait's ``to_json`` metadata up again for every widget:
    31 ms of kernel CPU for notebook 02's 592 widgets on an idle core, paid 40 times over on 2 cores when a class
    opens a notebook at once. This reply skips the wasted call and looks serializers up once per widget class
    (8 ms; ``benchmarks/page_states.py``).
    Other control methods reach ipywidgets' handler. Installing twice changes nothing.
    """
    global _original_handler
    require_tested(TESTED)
    if _original_handler is not None:
        return
    _original_handler = widgets.Widget._handle_control_comm_msg.__func__
    widgets.Widget._handle_control_comm_msg = classmethod(_handle_control)
    if widgets.Widget._control_comm is not None:  # a page already connected: its comm calls the new handler too
        widgets.Widget._control_comm.on_msg(widgets.Widget._handle_control_comm_msg)
