"""The frame cache shared by every kernel: keys, pixels against a fresh render, concurrency, LRU, atomic writes."""

import io
import multiprocessing
import os
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pytest
from PIL import Image

import spinelab
from spinelab.anatomy.anatomy_figures import COLOUR_MODES, PEEL_STEPS, MuscleLayersExplorer
from spinelab.clinic.plan_chooser import PlanChooser
from spinelab.course import frame_cache, style
from spinelab.course.live import LiveFigure
from spinelab.course.setup_check import DecayDemo
from spinelab.guarding.flexion_relaxation_demo import FlexionRelaxationDemo
from spinelab.guarding.guarding_figures import GuardingExplorer
from spinelab.multifidus import recovery
from spinelab.multifidus.bedside_figures import PostTestCalculator
from spinelab.multifidus.multifidus_figures import TreatmentExplorer
from spinelab.multifidus.recovery_fit import RecoveryFit
from spinelab.multifidus.ultrasound_trainer import UltrasoundTrainer

ROOT = Path(__file__).resolve().parents[1]


def _pixels(frame: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(frame)).convert("RGB"))


def _canvas_rgb(live: LiveFigure) -> np.ndarray:
    return np.asarray(live.canvas.buffer_rgba())[..., :3].copy()


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "frames"
    monkeypatch.setenv(frame_cache.CACHE_ENV, str(folder))
    monkeypatch.delenv(frame_cache.ENCODING_ENV, raising=False)
    monkeypatch.setattr(frame_cache, "_shared", None)
    return folder


def _new_process_cache(monkeypatch):
    """Forget this process's frames in memory, as a kernel started later would have none."""
    monkeypatch.setattr(frame_cache, "_shared", None)


def _frame(seed: int, size: int = 4000) -> bytes:
    return np.random.default_rng(seed).integers(0, 256, size, dtype=np.uint8).tobytes()


def test_the_test_run_keeps_frames_out_of_the_working_tree():
    folder = frame_cache.cache_folder()
    assert folder is not None and not folder.resolve().is_relative_to(ROOT)


def test_keys_differ_for_other_pixels_encoding_course_version_and_matplotlib(monkeypatch):
    pixels = np.zeros((20, 30, 4), np.uint8)
    other = pixels.copy()
    other[3, 4, 0] = 1
    key = frame_cache.frame_key(pixels, "png")
    assert key == frame_cache.frame_key(pixels.copy(), "png")
    others = {frame_cache.frame_key(other, "png"), frame_cache.frame_key(pixels, "palette"),
              frame_cache.frame_key(pixels.reshape(30, 20, 4), "png")}
    monkeypatch.setattr(spinelab, "__version__", "99.0")
    others.add(frame_cache.frame_key(pixels, "png"))
    monkeypatch.setattr(spinelab, "__version__", frame_cache.spinelab.__version__)
    monkeypatch.setattr(mpl, "__version__", "0.0.1")
    others.add(frame_cache.frame_key(pixels, "png"))
    assert key not in others and len(others) == 5


def test_other_parameters_and_style_give_other_frames(cache_dir):
    style.use(presenter=False)
    try:
        explorer = GuardingExplorer()
        desk = explorer.live.png()
        explorer.loop_gain.value = 0.9
        moved = explorer.live.png()
        style.use(presenter=True)
        at_presenter = GuardingExplorer()
        presenter = at_presenter.live.png()
        # The same sliders in the presenter style: another state key, and the presenter's frame, not the desk's.
        at_presenter.loop_gain.value = 0.9
        moved_presenter = at_presenter.live.png()
    finally:
        style.use(presenter=False)
    assert len({desk, moved, presenter, moved_presenter}) == 4
    assert _pixels(presenter).shape[1] > _pixels(desk).shape[1]
    assert _pixels(moved_presenter).shape == _pixels(presenter).shape
    assert at_presenter.live.state_key("a state") != explorer.live.state_key("a state")


