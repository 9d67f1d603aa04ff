"""The class server's kernel manager: the pool is filled once for the whole class, then only spares are kept warm.

Voilà's preheated pool (``VoilaConfiguration.preheat_kernel``) replaces every kernel a student takes, one second
later. For a class arriving at once that doubles the kernels (the class plus a refilled pool) and starts as many
kernels, each running the whole notebook, while the students' pages load and their sliders move: on 2 cores the
pages took a minute and slider moves 0.7 s. This manager keeps Voilà's first fill (one kernel per student plus
spares) and then lowers the pool's target to :attr:`ClassKernelManager.warm_spares`: a kernel taken is replaced
only when fewer than that many are left warm (late arrivals, reloads).

It also logs ``Class ready: N preheated kernels
have run <notebook>`` once every kernel of the first fill has run
the notebook (or been taken by a student), the moment the instructor can open the doors, and prints
:attr:`ClassKernelManager.ready_file` (the URL and its QR code again: the start-up log has scrolled them away).

Both the class server and ``present`` start their kernels through :class:`GuardedKernelManager`: a kernel beyond
:attr:`GuardedKernelManager.max_kernels` (the class plan's peak), or one the machine has no memory left for
(``MemAvailable``, read again before every kernel), is refused with :class:`KernelRefusedError`, which the server
(:mod:`spinelab.publish.server`) turns into a page saying the class is full. From the server's start it runs the
frame cache's warm-up (:attr:`GuardedKernelManager.warm_up`, :mod:`spinelab.publish.frame_warmup`) as its own
child process: for the class's notebook while the pool fills, for every notebook in ``present``.

It relies on Voilà 0.5's pool manager, which subclasses the configured ``multi_kernel_manager_class`` and fills
the pool right after ``__init__``; the private parts it reads and sets are reached through
:mod:`spinelab.publish.internals`, which checks the installed versions first.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado.ioloop import IOLoop
from traitlets import Integer, List, Unicode

from spinelab.publish import internals
from spinelab.publish.classroom import KERNEL_MB, mem_available_mb


class KernelRefusedError(RuntimeError):
    """No new kernel: the class is at its planned peak, or the machine cannot hold another kernel."""


class GuardedKernelManager(AsyncMappingKernelManager):
    """A kernel manager that refuses a kernel beyond :attr:`max_kernels` or the memory this machine has left."""

    max_kernels = Integer(0, config=True, help="Most kernels running or starting at once (0: no limit).")
    kernel_mb = Integer(KERNEL_MB, config=True, help="Memory one kernel needs, MB; checked before each start.")
    meminfo = Unicode("/proc/meminfo", config=True, help="Where MemAvailable is read.")
    warm_up = List(Unicode(), config=True,
                   help="Notebooks whose figures a process draws into the frame cache, one after another, from the "
                        "server's start (spinelab.publish.frame_warmup).")
    warm_up_seconds = Integer(120, config=True, help="Seconds the warm-up may take in all.")
    #: The running warm-up (kept so that it is not garbage-collected while it runs).
    warm_ups: list[asyncio.Future]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.warm_ups = []
        if self.warm_up:
            IOLoop.current().add_callback(self.start_warm_up)

    def start_warm_up(self) -> None:
        """Start :meth:`warm_frames` once the server's loop runs."""
        self.warm_ups.append(asyncio.ensure_future(self.warm_frames()))

    async def warm_frames(self) -> int:
        """Run the frame cache's warm-up for :attr:`warm_up` as a child of the server (which reaps it); its status."""
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "spinelab.publish.frame_warmup", *self.warm_up,
            "--seconds", str(self.warm_up_seconds), stdin=asyncio.subprocess.DEVNULL)
        return await process.wait()

    def room_for_a_kernel(self) -> None:
        """Raise :class:`KernelRefusedError` when another kernel would pass the limit or the free memory."""
        running = len(internals.kernel_ids(self))
        if self.max_kernels and running >= self.max_kernels:
            raise KernelRefusedError(f"{running} kernels are running, the most this class was planned for")
        available = mem_available_mb(Path(self.meminfo))
        if available is not None and available < self.kernel_mb:
            raise KernelRefusedError(f"{available} MB of memory available, a kernel needs {self.kernel_mb} MB")

    async def start_kernel(self, *args: object, kernel_id: str | None = None, **kwargs: object) -> str:
        """Start a kernel when there is room for it (see :meth:`room_for_a_kernel`); return its id."""
        if kernel_id is None or kernel_id not in self:
            try:
                self.room_for_a_kernel()
            except KernelRefusedError as refusal:
                self.log.warning("New kernel refused: %s", refusal)
                raise
        return await super().start_kernel(*args, kernel_id=kernel_id, **kwargs)


class ClassKernelManager(GuardedKernelManager):
    """Voilà's kernel manager base for a class: after the first fill, keep only ``warm_spares`` kernels warm."""

    warm_spares = Integer(2, config=True, help="Kernels kept preheated once the class has taken the first pool.")
    ready_file = Unicode("", config=True, help="A text file printed once the class is ready (the URL, a QR code).")
    #: The tasks logging "Class ready" (kept so that they are not garbage-collected while they wait).
    ready_watchers: list[asyncio.Future]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.ready_watchers = []
        # Voilà fills the pool synchronously right after this returns; the callback runs once the server's loop
        # starts, so the first fill still uses the full class size.
        IOLoop.current().add_callback(self.keep_only_spares_warm)

    def keep_only_spares_warm(self) -> None:
        """Lower every pool's target to :attr:`warm_spares`, and watch the first fill (no-op without a pool)."""
        internals.set_pool_sizes(self, self.warm_spares)
        self.ready_watchers = [asyncio.ensure_future(self.announce_ready(notebook, list(pool)))
                               for notebook, pool in internals.pools(self).items()]

    async def announce_ready(self, notebook: str, pool: list[asyncio.Future]) -> int:
        """Log once every kernel of ``pool`` has run ``notebook``; return how many did."""
        start = time.monotonic()
        ready = 0
        for item in pool:
            try:
                content = await item
                await content["task"]
            except Exception:  # Voilà logs a kernel that failed to start; the others still count
                continue
            ready += 1
        failed = f", {len(pool) - ready} failed (see above)" if ready < len(pool) else ""
        self.log.info("Class ready: %d preheated kernels have run %s in %.0f s%s", ready, notebook,
                      time.monotonic() - start, failed)
        if self.ready_file:
            print(Path(self.ready_file).read_text(), end="", flush=True)
        return ready
