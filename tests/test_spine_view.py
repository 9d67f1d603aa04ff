"""Notebook 01's 3D spine view and the computed local/global figure (Python side; the browser test drives the page)."""

import gzip

import pytest

from spinelab.anatomy import spine_model as sm
from spinelab.anatomy import spine_view as sv
from spinelab.course import style


def test_peeling_a_layer_hides_its_lines_and_the_description_follows():
    view = sv.Spine3DView()
    assert set(view.layer_boxes) == {"deep", "abdominal wall"}
    assert "abdominal wall (84 fascicles)" in view.description()
    view.layer_boxes["abdominal wall"].value = False
    assert not view.lines["rectus_abdominis"].visible and view.lines["multifidus"].visible
    assert "abdominal wall" not in view.description()
    assert "abdominal wall" not in view.view.a11y.live and "deep (126 fascicles)" in view.view.a11y.live
    assert view.view.text.startswith("[3D view]") and "abdominal wall" not in view.view.text


def test_highlighting_a_group_recolours_only_that_group():
    view = sv.Spine3DView(highlight="none")
    view.picker.value = "psoas_major"
    assert view.lines["psoas_major"].color == sv._hex(sv.HIGHLIGHT_COLOUR)
    assert view.lines["multifidus"].color == sv._hex(style.LAYER_COLOURS["deep"])
    assert view.lines["psoas_major"].width > view.lines["multifidus"].width
    assert "Highlighted: Psoas" in view.description()


def test_turning_by_buttons_moves_the_camera_round_the_spine():
    view = sv.Spine3DView()
    behind = list(view.plot.camera)
    for _ in range(6):
        view.turn_right.click()
    assert view.turn.value == 90
    side = list(view.plot.camera)
    assert side[3:] == behind[3:]  # same target and up vector
    assert side[:3] != behind[:3]
    assert "right side" in view.description()
    view.reset.click()
    assert list(view.plot.camera) == pytest.approx(behind)


def test_the_camera_is_behind_the_spine_at_turn_0_and_to_its_right_at_90():
    behind, right = sv.camera(0, 0, 1.0), sv.camera(90, 0, 1.0)
    assert behind[1] > behind[4]  # +y is posterior in the model
    assert right[0] < right[3]  # the model's right is -x


@pytest.mark.parametrize(("args", "message"), [((200, 0, 1.0), "turn must be between"),
                                               ((0, 80, 1.0), "tilt must be between"),
                                               ((0, 0, 9.0), "zoom must be between")])
def test_camera_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        sv.camera(*args)


def test_bad_highlight_is_refused():
    with pytest.raises(ValueError, match="highlight must be"):
        sv.Spine3DView(highlight="trapezius")


def _png_width(png: bytes) -> int:
    return int.from_bytes(png[16:20], "big")


def test_static_exports_get_the_still_picture(monkeypatch):
    view = sv.Spine3DView()
    live = view._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in live and live["image/png"].startswith(b"\x89PNG")
    monkeypatch.setenv("SPINELAB_STATIC", "1")
    static = view._repr_mimebundle_()
    assert set(static) == {"image/png", "text/plain"}
    assert len(static["image/png"]) < 60_000
    # Slides get a sharper still than the one stored beside the widget in the notebook.
    assert _png_width(static["image/png"]) > 1.3 * _png_width(live["image/png"])


def test_the_local_global_figure_shows_blank_cells_where_a_fascicle_crosses_no_joint():
    figure = sv.local_global_figure()
    left = figure.axes[0]
    multifidus = left.images[0].get_array()
    assert multifidus.mask.any()  # staircase: joints above a fascicle's vertebra are blank
    names, arms = sm.joint_profile("multifidus")
    assert multifidus.shape == arms.shape == (len(names), len(sm.JOINTS))
    panel = sv.local_global_panel()
    assert panel.text.startswith("[Figure]") and "multifidus" in panel.text


def _sent(widget, monkeypatch) -> list[dict]:
    messages: list[dict] = []
    monkeypatch.setattr(widget, "_send", lambda msg, buffers=None: messages.append({**msg, "buffers": buffers}))
    return messages


def test_a_camera_report_from_the_page_is_not_echoed_and_every_turn_is_sent(monkeypatch):
    view = sv.Spine3DView()
    sent = _sent(view.plot, monkeypatch)
    behind = list(view.plot.camera)
    view.turn_right.click()
    assert [m["state"]["camera"] for m in sent] == [sv.camera(15, 0, 1.0)]
    sent.clear()
    # The page reports the camera it had before the turn arrived: ipywidgets would echo it back and turn it back.
    view.plot._handle_msg({"content": {"data": {"method": "update", "state": {"camera": behind},
                                                "buffer_paths": []}}, "buffers": []})
    assert sent == []
    # Turning back to where the page last said it was must still reach the page.
    view.turn_left.click()
    assert [m["state"]["camera"] for m in sent] == [pytest.approx(behind)]


def test_the_page_gets_k3d_but_not_its_unused_snapshot_module(monkeypatch):
    view = sv.Spine3DView()
    sent = _sent(view.plot, monkeypatch)
    view.plot._handle_custom_msg({"msg_type": "fetch_snapshot_source"}, [])
    assert sent == []
    view.plot._handle_custom_msg({"msg_type": "fetch_widget_module"}, [])  # a browser that cannot inflate
    view.plot._handle_custom_msg({"msg_type": "fetch_widget_module", "encoding": "gzip"}, [])
    assert [m["content"] for m in sent] == [{"msg_type": "widget_module"},
                                            {"msg_type": "widget_module", "encoding": "gzip"}]
    plain, packed = (m["buffers"][0] for m in sent)
    assert gzip.decompress(packed) == plain and len(packed) < len(plain) / 2


def test_meshes_and_lines_travel_compressed():
    view = sv.Spine3DView()
    bones = next(obj for obj in view.plot.objects if obj.name == "bones")
    state = bones.get_state()
    assert "compressed_data" in state["vertices"] and "compressed_data" in state["indices"]
    raw = bones.vertices.nbytes + bones.indices.nbytes
    assert len(state["vertices"]["compressed_data"]) + len(state["indices"]["compressed_data"]) < raw / 2
    assert all("compressed_data" in view.lines[group].get_state()["vertices"] for group in view.lines)
