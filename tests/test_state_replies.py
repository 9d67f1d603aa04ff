"""A page's ``request_states`` answered by spinelab's reply: ipywidgets' exact message, in less kernel time."""

import json
import subprocess
import sys
from pathlib import Path

import ipywidgets as widgets
import pytest
import traitlets

from spinelab.course import widget_internals

ROOT = Path(__file__).resolve().parents[1]
REQUEST = {"content": {"data": {"method": "request_states"}}}

# Run in a fresh process per notebook (its widgets only): the notebook's code, then ipywidgets' reply and spinelab's,
# each as the JSON text the kernel would put on the wire and its buffers.
REPLIES = """
import json, sys
from pathlib import Path
import ipywidgets as widgets
from spinelab.course.widget_internals import install_fast_state_replies
from spinelab.publish.frame_warmup import run_notebook

class Comm:
    def send(self, data, buffers=None):
        self.sent = {"data": json.dumps(data, default=str), "buffers": [bytes(b).hex() for b in buffers or []]}

    def on_msg(self, callback):
        pass

run_notebook(Path(sys.argv[1]))
widgets.Widget._control_comm = comm = Comm()
request = {"content": {"data": {"method": "request_states"}}}
widgets.Widget._handle_control_comm_msg(request)
replies = {"ipywidgets": comm.sent}
install_fast_state_replies()
widgets.Widget._handle_control_comm_msg(request)
replies["spinelab"] = comm.sent
print(json.dumps(replies))
"""


class Comm:
    """The control comm, as far as a reply uses it: keeps what is sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[dict, list]] = []
        self.handlers: list[object] = []

    def send(self, data: dict, buffers: list | None = None) -> None:
        self.sent.append((data, [bytes(buffer) for buffer in buffers or []]))

    def on_msg(self, callback: object) -> None:
        self.handlers.append(callback)


@pytest.fixture
def comm(monkeypatch):
    """A fake control comm, with ipywidgets' own handler in place again after the test."""
    monkeypatch.setattr(widgets.Widget, "_handle_control_comm_msg", widgets.Widget.__dict__["_handle_control_comm_msg"])
    monkeypatch.setattr(widget_internals, "_original_handler", None)
    fake = Comm()
    monkeypatch.setattr(widgets.Widget, "_control_comm", fake)
    return fake


def _both_replies(comm: Comm) -> tuple[tuple[dict, list], tuple[dict, list]]:
    widgets.Widget._handle_control_comm_msg(REQUEST)
    widget_internals.install_fast_state_replies()
    widgets.Widget._handle_control_comm_msg(REQUEST)
    assert len(comm.sent) == 2
    return comm.sent[0], comm.sent[1]


@pytest.mark.parametrize("notebook", ["01_muscle_layers", "02_protective_guarding", "06_case_studies"])
def test_a_notebooks_page_gets_the_same_states_buffer_paths_and_buffers_as_from_ipywidgets(notebook, tmp_path):
    command = [sys.executable, "-c", REPLIES, str(ROOT / "notebooks" / f"{notebook}.ipynb")]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    replies = json.loads(result.stdout.splitlines()[-1])
    ours, theirs = replies["spinelab"], replies["ipywidgets"]
    data = json.loads(theirs["data"])
    assert data["method"] == "update_states" and len(data["states"]) > 500  # every widget of the notebook
    assert json.loads(ours["data"])["states"] == data["states"]
    assert json.loads(ours["data"])["buffer_paths"] == data["buffer_paths"]
    assert ours["data"] == theirs["data"]  # the same text on the wire, key order too
    assert ours["buffers"] == theirs["buffers"] and len(theirs["buffers"]) == len(data["buffer_paths"]) > 0


class Shouting(widgets.Text):
    """A widget whose own ``_trait_to_json`` changes every value it sends, and one trait with its own serializer."""

    twice = traitlets.Int(2).tag(sync=True, to_json=lambda value, widget: value * 2)

    def _trait_to_json(self, value, widget):
        return value.upper() if isinstance(value, str) else value


