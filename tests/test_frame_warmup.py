"""The class's warm-up: a notebook's figures drawn at every slider position into the shared frame cache."""

import io
import json
import os
import socket
import subprocess
import sys
import threading

import ipywidgets as widgets
import numpy as np
import pytest
from PIL import Image

from spinelab.course import frame_cache, style
from spinelab.course.setup_check import DecayDemo
from spinelab.publish import frame_warmup


def _notebook(path, last_cell="DecayDemo()"):
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": source}
             for source in ("import spinelab\n\nspinelab.setup()",
                            f"from spinelab.course.setup_check import DecayDemo\n\n{last_cell}")]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


def _warm_up(notebooks, cache, seconds):
    # Lossless frames, so that each can be compared with the pixels drawn.
    env = {**os.environ, frame_cache.CACHE_ENV: str(cache), frame_cache.ENCODING_ENV: "png", "SPINELAB_PRESENTER": "0",
           "IPYTHONDIR": str(cache.parent / "ipython")}
    command = [sys.executable, "-m", "spinelab.publish.frame_warmup", *map(str, notebooks), "--seconds", seconds]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def test_positions_start_next_to_the_current_value_and_cover_the_range():
    slider = widgets.IntSlider(value=3, min=0, max=6, step=1)
    assert frame_warmup.positions(slider) == [2, 4, 1, 5, 0, 6]
    fine = widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.001)
    values = frame_warmup.positions(fine)
    assert len(values) <= frame_warmup.MAX_POSITIONS and min(values) == 0.0 and max(values) == 1.0
    assert 0.07 in frame_warmup.positions(widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.01))
    choice = widgets.SelectionSlider(options=["a", "b", "c"], value="c")
    assert frame_warmup.positions(choice) == ["b", "a"]


def test_the_warm_up_fills_the_cache_with_the_frames_a_kernel_then_serves(tmp_path, monkeypatch):
    cache = tmp_path / "frames"
    result = _warm_up([_notebook(tmp_path / "n.ipynb")], cache, "60")
    assert result.returncode == 0, result.stderr
    demo_slider = DecayDemo().slider
    moves = len(frame_warmup.positions(demo_slider))
    assert f"Frame cache warmed for n.ipynb: {moves} slider positions" in result.stdout
    assert len(list(cache.rglob("*.frame"))) >= moves
    # A kernel of the class: every position's frame comes from the cache, and it is that position's picture.
    monkeypatch.setenv(frame_cache.CACHE_ENV, str(cache))
    monkeypatch.setenv(frame_cache.ENCODING_ENV, "png")
    monkeypatch.setattr(frame_cache, "_shared", None)
    monkeypatch.setattr(frame_cache, "encode", lambda *args, **kw: pytest.fail("a frame was encoded again"))
    style.use(presenter=False)
    demo = DecayDemo()
    shown = {}
    for value in frame_warmup.positions(demo.slider)[:12]:
        demo.slider.value = value
        shown[value] = np.asarray(Image.open(io.BytesIO(demo.live.image.value)).convert("RGB"))
    # ... each the picture a fresh figure at that position draws, without any cache.
    monkeypatch.undo()
    monkeypatch.setenv(frame_cache.CACHE_ENV, "off")
    monkeypatch.setattr(frame_cache, "_shared", None)
    for value, pixels in shown.items():
        fresh = DecayDemo(time_constant=value).live
        fresh.render()
        assert np.array_equal(pixels, np.asarray(fresh.canvas.buffer_rgba())[..., :3]), value




def test_notebooks_are_warmed_in_turn_each_with_its_own_sliders_past_one_that_fails(tmp_path):
    notebooks = [_notebook(tmp_path / "a.ipynb"), _notebook(tmp_path / "b.ipynb", "raise ValueError('no figure')"),
                 _notebook(tmp_path / "c.ipynb", "DecayDemo(time_constant=2.0)")]
    result = _warm_up(notebooks, tmp_path / "frames", "60")
    moves = len(frame_warmup.positions(DecayDemo().slider))
    lines = result.stdout.splitlines()
    assert result.returncode == 1, result.stderr  # a notebook failed
    assert lines[0].startswith(f"Frame cache warmed for a.ipynb: {moves} slider positions")
    assert lines[1] == "Frame cache not warmed for b.ipynb: ValueError: no figure"
    # c's own slider only: a's, still open, would double the count.
    assert lines[2].startswith(f"Frame cache warmed for c.ipynb: {moves} slider positions")
    assert len(lines) == 3
    assert not list((tmp_path / "ipython").rglob("history.sqlite*"))  # a server's profile keeps no history


def test_notebooks_left_when_the_warm_up_s_time_is_spent_are_named(tmp_path):
    result = _warm_up([_notebook(tmp_path / "a.ipynb"), _notebook(tmp_path / "b.ipynb")], tmp_path / "frames", "0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"Frame cache not warmed for {name}: the warm-up's 0 s are spent"
                                          for name in ("a.ipynb", "b.ipynb")]
    assert not list((tmp_path / "frames").rglob("*.frame"))


def test_present_warms_every_notebook_s_frames_in_presenter_style_from_its_start(tmp_path, monkeypatch):
    course = tmp_path / "course"
    (course / "notebooks").mkdir(parents=True)
    _notebook(course / "notebooks" / "00_start_here.ipynb")
    _notebook(course / "notebooks" / "01_b.ipynb", "DecayDemo(time_constant=2.0)")
    cache = tmp_path / "frames"
    env = {**os.environ, frame_cache.CACHE_ENV: str(cache)}
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "spinelab.publish.cli", "present", "--course", str(course), "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    warmed, said = [], []
    stop = threading.Timer(120, server.terminate)  # the lines read below end with the server
    stop.start()
    try:
        for line in server.stdout:
            said.append(line)
            if line.startswith("Frame cache"):
                warmed.append(line)
            if len(warmed) == 2:
                break
    finally:
        stop.cancel()
        server.terminate()
        server.wait(timeout=60)
    moves = len(frame_warmup.positions(DecayDemo().slider))
    assert [line.split(":")[0] for line in warmed] == ["Frame cache warmed for 00_start_here.ipynb",
                                                       "Frame cache warmed for 01_b.ipynb"], "".join(said)
    assert all(f": {moves} slider positions" in line for line in warmed)
    # The frames are presenter style: a kernel of present finds them without encoding any.
    monkeypatch.setenv(frame_cache.CACHE_ENV, str(cache))
    monkeypatch.setattr(frame_cache, "_shared", None)
    monkeypatch.setattr(frame_cache, "encode", lambda *args, **kw: pytest.fail("a frame was encoded again"))
    style.use(presenter=True)
    try:
        demo = DecayDemo()
        for value in frame_warmup.positions(demo.slider)[:6]:
            demo.slider.value = value
    finally:
        style.use(presenter=False)
