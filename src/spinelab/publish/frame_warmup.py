"""Warm the frame cache for notebooks: run each one's code, then move every figure slider through its positions once.

``make class`` starts this for its notebook in a process of its own while the kernels preheat, and ``make present``
for every notebook, in course order, once its server starts (their kernel manager,
:class:`spinelab.publish.class_kernels.GuardedKernelManager`, runs it as its child), with the server's environment,
so the frames are drawn in the style the kernels use and land in the server's frame cache
(:mod:`spinelab.course.frame_cache`). Each slider moves from where the notebook leaves it to the nearest
positions first (arrow keys and drags hit those first), one slider at a time, the others where they were; a
position whose frame is cached costs a blit. It stops after ``--seconds`` in all, or when the server that started it
ends, and prints one line per notebook.

    python -m spinelab.publish.frame_warmup notebooks/02_protective_guarding.ipynb --seconds 120
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import os
import sys
import time
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import ipywidgets as widgets
import numpy as np

from spinelab.course import frame_cache

#: Seconds a warm-up may take in all; the class opens without it if need be.
DEFAULT_SECONDS = 120.0
#: Most positions of one slider (a fine float slider is sampled evenly).
MAX_POSITIONS = 121
SLIDERS = (widgets.IntSlider, widgets.FloatSlider, widgets.SelectionSlider)


def _shell():
    """This process's IPython shell, made without history: nothing run here is worth a database in the profile."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    return InteractiveShell.instance(config=Config({"HistoryManager": {"enabled": False}}))


def run_notebook(path: Path) -> None:
    """Run the code cells of the notebook at ``path`` in an IPython shell of this process (outputs dropped)."""
    shell = _shell()
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in cells:
            if cell["cell_type"] == "code":
                result = shell.run_cell("".join(cell["source"]), store_history=False, silent=True)
                result.raise_error()


def forget_notebook() -> None:
    """Close every widget and empty the shell's namespace: the next notebook's sliders are its own."""
    widgets.Widget.close_all()
    _shell().reset(new_session=False)
    gc.collect()


def live_sliders() -> list[widgets.Widget]:
    """Every open, enabled slider of this process, in a fixed order (by model id)."""
    found = [item for item in gc.get_objects()
             if isinstance(item, SLIDERS) and item.comm is not None and not item.disabled]
    return sorted(found, key=lambda slider: slider.model_id)


def positions(slider: widgets.Widget) -> list[object]:
    """The slider's values, nearest to its current value first (at most :data:`MAX_POSITIONS`)."""
    if isinstance(slider, widgets.SelectionSlider):
        values = list(slider.options)
        if values and isinstance(values[0], tuple):
            values = [value for _, value in values]
        start = values.index(slider.value)
        order = sorted(range(len(values)), key=lambda index: abs(index - start))
        return [values[index] for index in order if index != start]
    count = round((slider.max - slider.min) / slider.step) + 1
    # As the page's slider sends them: multiples of the step, rounded to its decimals (0.07, not 0.07000000000000001).
    decimals = max(0, -Decimal(str(slider.step)).normalize().as_tuple().exponent)
    grid = (slider.min + slider.step * np.arange(count)).round(decimals)
    if count > MAX_POSITIONS:
        grid = grid[np.linspace(0, count - 1, MAX_POSITIONS).round().astype(int)]
    if isinstance(slider, widgets.IntSlider):
        grid = grid.astype(int)
    grid = [value for value in grid.tolist() if value != slider.value]
    return sorted(grid, key=lambda value: abs(value - slider.value))


def warm(notebook: Path, deadline: float, parent: int) -> int:
    """Run ``notebook`` and move its sliders until done, ``deadline`` (:func:`time.monotonic`) has passed or the
    server (``parent``) ended.

    Returns
    -------
    int
        Slider positions drawn.
    """
    run_notebook(notebook)
    moves = 0
    for slider in live_sliders():
        start = slider.value
        try:
            for value in positions(slider):
                if time.monotonic() > deadline or os.getppid() != parent:
                    return moves
                slider.value = value
                moves += 1
        finally:
            slider.value = start
    return moves


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m spinelab.publish.frame_warmup NOTEBOOK [NOTEBOOK ...] [--seconds S]``; 1 if a notebook failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", type=Path, nargs="+", metavar="notebook")
    parser.add_argument("--seconds", type=float, default=DEFAULT_SECONDS, help="in all, for every notebook")
    args = parser.parse_args(argv)
    with contextlib.suppress(OSError, AttributeError):
        os.nice(5)  # the kernels preheating, and the pages being used, come first
    names = ", ".join(notebook.name for notebook in args.notebooks)
    if frame_cache.cache_folder() is None:
        print(f"Frame cache off ({frame_cache.CACHE_ENV}): {names} not warmed", flush=True)
        return 0
    deadline, parent = time.monotonic() + args.seconds, os.getppid()
    status = 0
    for notebook in args.notebooks:
        if time.monotonic() > deadline:
            print(f"Frame cache not warmed for {notebook.name}: the warm-up's {args.seconds:.0f} s are spent",
                  flush=True)
            continue
        if os.getppid() != parent:
            return status
        begun = time.monotonic()
        try:
            moves = warm(notebook, deadline, parent)
        except Exception as error:  # the server runs without a warm cache; say why
            print(f"Frame cache not warmed for {notebook.name}: {type(error).__name__}: {error}", flush=True)
            status = 1
        else:
            cut = " (cut short)" if time.monotonic() > deadline else ""
            print(f"Frame cache warmed for {notebook.name}: {moves} slider positions in "
                  f"{time.monotonic() - begun:.0f} s{cut} ({frame_cache.cache_folder()})", flush=True)
        finally:
            forget_notebook()
    return status


if __name__ == "__main__":
    sys.exit(main())