def test_cached_frames_match_a_fresh_render_pixel_for_pixel(cache_dir, monkeypatch):
    monkeypatch.setenv(frame_cache.ENCODING_ENV, "png")  # lossless: the frame shown is exactly what was drawn
    style.use(presenter=False)
    values = [round(v, 2) for v in np.linspace(0.0, 1.0, 11)]
    first = GuardingExplorer()
    for value in values:
        first.loop_gain.value = value
    stored = len(list(cache_dir.rglob("*.frame")))
    assert stored >= len(values)
    # A kernel started later: frames from the folder only.
    _new_process_cache(monkeypatch)
    encoded = []
    monkeypatch.setattr(frame_cache, "encode", lambda *args, **kw: encoded.append(1) or b"never")
    second = GuardingExplorer()
    shown = {}
    for value in reversed(values):
        second.loop_gain.value = value
        shown[value] = _pixels(second.live.image.value)
    assert not encoded  # every frame came from the cache
    # ... and a fresh render without any cache draws the same pixels for the same parameters.
    monkeypatch.undo()
    monkeypatch.setenv(frame_cache.ENCODING_ENV, "png")
    monkeypatch.setenv(frame_cache.CACHE_ENV, "off")
    monkeypatch.setattr(frame_cache, "_shared", None)
    fresh = GuardingExplorer()
    for value in values:
        fresh.loop_gain.value = value
        assert np.array_equal(shown[value], _drawn_now(fresh.live)), value
    assert not np.array_equal(shown[values[3]], shown[values[4]])


@pytest.mark.parametrize("encoding", sorted(frame_cache.ENCODINGS))
def test_every_encoding_keeps_the_picture_and_the_static_output_stays_png(cache_dir, monkeypatch, encoding):
    monkeypatch.setenv(frame_cache.ENCODING_ENV, encoding)
    style.use(presenter=False)
    explorer = GuardingExplorer()
    explorer.loop_gain.value = 0.7
    shown = _pixels(explorer.live.image.value).astype(int)
    drawn = _canvas_rgb(explorer.live).astype(int)
    psnr = 10 * np.log10(255**2 / max(np.mean((shown - drawn) ** 2), 1e-12))
    assert psnr > 40, f"{encoding}: {psnr:.1f} dB"
    assert explorer.live.image.format == frame_cache.ENCODINGS[encoding][0]
    assert explorer.live.png().startswith(b"\x89PNG")
    assert np.array_equal(_pixels(explorer.live.png()), shown)


def test_the_palette_is_the_default_and_the_same_pixels_give_the_same_file(monkeypatch):
    monkeypatch.delenv(frame_cache.ENCODING_ENV, raising=False)
    pixels = np.random.default_rng(5).integers(0, 256, (40, 60, 4), dtype=np.uint8)
    assert frame_cache.encoding() == "palette"
    assert frame_cache.encode(pixels, "palette") == frame_cache.encode(pixels.copy(), "palette")


def test_off_keeps_frames_in_memory_only(tmp_path, monkeypatch):
    monkeypatch.setenv(frame_cache.CACHE_ENV, "off")
    monkeypatch.setattr(frame_cache, "_shared", None)
    pixels = np.full((8, 8, 4), 200, np.uint8)
    frame = frame_cache.frame(pixels, "png")
    assert frame_cache.shared().folder is None and frame_cache.frame(pixels, "png") is frame


