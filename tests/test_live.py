import io

import numpy as np
import pytest
from PIL import Image

from spinelab.course.display import FigurePanel
from spinelab.course.live import LiveFigure
from spinelab.course.setup_check import DecayDemo


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_refresh_matches_a_full_render_of_the_same_state():
    live = LiveFigure("test", figsize=(4, 3))
    (line,) = live.axes[0].plot([0, 1], [0, 1])
    live.axes[0].set(xlim=(0, 1), ylim=(0, 1))
    live.dynamic(line)
    live.render()
    line.set_ydata([1, 0])
    live.refresh()
    blitted = _pixels(live.png())
    live.render()
    assert np.array_equal(blitted, _pixels(live.png()))


def test_a_slider_move_changes_the_image_without_a_new_figure():
    demo = DecayDemo(time_constant=10)
    figure, before = demo.live.figure, demo.live.png()
    demo.slider.value = 25
    assert demo.live.figure is figure
    assert demo.live.png() != before
    assert "day 17.3" in demo.readout.value


def test_a_demo_displays_itself_as_widget_static_png_and_alt_text():
    demo = DecayDemo()
    bundle = demo._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["image/png"].startswith(b"\x89PNG")
    assert bundle["text/plain"].startswith("[Interactive figure] Set-up check")


def test_savefig_includes_dynamic_artists_and_keeps_them_animated(tmp_path):
    live = LiveFigure("test", figsize=(3, 2))
    (line,) = live.axes[0].plot([0, 1], [0, 1])
    live.dynamic(line)
    live.savefig(tmp_path / "f.png")
    assert (tmp_path / "f.png").stat().st_size > 1000
    assert line.get_animated()
    assert isinstance(FigurePanel(live).widget.children[0], type(live.image))


def test_presenter_mode_enlarges_the_figure_with_the_fonts():
    import matplotlib as mpl

    from spinelab.course import style

    with mpl.rc_context():
        style.use(presenter=False)
        desk = LiveFigure("test", figsize=(4, 3)).figure.get_size_inches()
        style.use(presenter=True)
        presenter = LiveFigure("test", figsize=(4, 3)).figure.get_size_inches()
    assert tuple(presenter) == pytest.approx((6.0, 4.5)) and tuple(desk) == pytest.approx((4.0, 3.0))


def test_a_state_seen_before_shows_its_stored_frame_and_render_forgets_frames():
    live = LiveFigure("test", figsize=(3, 2))
    (line,) = live.axes[0].plot([0, 1], [0, 1])
    live.axes[0].set(xlim=(0, 1), ylim=(0, 1))
    live.dynamic(line)
    live.render()
    live.refresh(state="up")
    up = live.png()
    line.set_ydata([1, 0])
    live.refresh(state="down")
    assert live.png() != up
    line.set_ydata([0, 1])
    live.refresh(state="up")
    assert live.png() == up
    line.set_ydata([1, 0])
    live.refresh(state="up")
    assert live.png() == up  # the stored frame, although the artist changed: the state key must say everything
    live.render()
    live.refresh(state="up")
    assert live.png() != up
