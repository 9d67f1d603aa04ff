"""Time of the model computations a slider move triggers, against a per-call budget.

Run: ``.venv/bin/python benchmarks/model_speed.py [--calls N] [--budget-ms MS]``

A slider move recomputes a model before the figure is redrawn (the redraw is timed by
``widget_latency.py``). Each model below is called ``--calls`` times with the arguments a
slider move uses; the mean, median and 95th percentile per call are printed, and the
exit status is 1 if a mean exceeds the budget (5 ms by default: a slider needs the
model, the redraw and the PNG encode within a frame or two). Wall-clock timings depend
on the machine and its load, so they are measured here, not asserted in the test suite.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

import numpy as np

from spinelab.guarding import flexion_relaxation, guarding, treatments
from spinelab.guarding.guarding import GuardingParams
from spinelab.multifidus import recovery


def models() -> dict[str, Callable[[], object]]:
    """The calls to time, by name: each one what a single slider move computes."""
    weeks = np.linspace(0.0, 12.0, 241)
    dry_needling = treatments.get("dry needling")
    return {
        "guarding.simulate (no treatment)": lambda: guarding.simulate(GuardingParams(loop_gain=0.5)),
        "guarding.simulate (dry needling, day 10)": lambda: guarding.simulate(
            GuardingParams(loop_gain=0.5), dry_needling, start_day=10),
        "recovery.predict (start week 2, adherence 0.7)": lambda: recovery.predict(weeks, 2.0, 0.7),
        "flexion_relaxation.envelope (guarding 0.6)": lambda: flexion_relaxation.envelope(0.6),
    }


def time_calls(call: Callable[[], object], calls: int) -> list[float]:
    """Milliseconds per call, after one warm-up call."""
    call()
    timings = []
    for _ in range(calls):
        start = time.perf_counter()
        call()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200, help="timed calls per model")
    parser.add_argument("--budget-ms", type=float, default=5.0, help="largest acceptable mean per call")
    args = parser.parse_args()
    print(f"{'model':<48} {'mean':>8} {'p50':>8} {'p95':>8}")
    over = []
    for name, call in models().items():
        timings = time_calls(call, args.calls)
        mean = float(np.mean(timings))
        print(f"{name:<48} {mean:>6.2f}ms {np.percentile(timings, 50):>6.2f}ms {np.percentile(timings, 95):>6.2f}ms")
        if mean > args.budget_ms:
            over.append(name)
    if over:
        print(f"over the {args.budget_ms:g} ms budget: {', '.join(over)}")
        return 1
    print(f"every model within the {args.budget_ms:g} ms budget per call")
    return 0


if __name__ == "__main__":
    sys.exit(main())
