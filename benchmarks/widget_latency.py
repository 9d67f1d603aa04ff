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
conservative. Run in one process, so the two are compared on the same machine state. The last line reads
``widget update p95 = X ms; naive re-plot p95 = Y ms; speed-up = Z x``.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import io
import pkgutil
import time
from collections.abc import Iterator

import ipywidgets as widgets
import numpy as np

import spinelab
from spinelab.course import style
from spinelab.course.live import LiveFigure
from spinelab.multifidus.ultrasound_trainer import UltrasoundTrainer

SLIDERS = (widgets.FloatSlider, widgets.IntSlider, widgets.SelectionSlider, widgets.FloatLogSlider)


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
    parameters = inspect.signature(cls).parameters.values()
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


def time_updates(cls: type, moves: int) -> list[float]:
    """Milliseconds per slider move on one live instance."""
    instance = cls()
    timings = []
    for name, slider in sliders(instance).items():
        for value in slider_values(slider, moves):
            start = time.perf_counter()
            getattr(instance, name).value = value
            timings.append((time.perf_counter() - start) * 1000)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=40, help="moves per slider (naive: a quarter of them)")
    args = parser.parse_args()
    style.use(presenter=False)
    all_updates, all_naive = [], []
    print(f"{'figure':<40} {'sliders':>7} {'update p50':>11} {'update p95':>11} {'naive p50':>10} {'naive p95':>10}")
    for cls in interactive_figures():
        updates = time_updates(cls, args.moves)
        if not updates:
            continue
        naive = time_naive(cls, max(args.moves // 4, 5))
        all_updates += updates
        all_naive += naive
        print(
            f"{cls.__module__.removeprefix('spinelab.') + '.' + cls.__name__:<40} {len(sliders(cls())):>7} "
            f"{np.percentile(updates, 50):>9.1f}ms {np.percentile(updates, 95):>9.1f}ms "
            f"{np.percentile(naive, 50):>8.1f}ms {np.percentile(naive, 95):>8.1f}ms"
        )
    clicks = time_clicks(args.moves)
    all_updates += clicks
    print(f"{'multifidus.ultrasound_trainer (clicks)':<40} {'-':>7} {np.percentile(clicks, 50):>9.1f}ms "
          f"{np.percentile(clicks, 95):>9.1f}ms {'-':>10} {'-':>10}")
    update_p95, naive_p95 = np.percentile(all_updates, 95), np.percentile(all_naive, 95)
    print(f"widget update p95 = {update_p95:.1f} ms; naive re-plot p95 = {naive_p95:.1f} ms; "
          f"speed-up = {naive_p95 / update_p95:.1f} x")


if __name__ == "__main__":
    main()
