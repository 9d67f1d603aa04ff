"""Slider-move latency of every interactive figure of the course, against a naive re-plot.

Run: ``.venv/bin/python benchmarks/widget_latency.py [--moves N]``

Every displayable class in ``spinelab`` whose instances hold a ``live``
:class:`~spinelab.course.live.LiveFigure` is an interactive figure; each of its
sliders is moved across its range. A move is
timed from the value change to the new PNG frame in the ``Image`` widget: the
model computation, the blitted redraw and the PNG encode, i.e. everything the
front end receives. The same moves are then made the naive way, as an
``interact`` with an inline figure would: compute the model and render the whole
figure as the inline backend does (``savefig`` to PNG, tight bounding box, default
compression). The naive timing leaves out building the figure's axes and artists
anew, so it is a lower bound on a real naive re-plot and the speed-up is
conservative. Run in one process, so the two are compared on the same machine state. The update is timed twice:
every frame encoded, and with the frame found in the frame cache (drawn before by another instance, as the class's
warm-up or another student's kernel does).

With ``--browser`` it measures what a student sees as well: every notebook served by Voilà (``spinelab
present``'s hardened server, presenter style, or ``--style desk``) in Chromium, every slider that redraws a figure
pressed with the arrow keys, ``--presses`` times one way and back. Each press is timed in the page, from the
``keydown`` event to the next animation frame after the changed image has decoded (``img.decode()``): the
key press to a changed picture, kernel, transfer and decode included, without the driver's polling. Every notebook
is visited twice: first with an empty frame cache (``--encoding`` chooses the encoding), then with the frames the
first visit drew. The last line then reads ``browser key press to picture p50 = X ms, p95 = Y ms (frames cached)``,
the line before it the first visit's.
Otherwise it reads ``widget update p95 = X ms (frame cached: C ms); naive re-plot p95 = Y ms; speed-up = Z x``.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import io
import os
import pkgutil
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import ipywidgets as widgets
import numpy as np
from browser_probes import TIMING, VIEWS_RENDERED, watch_figure

import spinelab
from spinelab.course import frame_cache, style
from spinelab.course.live import LiveFigure
from spinelab.multifidus.ultrasound_trainer import UltrasoundTrainer
from spinelab.publish import present, serving

SLIDERS = (widgets.FloatSlider, widgets.IntSlider, widgets.SelectionSlider, widgets.FloatLogSlider)
ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
TOKEN = "widget-latency-benchmark"
# Every enabled slider handle whose output holds a figure image, with a label naming the figure and the slider.
FIGURE_SLIDERS = """() => Array.from(document.querySelectorAll('.widget-slider .noUi-handle')).map((h, index) => {
    const output = h.closest('.jp-OutputArea-output');
    const enabled = !h.closest('.noUi-target').hasAttribute('disabled');
    const image = output && output.querySelector('.widget-image');
    const label = h.closest('.widget-slider').querySelector('.widget-label');
    return enabled && image ? {index, figure: (image.alt || '').slice(0, 48), slider: label ? label.textContent : ''}
                            : null;
}).filter(Boolean)"""
#: Before a key press: the promise of its key press to picture (null after 3 s).
WATCH_FIGURE = watch_figure(3000)


def interactive_figures() -> Iterator[type]:
    """Displayable classes of spinelab, built with default arguments, whose instances have a ``live`` figure."""
    seen: set[type] = set()
    for module_info in pkgutil.walk_packages(spinelab.__path__, "spinelab."):
        if module_info.ispkg:
            continue
        module = importlib.import_module(module_info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (cls.__module__ == module.__name__ and callable(getattr(cls, "_repr_mimebundle_", None))
                    and cls not in seen and _builds_without_arguments(cls)
                    and isinstance(getattr(cls(), "live", None), LiveFigure)):
                seen.add(cls)
                yield cls


def _builds_without_arguments(cls: type) -> bool:
    try:
        parameters = inspect.signature(cls).parameters.values()
    except (TypeError, ValueError):  # a built-in or C type: no signature to read
        return False
    return all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in parameters)


def sliders(instance: object) -> dict[str, widgets.Widget]:
    """The slider widgets an instance holds as attributes, by attribute name."""
    return {name: value for name, value in vars(instance).items() if isinstance(value, SLIDERS)}


def slider_values(slider: widgets.Widget, moves: int) -> list[object]:
    """``moves`` values sweeping the slider's range back and forth."""
    if isinstance(slider, widgets.SelectionSlider):
        options = list(slider.options)
        sweep = options + options[-2:0:-1]
    else:
        up = np.linspace(slider.min, slider.max, 12)
        if isinstance(slider, widgets.IntSlider):
            up = up.round().astype(int)
        sweep = up.tolist() + up[::-1].tolist()[1:-1]
    return [sweep[i % len(sweep)] for i in range(1, moves + 1)]