class Plain(widgets.Text):
    """A trait of the same name as :class:`Shouting`'s, without a serializer of its own."""

    twice = traitlets.Int(2).tag(sync=True)


def test_a_subclass_serializer_and_a_traits_own_to_json_are_used_as_ipywidgets_uses_them(comm):
    shouting = Shouting(value="guarding", twice=21, description="spasm")
    text = Plain(value="guarding", twice=21)
    plain = widgets.IntSlider(value=4, layout=widgets.Layout(width="10em"))
    theirs, ours = _both_replies(comm)
    assert ours == theirs
    state = ours[0]["states"][shouting.model_id]["state"]
    assert (state["value"], state["description"], state["twice"]) == ("GUARDING", "SPASM", 42)
    text_state = ours[0]["states"][text.model_id]["state"]
    assert (text_state["value"], text_state["twice"]) == ("guarding", 21)  # serializers per class, not per trait name
    assert ours[0]["states"][plain.model_id]["state"]["layout"] == f"IPY_MODEL_{plain.layout.model_id}"
    # Every trait, defaults too (drop_defaults=False), and the model's names.
    assert set(state) == set(shouting.keys)
    assert ours[0]["states"][plain.model_id]["model_name"] == "IntSliderModel"


class Summarised(widgets.Text):
    """A widget class with its own ``get_state``."""

    def get_state(self, key=None, drop_defaults=False):
        return {**super().get_state(key, drop_defaults), "summary": f"{len(self.value)} characters"}


def test_a_class_with_its_own_get_state_is_asked_for_it(comm):
    summarised = Summarised(value="guarding")
    theirs, ours = _both_replies(comm)
    assert ours == theirs
    assert ours[0]["states"][summarised.model_id]["state"]["summary"] == "8 characters"


def test_buffers_are_split_out_as_ipywidgets_splits_them(comm):
    image = widgets.Image(value=b"\x89PNG fake", format="png")
    theirs, ours = _both_replies(comm)
    assert ours == theirs
    assert [image.model_id, "state", "value"] in ours[0]["buffer_paths"]
    assert b"\x89PNG fake" in ours[1]


def test_installing_twice_keeps_ipywidgets_handler_for_other_methods(comm):
    ipywidgets_handler = widgets.Widget._handle_control_comm_msg.__func__
    widget_internals.install_fast_state_replies()
    widget_internals.install_fast_state_replies()
    assert widget_internals._original_handler is ipywidgets_handler
    with pytest.raises(RuntimeError, match='Unknown front-end to back-end widget control msg with method "reset"'):
        widgets.Widget._handle_control_comm_msg({"content": {"data": {"method": "reset"}}})
    assert comm.sent == []


def test_other_control_methods_reach_ipywidgets_handler(comm, monkeypatch):
    seen = []
    monkeypatch.setattr(widgets.Widget, "_handle_control_comm_msg",
                        classmethod(lambda cls, msg: seen.append(msg["content"]["data"]["method"])))
    widget_internals.install_fast_state_replies()
    widgets.Widget._handle_control_comm_msg({"content": {"data": {"method": "future_method"}}})
    widgets.Widget._handle_control_comm_msg(REQUEST)
    assert seen == ["future_method"] and len(comm.sent) == 1


def test_without_a_control_comm_the_request_fails_as_in_ipywidgets(comm, monkeypatch):
    widget_internals.install_fast_state_replies()
    monkeypatch.setattr(widgets.Widget, "_control_comm", None)
    with pytest.raises(RuntimeError, match="Control comm has not been properly opened"):
        widgets.Widget._handle_control_comm_msg(REQUEST)


def test_a_page_already_connected_gets_the_new_handler(comm):
    widget_internals.install_fast_state_replies()
    assert comm.handlers == [widgets.Widget._handle_control_comm_msg]
