"""The class's warm-up: a notebook's figures drawn at every slider position into the shared frame cache."""

import io
import json
import os
import subprocess
import sys

import ipywidgets as widgets
import numpy as np
import pytest
from PIL import Image

from spinelab.course import frame_cache, style
from spinelab.course.setup_check import DecayDemo
from spinelab.publish import frame_warmup


def _notebook(path):
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": source}
             for source in ("import spinelab\n\nspinelab.setup()",
                            "from spinelab.course.setup_check import DecayDemo\n\nDecayDemo()")]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


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
    # Lossless frames, so that each can be compared with the pixels drawn.
    env = {**os.environ, frame_cache.CACHE_ENV: str(cache), frame_cache.ENCODING_ENV: "png", "SPINELAB_PRESENTER": "0"}
    command = [sys.executable, "-m", "spinelab.publish.frame_warmup", str(_notebook(tmp_path / "n.ipynb")),
               "--seconds", "60"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
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