def time_updates(cls: type, moves: int, cached: bool = False) -> list[float]:
    """Milliseconds per slider move on one live instance, every frame encoded, or ``cached`` by another kernel.

    Each move starts with this process's frames in memory forgotten: without ``cached`` every frame is encoded
    (as on a first visit with no frame cache); with it, an instance drew the same moves before, untimed, into a
    frame cache on disk, so each timed move finds its frame there (as a kernel does once the class's warm-up or
    another student drew it).
    """
    with tempfile.TemporaryDirectory(prefix="frames-") as folder:
        os.environ[frame_cache.CACHE_ENV] = folder if cached else "off"
        if cached:
            warm = cls()
            for name, slider in sliders(warm).items():
                for value in slider_values(slider, moves):
                    getattr(warm, name).value = value
        instance = cls()
        timings = []
        for name, slider in sliders(instance).items():
            for value in slider_values(slider, moves):
                frame_cache.shared().memory.clear()
                start = time.perf_counter()
                getattr(instance, name).value = value
                timings.append((time.perf_counter() - start) * 1000)
        os.environ[frame_cache.CACHE_ENV] = "off"
    return timings


def time_naive(cls: type, moves: int) -> list[float]:
    """Milliseconds per move when the whole figure is re-rendered as an inline ``interact`` would."""
    instance = cls()
    figure = instance.live.figure
    timings = []
    for name, slider in sliders(instance).items():
        for value in slider_values(slider, moves):
            start = time.perf_counter()
            getattr(instance, name).value = value
            for artist in instance.live.dynamic_artists:
                artist.set_animated(False)
            figure.savefig(io.BytesIO(), format="png", dpi=figure.dpi, bbox_inches="tight")
            timings.append((time.perf_counter() - start) * 1000)
            for artist in instance.live.dynamic_artists:
                artist.set_animated(True)
    return timings


