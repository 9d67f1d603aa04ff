"""Kernel time of a page's ``request_states``: ipywidgets' own reply against spinelab's.

Run: ``.venv/bin/python benchmarks/page_states.py [--runs N] [--notebook PATH]``

When a Voilà page opens, its widget manager asks the kernel for every widget's state on the
``jupyter.widget.control`` comm. This runs the notebook's code in this process (as a class kernel
does), answers that request ``--runs`` times with ipywidgets' handler, then with
:func:`spinelab.course.widget_internals.install_fast_state_replies`'s, into a comm that only
keeps the last message, and prints the median of each.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import ipywidgets as widgets

from spinelab.course.widget_internals import install_fast_state_replies
from spinelab.publish.frame_warmup import run_notebook

REQUEST = {"content": {"data": {"method": "request_states"}}}


class LastMessage:
    """A stand-in for the control comm that keeps the last message sent."""

    def __init__(self) -> None:
        self.sent: tuple[dict, list] | None = None

    def send(self, data: dict, buffers: list | None = None) -> None:
        """Keep the message."""
        self.sent = (data, buffers or [])

    def on_msg(self, callback: object) -> None:
        """Nothing to register: the benchmark calls the handler itself."""


def p50_ms(runs: int) -> tuple[float, int]:
    """Median milliseconds of one reply over ``runs`` (after one untimed), and the widgets in it."""
    comm = LastMessage()
    widgets.Widget._control_comm = comm
    widgets.Widget._handle_control_comm_msg(REQUEST)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        widgets.Widget._handle_control_comm_msg(REQUEST)
        timings.append((time.perf_counter() - start) * 1000)
    assert comm.sent is not None
    return statistics.median(timings), len(comm.sent[0]["states"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed replies of each kind")
    parser.add_argument("--notebook", type=Path, default=Path("notebooks/02_protective_guarding.ipynb"))
    args = parser.parse_args()
    run_notebook(args.notebook)
    before, count = p50_ms(args.runs)
    install_fast_state_replies()
    after, _ = p50_ms(args.runs)
    print(f"widgets = {count}; request_states p50 = {before:.1f} ms (ipywidgets) -> {after:.1f} ms (spinelab)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