def test_a_corrupt_or_partial_entry_is_ignored_deleted_and_encoded_again(cache_dir, monkeypatch):
    pixels = np.random.default_rng(1).integers(0, 256, (30, 40, 4), dtype=np.uint8)
    good = frame_cache.frame(pixels, "png")
    path = frame_cache.shared().path(frame_cache.frame_key(pixels, "png"))
    data = path.read_bytes()
    for damaged in (data[: len(data) // 2], data[:-1] + bytes([data[-1] ^ 0xFF]), b""):
        path.write_bytes(damaged)
        _new_process_cache(monkeypatch)
        assert frame_cache.shared().get(frame_cache.frame_key(pixels, "png")) is None
        assert not path.exists()
        _new_process_cache(monkeypatch)
        assert frame_cache.frame(pixels, "png") == good
        assert np.array_equal(_pixels(good), pixels[..., :3])
        assert path.read_bytes() == data


def test_a_write_is_atomic_a_failed_one_leaves_no_file(cache_dir, monkeypatch):
    cache = frame_cache.FrameCache(cache_dir, 10**6)
    cache.put("ab" * 20, b"first")

    def fail(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    cache.put("cd" * 20, b"second")
    monkeypatch.undo()
    reader = frame_cache.FrameCache(cache_dir, 10**6)
    assert reader.get("cd" * 20) is None and reader.get("ab" * 20) == b"first"
    assert sorted(p.name for p in cache_dir.rglob("*")) == ["ab", "ab" * 20 + ".frame", "cd"]


def test_least_recently_used_frames_go_first_and_the_folder_stays_bounded(tmp_path, monkeypatch):
    limit = 100_000
    cache = frame_cache.FrameCache(tmp_path, limit)
    keys = [f"{i:040x}" for i in range(26)]
    for age, key in enumerate(keys[:20]):
        cache.put(key, _frame(age))
        os.utime(cache.path(key), (1000 + age, 1000 + age))  # written long ago, oldest first
    cache.memory.clear()
    assert cache.get(keys[0]) == _frame(0)  # read again: now the most recent
    for seed, key in enumerate(keys[20:], start=20):  # past the limit: the oldest unread frames go
        cache.put(key, _frame(seed))
    total = cache.trim()
    assert total <= limit
    kept = {path.stem for path in tmp_path.rglob("*.frame")}
    assert keys[0] in kept and keys[1] not in kept and keys[-1] in kept
    assert sum(p.stat().st_size for p in tmp_path.rglob("*.frame")) == total


def _writer(folder: str, worker: int, keys: int) -> int:
    cache = frame_cache.FrameCache(Path(folder), 120_000)
    wrong = 0
    for step in range(keys * 3):
        index = (step * (worker + 1)) % keys
        key = f"{index:040x}"
        found = cache.get(key) if step % 2 else None
        if found is not None and found != _frame(index):
            wrong += 1
        cache.put(key, _frame(index))
        cache.memory.clear()
    return wrong


def test_concurrent_writers_in_processes_never_serve_a_wrong_or_partial_frame(tmp_path):
    keys = 80
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        wrong = pool.starmap(_writer, [(str(tmp_path), worker, keys) for worker in range(4)])
    assert wrong == [0, 0, 0, 0]
    reader = frame_cache.FrameCache(tmp_path, 120_000)
    files = list(tmp_path.rglob("*.frame"))
    assert files and not list(tmp_path.rglob("*.part"))
    for path in files:
        assert reader.get(path.stem) == _frame(int(path.stem, 16))
    # Each writer trims after writing 1/32 of the limit: the folder exceeds it by at most that much per writer.
    assert reader.trim() <= 120_000
    assert sum(p.stat().st_size for p in tmp_path.rglob("*.frame")) <= 120_000 * (1 + 4 * frame_cache.TRIM_SHARE)


# Each converted figure with a few values of every control it names in its state (few, so that moves go back to
# positions seen before). A value list may be a function of an instance (a dropdown's options).
_RECOVERY_WEEKS = np.repeat([0.0, 1.0, 2.0, 4.0, 6.0, 10.0], 3)
_RECOVERY_TRUTH = recovery.RecoveryParameters(asymptote=96.0, start=78.0, time_constant=2.5, status="synthetic")
STATEFUL_FIGURES = {
    "guarding explorer": (GuardingExplorer, {
        "injury": [0.2, 0.5, 0.8], "healing": [5.0, 12.0], "loop_gain": [0.3, 0.6, 0.9],
        "treatment": ["none", "manual therapy"], "start_day": [7, 30]}),
    "flexion-relaxation": (FlexionRelaxationDemo, {"slider": [0.2, 0.5, 0.8]}),
    "set-up check": (DecayDemo, {"slider": [5.0, 10.0, 20.0]}),
    "treatment explorer": (TreatmentExplorer, {
        "start": [0.0, 3.0, 7.0], "adherence": [50.0, 100.0],
        "groups.0": [True, False]}),
    "post-test": (PostTestCalculator, {
        "pre_test": [20.0, 33.0, 60.0], "test": lambda c: [*list(c.ratios)[:2], c.own_choice], "own": [0.5, 3.0]}),
    "plan chooser": (PlanChooser, {
        "exercise": [False, True], "exercise_start": [1, 4], "adherence": [50, 100],
        "treatment": lambda c: list(c.treatment.options)[:2], "treatment_start": [2, 10]}),
    "recovery fit": (lambda: RecoveryFit(_RECOVERY_WEEKS, recovery.synthetic_measurements(
        _RECOVERY_TRUTH, _RECOVERY_WEEKS, noise_sd=3.0, seed=7), _RECOVERY_TRUTH), {
        "asymptote": [90.0, 96.0], "start": [75.0, 80.0], "time_constant": [2.0, 4.5], "fit": [True]}),
    "muscle layers": (MuscleLayersExplorer, {
        "peel": list(PEEL_STEPS), "picker": lambda e: [value for _, value in e.picker.options][:3],
        "colour_by": list(COLOUR_MODES)}),
    "ultrasound trainer": (UltrasoundTrainer, {
        "sliders.centre_x": [2.0, 3.0, 4.0], "sliders.half_width": [1.2, 2.0]}),
}


def _control(instance, name):
    """The widget ``name`` names: an attribute, or ``attribute.key`` of a dict of widgets (``.0``: its first)."""
    owner, _, key = name.partition(".")
    found = getattr(instance, owner)
    return (found[key] if key in found else list(found.values())[int(key)]) if key else found


def _apply(instance, name, value, values):
    """Set a control as a student does; a value already set is moved away and back, so that the figure hears it."""
    if name == "fit":
        instance.fit()
        return
    widget = _control(instance, name)
    if widget.value == value:
        widget.value = next(other for other in values if other != value)
    widget.value = value


def _drawn_now(live: LiveFigure) -> np.ndarray:
    """What the figure draws for its artists as they are: the background restored and the moving parts blitted."""
    live.refresh()
    return _canvas_rgb(live)


@pytest.mark.parametrize("name", sorted(STATEFUL_FIGURES))
def test_a_frame_found_by_its_state_is_the_picture_of_that_state(cache_dir, monkeypatch, name):
    """Seeded random moves of two instances sharing the cache (two kernels): each frame shown is the state's picture."""
    monkeypatch.setenv(frame_cache.ENCODING_ENV, "png")  # lossless: a frame is compared pixel for pixel
    style.use(presenter=False)
    factory, controls = STATEFUL_FIGURES[name]
    kernels = [factory(), factory()]
    options = {control: values(kernels[0]) if callable(values) else values for control, values in controls.items()}
    rng = np.random.default_rng(29)
    settings = [{}, {}]
    fresh_pictures, compared_fresh, found = {}, 0, 0
    for _move in range(40):
        which = int(rng.integers(2))
        monkeypatch.setattr(frame_cache, "_shared", None)  # the other kernel: only the folder is shared
        control = list(options)[int(rng.integers(len(options)))]
        value = options[control][int(rng.integers(len(options[control])))]
        kernel = kernels[which]
        counter = []
        monkeypatch.setattr(frame_cache, "encode", _counting_encode(counter))
        _apply(kernel, control, value, options[control])
        found += not counter
        monkeypatch.setattr(frame_cache, "encode", _ENCODE)
        settings[which][control] = value
        shown = _pixels(kernel.live.image.value)
        assert np.array_equal(shown, _drawn_now(kernel.live)), (name, settings[which])
        # A fresh figure moved to the same settings (the same background: no full redraw between) draws it too.
        key = tuple(settings[which].items())
        if key not in fresh_pictures:
            fresh = factory()
            for setting, chosen in settings[which].items():
                _apply(fresh, setting, chosen, options[setting])
            fresh_pictures[key] = (fresh.live.state_key(()), _drawn_now(fresh.live))
        background, picture = fresh_pictures[key]
        if background == kernel.live.state_key(()):
            compared_fresh += 1
            assert np.array_equal(shown, picture), (name, settings[which])
    assert compared_fresh >= 5 and found >= 1, (compared_fresh, found)


_ENCODE = frame_cache.encode


def _counting_encode(counter: list):
    def encode(*args, **kwargs):
        counter.append(1)
        return _ENCODE(*args, **kwargs)
    return encode