def time_clicks(clicks: int) -> list[float]:
    """Milliseconds per click on the ultrasound trainer's image (an ipyevents event, as the browser sends it)."""
    trainer = UltrasoundTrainer()
    axes, height = trainer.live.axes[0], trainer.live.figure.bbox.height
    angles = np.linspace(0.0, 2.0 * np.pi, clicks, endpoint=False)
    timings = []
    for angle in angles:
        x, y = axes.transData.transform((3.0 + 1.0 * np.cos(angle), 2.5 + 0.8 * np.sin(angle)))
        start = time.perf_counter()
        trainer.events._dom_handlers({"event": "click", "type": "click", "dataX": x, "dataY": height - y})
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_voila(work: Path, presenter: bool, encoding: str) -> tuple[subprocess.Popen, str]:
    """``present``'s Voilà on a copy of the notebooks, a fresh frame cache in ``work``; returns it and its base URL."""
    shutil.copytree(ROOT / "notebooks", work / "notebooks")
    listen = serving.listen_on("127.0.0.1", _free_port(), TOKEN)
    # No warm-up: the first visit measures frames nobody has drawn yet (present's warm-up not there yet).
    env = present.prepare_present(work / "present", listen, work / "notebooks", warm_up=False)
    env.update({"SPINELAB_PRESENTER": "1" if presenter else "0", frame_cache.CACHE_ENV: str(work / "frames"),
                frame_cache.ENCODING_ENV: encoding})
    server = subprocess.Popen(serving.voila_command(work / "notebooks", work / "present"), env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{listen.port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/voila/render/00_start_here.ipynb?token={TOKEN}", timeout=60):
                return server, base
        except OSError:
            time.sleep(0.3)  # polling the server until it answers
    server.terminate()
    raise TimeoutError("Voilà did not answer within 60 s")


#: Key press to the new image source in the page (the frame arrived), before it is decoded and drawn.
SOURCE_SET = "new image source set"


def browser_presses(base: str, presses: int) -> dict[str, list[float]]:
    """Key press to changed picture, ms, in Chromium, by figure and slider, over every notebook.

    Under :data:`SOURCE_SET`, the same presses to the moment the new frame reached the image.
    """
    from playwright.sync_api import sync_playwright

    timings: dict[str, list[float]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        for notebook in sorted(path.name for path in (ROOT / "notebooks").glob("*.ipynb")):
            page.goto(f"{base}/voila/render/{notebook}?token={TOKEN}", timeout=120_000)
            page.wait_for_selector("#rendered_cells", state="visible", timeout=120_000)
            page.wait_for_function(VIEWS_RENDERED, timeout=120_000)
            page.evaluate(TIMING)
            for slider in page.evaluate(FIGURE_SLIDERS):
                name = f"{notebook[:3]}{slider['figure'][:30]} | {slider['slider'][:24]}"
                handle = page.locator(".widget-slider .noUi-handle").nth(slider["index"])
                handle.scroll_into_view_if_needed()
                handle.focus()
                value, top = (float(handle.get_attribute(key)) for key in ("aria-valuenow", "aria-valuemax"))
                first, back = ("ArrowLeft", "ArrowRight") if value >= top else ("ArrowRight", "ArrowLeft")
                for key in [first] * presses + [back] * presses:
                    handle.evaluate(WATCH_FIGURE)
                    page.keyboard.press(key)
                    done = page.evaluate("() => window.spinelabTiming.picture")
                    if done is None:
                        break  # the slider's end, or a move drawing nothing
                    source = page.evaluate("() => window.spinelabTiming.source")
                    timings.setdefault(name, []).append(done)
                    timings.setdefault(SOURCE_SET, []).append(source)
        browser.close()
    return timings


DECODE = """async ([data, type, repeats]) => {
    const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
    const times = [];
    for (let i = 0; i < repeats; i++) {
        const url = URL.createObjectURL(new Blob([bytes], {type}));
        const image = new Image();
        const start = performance.now();
        image.src = url;
        await image.decode();
        times.push(performance.now() - start);
        URL.revokeObjectURL(url);
    }
    return times;
}"""


def sample_frames(presenter: bool, count: int) -> list:
    """RGBA pixels of ``count`` slider positions of every interactive figure, in one style."""
    style.use(presenter=presenter)
    frames = []
    for cls in interactive_figures():
        instance = cls()
        for name, slider in list(sliders(instance).items())[:1]:
            for value in slider_values(slider, count):
                getattr(instance, name).value = value
                frames.append(np.asarray(instance.live.canvas.buffer_rgba()).copy())
    style.use(presenter=False)
    return frames


def run_encodings(args: argparse.Namespace) -> None:
    """Each encoding's size, encode time (here) and decode time in Chromium, at desk and presenter scale."""
    import base64

    from playwright.sync_api import sync_playwright

    print(f"{'encoding':<10} {'scale':<9} {'median kB':>9} {'encode p50':>10} {'decode p50':>10} "
          f"{'decode p95':>10}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page()
        for presenter in (False, True):
            frames = sample_frames(presenter, args.presses)
            for name in sorted(frame_cache.ENCODINGS):
                mime = f"image/{frame_cache.ENCODINGS[name][0]}"
                sizes, encodes, decodes = [], [], []
                for pixels in frames:
                    start = time.perf_counter()
                    data = frame_cache.encode(pixels, name)
                    encodes.append((time.perf_counter() - start) * 1000)
                    sizes.append(len(data) / 1024)
                    decodes += page.evaluate(DECODE, [base64.b64encode(data).decode(), mime, 5])[1:]
                print(f"{name:<10} {'presenter' if presenter else 'desk':<9} {np.median(sizes):>9.0f} "
                      f"{np.median(encodes):>8.1f}ms {np.median(decodes):>8.1f}ms {np.percentile(decodes, 95):>8.1f}ms")
        browser.close()
    print(f"load average {os.getloadavg()[0]:.1f}")


def report_presses(timings: dict[str, list[float]], visit: str) -> list[float]:
    """Print one visit's presses per figure and slider; return them all."""
    sources = timings.pop(SOURCE_SET, [0.0])
    print(f"{visit}\n{'figure | slider':<60} {'presses':>7} {'p50':>8} {'p95':>8}")
    for name, values in timings.items():
        print(f"{name:<60} {len(values):>7} {np.percentile(values, 50):>6.1f}ms {np.percentile(values, 95):>6.1f}ms")
    print(f"{'(every press, until the ' + SOURCE_SET + ')':<60} {len(sources):>7} "
          f"{np.percentile(sources, 50):>6.1f}ms {np.percentile(sources, 95):>6.1f}ms")
    return [value for values in timings.values() for value in values]


def run_browser(args: argparse.Namespace) -> None:
    """The ``--browser`` measurement: per figure and slider, then over all, on a first and a second visit.

    The first visit starts with an empty frame cache; the second, pages (and kernels) opened anew, finds the
    frames the first drew, as a class does after its warm-up or an instructor presenting again on one machine.
    """
    visits = []
    with tempfile.TemporaryDirectory(prefix="widget-latency-") as folder:
        server, base = start_voila(Path(folder), args.style == "presenter", args.encoding)
        try:
            for visit in ("first visit (frames not cached yet)", "second visit (frames cached)"):
                visits.append(report_presses(browser_presses(base, args.presses), visit))
        finally:
            server.terminate()
            server.wait(timeout=30)
        frames = [path.stat().st_size for path in Path(folder, "frames").rglob("*.frame")]
    first, second = visits
    print(f"{args.style} style, {args.encoding} frames: {len(frames)} frames, median "
          f"{np.median(frames or [0]) / 1024:.0f} kB; load average {os.getloadavg()[0]:.1f}; first visit p50 = "
          f"{np.percentile(first, 50):.1f} ms, p95 = {np.percentile(first, 95):.1f} ms")
    print(f"browser key press to picture p50 = {np.percentile(second, 50):.1f} ms, "
          f"p95 = {np.percentile(second, 95):.1f} ms (frames cached)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=40, help="moves per slider (naive: a quarter of them)")
    parser.add_argument("--browser", action="store_true", help="measure key press to picture in Chromium (Voilà)")
    parser.add_argument("--presses", type=int, default=6, help="browser: key presses each way per slider")
    parser.add_argument("--style", choices=("presenter", "desk"), default="presenter", help="browser: figure style")
    parser.add_argument("--encoding", choices=sorted(frame_cache.ENCODINGS), default=frame_cache.DEFAULT_ENCODING,
                        help="browser: the frames' encoding")
    parser.add_argument("--encodings", action="store_true",
                        help="compare the encodings: size, encode time, decode time in Chromium")
    args = parser.parse_args()
    os.environ[frame_cache.CACHE_ENV] = "off"  # this process's frames: in memory, never the user's cache
    if args.encodings:
        run_encodings(args)
        return
    if args.browser:
        run_browser(args)
        return
    style.use(presenter=False)
    all_updates, all_cached, all_naive = [], [], []
    print(f"{'figure':<40} {'sliders':>7} {'update p50':>11} {'update p95':>11} {'cached p50':>11} "
          f"{'cached p95':>11} {'naive p50':>10} {'naive p95':>10}")
    for cls in interactive_figures():
        updates = time_updates(cls, args.moves)
        if not updates:
            continue
        cached = time_updates(cls, args.moves, cached=True)
        naive = time_naive(cls, max(args.moves // 4, 5))
        all_updates += updates
        all_cached += cached
        all_naive += naive
        print(
            f"{cls.__module__.removeprefix('spinelab.') + '.' + cls.__name__:<40} {len(sliders(cls())):>7} "
            f"{np.percentile(updates, 50):>9.1f}ms {np.percentile(updates, 95):>9.1f}ms "
            f"{np.percentile(cached, 50):>9.1f}ms {np.percentile(cached, 95):>9.1f}ms "
            f"{np.percentile(naive, 50):>8.1f}ms {np.percentile(naive, 95):>8.1f}ms"
        )
    clicks = time_clicks(args.moves)
    all_updates += clicks
    print(f"{'multifidus.ultrasound_trainer (clicks)':<40} {'-':>7} {np.percentile(clicks, 50):>9.1f}ms "
          f"{np.percentile(clicks, 95):>9.1f}ms {'-':>11} {'-':>11} {'-':>10} {'-':>10}")
    update_p95, naive_p95 = np.percentile(all_updates, 95), np.percentile(all_naive, 95)
    print(f"load average {os.getloadavg()[0]:.1f}")
    print(f"widget update p95 = {update_p95:.1f} ms (frame cached: {np.percentile(all_cached, 95):.1f} ms); "
          f"naive re-plot p95 = {naive_p95:.1f} ms; speed-up = {naive_p95 / update_p95:.1f} x")


if __name__ == "__main__":
    main()
