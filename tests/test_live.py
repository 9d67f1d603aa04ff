import io
from pathlib import Path

import numpy as np
import pytest
from matplotlib.lines import Line2D
from PIL import Image

import spinelab
from spinelab.course import frame_cache
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


@pytest.fixture
def frames(tmp_path, monkeypatch):
    """A frame cache of this test's own (figures of these tests share backgrounds and states)."""
    monkeypatch.setenv(frame_cache.CACHE_ENV, str(tmp_path / "frames"))
    monkeypatch.setattr(frame_cache, "_shared", None)
    return tmp_path / "frames"


def _line_figure(title: str = "", size: tuple[float, float] = (3, 2)) -> tuple[LiveFigure, Line2D]:
    live = LiveFigure("test", figsize=size)
    (line,) = live.axes[0].plot([0, 1], [0, 1])
    live.axes[0].set(xlim=(0, 1), ylim=(0, 1), title=title)
    live.dynamic(line)
    live.render()
    return live, line


def test_a_state_seen_before_shows_its_stored_frame_and_other_static_content_forgets_it(frames):
    live, line = _line_figure()
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
    live.render()  # the same background: the same key
    live.refresh(state="up")
    assert live.png() == up
    live.axes[0].set_title("other")
    live.render()
    live.refresh(state="up")
    assert _pixels(live.png()).shape == _pixels(up).shape and live.png() != up


def test_a_state_found_draws_nothing_and_hashes_no_pixels(frames, monkeypatch):
    live, line = _line_figure()
    line.set_ydata([1, 0])
    live.refresh(state="down")
    down = bytes(live.image.value)
    # Another kernel's figure, the same background: its first move to "down" finds the frame in the folder.
    monkeypatch.setattr(frame_cache, "_shared", None)
    other, other_line = _line_figure()
    heard = []
    other.describe = lambda: "the line falls"
    other.on_describe(heard.append)
    other_line.set_ydata([1, 0])

    def forbidden(*_args, **_kwargs):
        pytest.fail("a frame found by its state was drawn or hashed")

    for owner, name in ((other.figure, "draw_artist"), (other.canvas, "restore_region"),
                        (other.canvas, "buffer_rgba"), (frame_cache, "frame_key"), (frame_cache, "frame"),
                        (frame_cache, "encode")):
        monkeypatch.setattr(owner, name, forbidden)
    other.refresh(state="down")
    assert bytes(other.image.value) == down and heard == ["the line falls"] * 2
    assert other.png() == down  # the static output is the frame shown, not the canvas's last drawing


def test_other_backgrounds_and_styles_never_share_a_state_key(frames):
    import matplotlib as mpl

    from spinelab.course import style

    keys = {}
    with mpl.rc_context():
        for presenter in (False, True):
            style.use(presenter=presenter)
            keys["presenter" if presenter else "desk"] = _line_figure()[0].state_key("up")
            keys[f"titled {presenter}"] = _line_figure("a title")[0].state_key("up")
    style.use(presenter=False)
    keys["wider"] = _line_figure(size=(3.2, 2))[0].state_key("up")
    again, _ = _line_figure()
    assert again.state_key("up") == keys["desk"] and again.state_key("down") != keys["desk"]
    assert len(set(keys.values())) == len(keys)
    # Two dynamic lines instead of one over the same background: other moving parts, another key.
    two, _ = _line_figure()
    two.dynamic(two.axes[0].plot([0, 1], [1, 1])[0])
    two.render()
    assert two.state_key("up") != keys["desk"]


def test_the_course_fingerprint_changes_with_any_file_of_the_package(tmp_path):
    (tmp_path / "model.py").write_text("RATE = 1.0\n")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "words.toml").write_text("a = 1\n")
    first = frame_cache.code_digest(tmp_path)
    (tmp_path / "model.py").write_text("RATE = 2.0\n")
    second = frame_cache.code_digest(tmp_path)
    (tmp_path / "data" / "words.toml").write_text("a = 2\n")
    assert len({first, second, frame_cache.code_digest(tmp_path)}) == 3
    assert frame_cache.code_digest(Path(spinelab.__file__).parent) in frame_cache.course_fingerprint()


def test_a_file_gone_while_the_course_is_digested_gives_another_digest_not_an_error(tmp_path, monkeypatch):
    (tmp_path / "model.py").write_text("RATE = 1.0\n")
    whole = frame_cache.code_digest(tmp_path)
    read_bytes = Path.read_bytes

    def gone(path: Path) -> bytes:
        if path.name == "model.py":
            raise FileNotFoundError(path)
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", gone)
    assert frame_cache.code_digest(tmp_path) != whole
