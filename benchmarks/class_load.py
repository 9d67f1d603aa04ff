"""A class opening one notebook at once on the class server (`make class`), measured.

Starts ``spinelab class`` on every interface with a token and a temporary copy of the notebooks, waits until it
logs "Class ready" (every preheated kernel has run the notebook, as an instructor would wait), then at once:

- ``students - browsers`` simulated students fetch the page over HTTP (httpx, asyncio) and read it to the end,
  then its static files as a browser would (every script, style and font a Chromium page of the notebook fetched
  from a class of one on a scratch server before the runs; 6 requests at once, gzipped), then do what their page's
  widgets would: over the kernel's websocket (Jupyter's v1 protocol), fetch every
  widget's state in one message (as ipywidgets 8 pages do) and move the first slider that redraws a figure
  ``--moves`` times, one move every ``--pace`` seconds, starting at a random (seeded) moment within the first
  ``--pace`` seconds; each move is timed until the kernel is idle again, its new figure sent;
- ``browsers`` real Chromium pages (Playwright, Debian's ``/usr/bin/chromium``), each in a tab opened before the
  burst as a student's browser is open before the class begins, load it until every widget has rendered and every
  simulated student is in, then move the first slider of a figure ``--moves`` times with the
  arrow keys, while the others move theirs. Each press is timed in the page, from its ``keydown`` event to the
  next animation frame after the figure's new image has decoded (as ``widget_latency.py --browser`` does).

The Chromium pages run at the lowest CPU priority (``--chromium-niceness 19``): in a class they are students'
laptops, not the server's 2 cores, yet here they share them, and 3 Chromium pages loading the notebook use more
CPU than the 40 kernels. At niceness 19 they take only the CPU the server and the simulated students leave, and
what they wait for counts in their own timings (a key press to picture waits for the page's renderer too). The
simulated students are light (one asyncio client, about 50 ms of CPU per page and 1 ms per move) and they are the
instrument timing 37 students: they keep the server's priority. ``--chromium-niceness 0`` runs Chromium at the
server's priority. As root, Chromium would raise its browser and GPU processes to niceness -8, above the server
(as in the measurements before 2026-12-06's last ones): the benchmark takes that capability away, as an ordinary
user never has it.

The class's kernels share a frame cache (``--frames``, kept between the runs as between the classes of one
machine, and warmed while the kernels preheat); ``--no-frame-cache`` runs them with frames in memory only.

A page counts as complete when its HTML arrived and the kernel sent every widget's state (simulated students:
what the page's widget manager needs; drawing the widgets is the laptop's work) or when all its widgets rendered
(Chromium, by the page's own clock: the frame in which the page found them drawn, not the later moment the
benchmark heard of it through Playwright, also printed); a failure is
a page that errors, shows an error output or is not complete within ``--timeout`` seconds, or a slider move that
does not change its figure (within 10 s in Chromium). It also reports the server's memory (server and kernels,
peak) and any kernel failure in the server's log (``Address already in use``, a kernel that died or restarted).

    .venv/bin/python benchmarks/class_load.py --students 40 --runs 3

One line per run, with the load average of the machine before and after it, then a last line over all runs (the
worst run's numbers, failures summed); its p95 slider is over every student's slider moves, the Chromium pages' key
press to picture and the simulated students' kernel round trips together::

    students = N; complete = K; p95 page = X s; p95 slider = Y ms; failures = F
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import re
import shlex
import shutil
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psutil
import websockets
from browser_probes import TIMING, VIEWS_RENDERED, watch_figure
from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1, serialize_msg_to_ws_v1
from playwright.async_api import TimeoutError as PlaywrightTimeout
from playwright.async_api import async_playwright

from spinelab.course import frame_cache
from spinelab.publish import classroom

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
TOKEN = "class-load-benchmark"
SLIDER_MODELS = {"IntSliderModel", "FloatSliderModel"}
WS_PROTOCOL = "v1.kernel.websocket.jupyter.org"
CONTROL = "jupyter.widget.control"
CONTROL_VERSION = "1.0.0"
#: Also a preheating kernel's output that came too late for Voilà's executor, and so is missing from a page.
KERNEL_FAILURES = re.compile(r"Address already in use|KernelRestarter: restarting|Kernel died|kernel died"
                             r"|Timeout waiting for IOPub output", re.I)
CLASS_READY = re.compile(r"Class ready: \d+ preheated kernels have run")
ERROR_OUTPUTS = ('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], '
                 '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]')
# The first enabled slider whose output holds a figure image: the one a student would move.
FIRST_FIGURE_SLIDER = """() => Array.from(document.querySelectorAll('.widget-slider .noUi-handle')).findIndex(h =>
    !h.closest('.noUi-target').hasAttribute('disabled')
    && h.closest('.jp-OutputArea-output') && h.closest('.jp-OutputArea-output').querySelector('.widget-image'))"""
#: How Voilà's page carries each output of a cell.
OUTPUT_SCRIPT = '<script type="application/vnd.voila.cell-output+json">'
#: What a page has drawn, for a failure's message: what matters, then how many widget views each output has drawn.
WHAT_IS_DRAWN = """() => [
    '.widget-slider .noUi-handle', '.noUi-target[disabled]', '.widget-image', '.widget-image[src]', '.jupyter-widgets']
    .map(selector => `${document.querySelectorAll(selector).length} ${selector}`).join(', ')
    + '; views per output: ' + Array.from(document.querySelectorAll('.jp-OutputArea-output:not([data-mime-type])'))
        .map(output => output.querySelectorAll('.jupyter-widgets').length).join(' ')"""
#: Each drawn output's type and first words, for a failure's message when a page has more or fewer than the notebook.
OUTPUTS_DRAWN = """() => Array.from(document.querySelectorAll('.jp-OutputArea-output')).map(output =>
    `${output.getAttribute('data-mime-type') || 'widget'}: ${output.textContent.trim().slice(0, 60)}`).join(' | ')"""
#: Before a key press: the promise of its key press to picture (null after 10 s).
WATCH_FIGURE = watch_figure(10000)
#: The Chromium pages yield the CPU to the server and to the simulated students: see the module's notes.
CHROMIUM_NICENESS = 19
#: A drawn page's navigation start (seconds since the epoch), then seconds from it: its HTML in, its load event.
MILESTONES = """() => { const navigation = performance.getEntriesByType('navigation')[0];
    return [performance.timeOrigin, navigation.responseEnd, navigation.loadEventEnd].map(ms => ms / 1000); }"""
PAGE_MILESTONES = ("asked", "navigation begun", "HTML in", "loaded", "complete", "seen by the benchmark")
#: When every widget is drawn, by the page's clock (milliseconds since the epoch), else false (polled every frame).
DRAWN_AT = f"() => ({VIEWS_RENDERED})() && performance.timeOrigin + performance.now()"
#: Requests a browser makes at once to one server (HTTP/1.1).
BROWSER_CONNECTIONS = 6
#: The same-origin static files a page has fetched, as paths with their query.
STATIC_FETCHED = """() => performance.getEntriesByType('resource').map(entry => new URL(entry.name))
    .filter(url => url.origin === location.origin && /\\/(static|labextensions)\\//.test(url.pathname))
    .map(url => url.pathname + url.search)"""
WARMED = re.compile(r"Frame cache (warmed for .*|not warmed.*)")


@dataclass
class RunResult:
    """What one run measured."""

    students: int
    #: The outputs of the notebook's cells: a page served or drawn with another number is a failure (widgets
    #: missing, or an output the notebook never made).
    outputs: int = 0
    pages: list[float] = field(default_factory=list)
    sliders: list[float] = field(default_factory=list)
    kernel_sliders: list[float] = field(default_factory=list)
    #: When the burst began (``time.perf_counter()``) and every slider move as (seconds since then, ms).
    begun: float = 0.0
    moves_at: list[tuple[float, float]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    pool_seconds: float = 0.0
    peak_memory_mb: float = 0.0
    kernel_mb: float = 0.0
    kernels: int = 0
    kernel_errors: int = 0
    load: tuple[float, float] = (math.nan, math.nan)
    warm_up: str = "no warm-up line in the log"
    cpu_seconds: dict[str, float] = field(default_factory=dict)
    #: Each drawn Chromium page, seconds since the burst began: asked for (Playwright's ``goto``), its navigation
    #: begun (Chromium's browser process, niced, may start it late), its HTML in, its load event, complete.
    milestones: list[tuple[float, ...]] = field(default_factory=list)
    #: When the burst began, seconds since the epoch (the pages' clocks).
    begun_epoch: float = 0.0

    def moved(self, ms: float, browser: bool) -> None:
        """Record one slider move of ``ms`` (Chromium's key press to picture, or a simulated round trip)."""
        (self.sliders if browser else self.kernel_sliders).append(ms)
        self.moves_at.append((time.perf_counter() - self.begun, ms))

    def timeline(self) -> list[str]:
        """One line per second of the burst: pages complete, slider moves, their p50 and p95."""
        last = math.ceil(max([at for at, _ in self.moves_at] + self.pages + [0.0]))
        lines = []
        for second in range(last):
            moves = [ms for at, ms in self.moves_at if second <= at < second + 1]
            pages = sum(second <= at < second + 1 for at in self.pages)
            middle = f"{statistics.median(moves):.0f}" if moves else "-"
            lines.append(f"  {second:3d}-{second + 1:<3d} s: pages {pages:2d}, moves {len(moves):3d}, "
                         f"p50 {middle} ms, p95 {p95(moves):.0f} ms")
        return lines

    @property
    def all_sliders(self) -> list[float]:
        """Every student's slider moves, ms: Chromium's key press to picture and the simulated round trips."""
        return self.sliders + self.kernel_sliders

    def line(self) -> str:
        return (f"students = {self.students}; complete = {len(self.pages)}; p95 page = {p95(self.pages):.2f} s; "
                f"p95 slider = {p95(self.all_sliders):.0f} ms; failures = {len(self.failures)}")


def p95(values: list[float]) -> float:
    """95th percentile (nearest rank); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MemorySampler(threading.Thread):
    """Peak resident memory of a process and its children, sampled twice a second."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.peak_mb = 0.0
        self.kernels_mb: list[float] = []
        self.stopped = threading.Event()

    def sample(self) -> None:
        try:
            children = self.process.children(recursive=True)
            sizes = [child.memory_info().rss / 2**20 for child in children if child.is_running()]
            self.kernels_mb = sizes
            self.peak_mb = max(self.peak_mb, self.process.memory_info().rss / 2**20 + sum(sizes))
        except psutil.Error:
            pass  # a kernel ended between listing and reading it

    def run(self) -> None:
        while not self.stopped.wait(0.5):
            self.sample()


class CpuSampler(threading.Thread):
    """CPU seconds (user + system) by role during the burst, every process sampled four times a second.

    Roles: the server, its descendants (the kernels), this process (the simulated students) and this process's
    other descendants (Playwright's driver and Chromium). A process's last sample counts, so one that ends loses at
    most a quarter of a second.
    """

    def __init__(self, server: int) -> None:
        super().__init__(daemon=True)
        self.server = psutil.Process(server)
        self.first: dict[int, float] = {}
        self.latest: dict[str, dict[int, float]] = {"server": {}, "kernels": {}, "simulated students": {},
                                                     "Chromium": {}}
        self.stopped = threading.Event()
        self.sample()
        self.first = {pid: seconds for pids in self.latest.values() for pid, seconds in pids.items()}

    def sample(self) -> None:
        mine = psutil.Process()
        try:
            kernels = self.server.children(recursive=True)
            chromium = [child for child in mine.children(recursive=True)
                        if child.pid != self.server.pid and child not in kernels]
        except psutil.Error:
            return  # the server ended
        for role, processes in (("server", [self.server]), ("kernels", kernels), ("simulated students", [mine]),
                                ("Chromium", chromium)):
            for process in processes:
                try:
                    times = process.cpu_times()
                except psutil.Error:
                    continue  # ended meanwhile
                self.latest[role][process.pid] = times.user + times.system

    def run(self) -> None:
        while not self.stopped.wait(0.25):
            self.sample()

    def used(self) -> dict[str, float]:
        """Stop sampling; CPU seconds by role since the sampler was made."""
        self.stopped.set()
        self.join()
        self.sample()
        return {role: sum(seconds - self.first.get(pid, 0.0) for pid, seconds in pids.items())
                for role, pids in self.latest.items()}


class KernelChannel:
    """A student's kernel over Jupyter's websocket, as a page's widget manager uses it (protocol v1)."""

    def __init__(self, socket) -> None:
        self.socket = socket
        self.session = uuid.uuid4().hex

    async def send(self, msg_type: str, content: dict, metadata: dict | None = None) -> str:
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "msg_type": msg_type, "username": "student", "session": self.session,
                  "date": datetime.now(UTC).isoformat(), "version": "5.4"}
        parts = [json.dumps(part).encode() for part in (header, {}, metadata or {}, content)]
        await self.socket.send(serialize_msg_to_ws_v1(parts, "shell"))
        return msg_id

    async def receive(self) -> dict:
        _, parts = deserialize_msg_from_ws_v1(await self.socket.recv())
        header, parent, _, content = (json.loads(part) for part in parts[:4])
        return {"msg_type": header["msg_type"], "parent_header": parent, "content": content}

    async def until_idle(self, msg_id: str) -> list[dict]:
        """Messages the kernel sent in reply to ``msg_id``, up to its status idle."""
        replies = []
        while True:
            message = await self.receive()
            if message["parent_header"].get("msg_id") != msg_id:
                continue
            replies.append(message)
            if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                return replies

    async def widget_states(self) -> dict[str, dict]:
        """Every widget model by model id (``model_name``, ``state``), asked in one message as ipywidgets 8 pages do."""
        control = uuid.uuid4().hex
        await self.until_idle(await self.send("comm_open", {"comm_id": control, "target_name": CONTROL, "data": {}},
                                              {"version": CONTROL_VERSION}))
        replies = await self.until_idle(await self.send("comm_msg", {"comm_id": control,
                                                                      "data": {"method": "request_states"}}))
        return next(m["content"]["data"]["states"] for m in replies
                    if m["msg_type"] == "comm_msg" and m["content"]["data"].get("method") == "update_states")

    async def move(self, comm_id: str, value: float, images: set[str]) -> tuple[float, bool]:
        """Set a slider's value; return ms until the kernel is idle again and whether a figure image changed."""
        start = time.perf_counter()
        msg_id = await self.send("comm_msg", {"comm_id": comm_id, "data": {
            "method": "update", "state": {"value": value}, "buffer_paths": []}})
        replies = await self.until_idle(msg_id)
        changed = any(m["msg_type"] == "comm_msg" and m["content"]["comm_id"] in images for m in replies)
        return (time.perf_counter() - start) * 1000, changed


def _other_value(state: dict) -> float:
    step = state.get("step") or 1
    return state["value"] - step if state["value"] + step > state["max"] else state["value"] + step


async def move_sliders(channel: KernelChannel, models: dict[str, dict], moves: int, pace: float, offset: float,
                       result: RunResult) -> None:
    """Move the first slider that redraws a figure ``moves`` times, one move every ``pace`` seconds.

    The first move waits ``offset`` seconds: students do not move their sliders in step.
    """
    images = {comm for comm, model in models.items() if model["model_name"] == "ImageModel"}
    sliders = [comm for comm, model in models.items()
               if model["model_name"] in SLIDER_MODELS and not model["state"].get("disabled")]
    await asyncio.sleep(offset)
    for comm in sliders:
        values = (_other_value(models[comm]["state"]), models[comm]["state"]["value"])
        elapsed, changed = await channel.move(comm, values[0], images)
        if not changed:
            continue  # a slider that redraws nothing (e.g. a start day with no treatment chosen)
        result.moved(elapsed, browser=False)
        for move in range(1, moves):
            await asyncio.sleep(pace)
            elapsed, changed = await channel.move(comm, values[move % 2], images)
            if changed:
                result.moved(elapsed, browser=False)
            else:
                result.failures.append("kernel-channel slider move without a new figure")
        return
    result.failures.append("no slider that redraws a figure (kernel channel)")


class Arrivals:
    """Set once every simulated student's page has loaded (or failed): the whole class is in, moving sliders."""

    def __init__(self, expected: int) -> None:
        self.left = expected
        self.all_in = asyncio.Event()
        if expected <= 0:
            self.all_in.set()

    def arrived(self) -> None:
        self.left -= 1
        if self.left <= 0:
            self.all_in.set()


async def fetch_statics(base: str, cookie: str, paths: list[str]) -> None:
    """Every static file in ``paths`` over :data:`BROWSER_CONNECTIONS` keep-alive connections, gzipped and read to
    the end undecoded. The server's work is a browser's; the decoding is the laptop's, and an HTTP client library's
    own CPU (httpx: 9 s for 37 pages here) would starve the server this measures."""
    host, port = base.removeprefix("http://").split(":")
    queue = iter(paths)  # shared by the connections: each takes the next file when its last one is in

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            for path in queue:
                writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookie}\r\n"
                             "Accept-Encoding: gzip\r\n\r\n".encode())
                head = (await reader.readuntil(b"\r\n\r\n")).lower()
                if not head.startswith(b"http/1.1 200 "):
                    raise OSError(f"{head.splitlines()[0].decode()} for {path}")
                if b"transfer-encoding: chunked" in head:
                    while size := int((await reader.readline()).split(b";")[0], 16):
                        await reader.readexactly(size + 2)
                    await reader.readline()
                elif length := re.search(rb"content-length: *(\d+)", head):
                    await reader.readexactly(int(length.group(1)))
                else:
                    raise OSError(f"neither a length nor chunks for {path}")
        finally:
            writer.close()

    await asyncio.gather(*(connection() for _ in range(BROWSER_CONNECTIONS)))


async def load_page(base: str, start: float, result: RunResult, timeout: float, tls: ssl.SSLContext,
                    statics: list[str]) -> tuple[KernelChannel, dict] | None:
    """Load the page as a browser's network traffic would: its HTML, its static files (``statics``, see
    :func:`fetch_statics`), then every widget's state from its kernel.

    The page is complete once the kernel has sent the states (what the page's widget manager needs to draw the
    widgets); drawing them is the student's laptop's work, not the server's. Returns the open kernel channel and
    the widget models, or None after recording a failure. ``tls``, made once for the class, spares each student's
    client loading the certificate authorities again (about 20 ms of this process's CPU each, before it asks).
    """
    try:
        async with asyncio.timeout(timeout), httpx.AsyncClient(timeout=timeout, verify=tls) as client:
            response = await client.get(f"{base}/?token={TOKEN}")
            body = response.text
            if response.status_code != 200 or "window.voila_finish()" not in body:
                result.failures.append(f"HTTP {response.status_code}, page {'ended' if body else 'empty'} early")
                return None
            if "application/vnd.jupyter.stderr" in body or '"output_type": "error"' in body:
                result.failures.append("HTTP page with an error output")
                return None
            if (served := body.count(OUTPUT_SCRIPT)) != result.outputs:
                result.failures.append(f"HTTP page with {served} of the notebook's {result.outputs} outputs")
                return None
            # The login cookie (path /), as a browser sends it with each static file.
            login = "; ".join(f"{cookie.name}={cookie.value}" for cookie in client.cookies.jar if cookie.path == "/")
            await fetch_statics(base, login, statics)
            config = body.split('id="jupyter-config-data" type="application/json">')[1].split("</script>")[0]
            kernel = json.loads(config)["kernelId"]
            url = f"{base.replace('http', 'ws', 1)}/api/kernels/{kernel}/channels?token={TOKEN}"
            # Only the page's own secret (a cookie scoped to its kernel's URLs) opens the kernel's websocket.
            secret = next(header.split(";")[0] for header in response.headers.get_list("set-cookie")
                          if f"Path=/api/kernels/{kernel};" in header)
            # The server pings the page (websockets answers); the client's own pings are not what a browser sends.
            socket = await websockets.connect(url, max_size=None, ping_interval=None, subprotocols=[WS_PROTOCOL],
                                              additional_headers={"Cookie": secret})
            channel = KernelChannel(socket)
            models = await channel.widget_states()
    except (TimeoutError, OSError, asyncio.IncompleteReadError, httpx.HTTPError,
            websockets.WebSocketException) as error:
        result.failures.append(f"simulated student {type(error).__name__} while loading")
        return None
    result.pages.append(time.perf_counter() - start)
    return channel, models


async def http_student(base: str, start: float, result: RunResult, timeout: float, moves: int, pace: float,
                       offset: float, arrivals: Arrivals, tls: ssl.SSLContext, statics: list[str]) -> None:
    """Load the page (see :func:`load_page`), then move a slider over the kernel's websocket."""
    try:
        loaded = await load_page(base, start, result, timeout, tls, statics)
    finally:
        arrivals.arrived()
    if loaded is None:
        return
    channel, models = loaded
    try:
        async with asyncio.timeout(moves * (pace + 10) + pace), channel.socket:
            await move_sliders(channel, models, moves, pace, offset, result)
    except (TimeoutError, OSError, websockets.WebSocketException) as error:
        result.failures.append(f"simulated student {type(error).__name__} while moving a slider")


async def browser_student(page, url: str, start: float, result: RunResult, moves: int, timeout: float,
                          arrivals: Arrivals) -> None:
    """Load the page in a Chromium tab until every widget is drawn; once the whole class is in, time slider moves."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text[:200]) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)[:200]))
    try:
        asked = time.perf_counter() - start
        await page.goto(url, timeout=timeout * 1000)
        await page.wait_for_selector("#rendered_cells", state="visible", timeout=timeout * 1000)
        drawn = await page.wait_for_function(DRAWN_AT, timeout=timeout * 1000)
        seen = time.perf_counter() - start
        complete = await drawn.json_value() / 1000 - result.begun_epoch
        if await page.locator(ERROR_OUTPUTS).count():
            result.failures.append("browser page with an error output")
            return
        if (drawn_outputs := await page.locator(".jp-OutputArea-output").count()) != result.outputs:
            result.failures.append(f"browser page with {drawn_outputs} of the notebook's {result.outputs} outputs: "
                                   f"{await page.evaluate(OUTPUTS_DRAWN)}")
            return
        result.pages.append(complete)
        navigated, html, loaded = await page.evaluate(MILESTONES)
        navigated -= result.begun_epoch
        result.milestones.append((asked, navigated, navigated + html, navigated + loaded, complete, seen))
        try:
            await page.wait_for_function(f"({FIRST_FIGURE_SLIDER})() >= 0", timeout=30_000)
        except PlaywrightTimeout:
            drawn = await page.evaluate(WHAT_IS_DRAWN)
            said = "; ".join(f"{count}x {text}" for text, count in Counter(errors).most_common(8))
            result.failures.append(f"browser page without a figure slider in 30 s: {drawn}; errors: {said}")
            return
        index = await page.evaluate(FIRST_FIGURE_SLIDER)
        await arrivals.all_in.wait()
        handle = await page.locator(".widget-slider .noUi-handle").nth(index).element_handle()
        await handle.scroll_into_view_if_needed()
        await handle.focus()
        await page.evaluate(TIMING)
        value, top = [float(await handle.get_attribute(name)) for name in ("aria-valuenow", "aria-valuemax")]
        keys = ("ArrowLeft", "ArrowRight") if value >= top else ("ArrowRight", "ArrowLeft")
        for move in range(moves):
            await handle.evaluate(WATCH_FIGURE)
            await page.keyboard.press(keys[move % 2])
            picture = await page.evaluate("() => window.spinelabTiming.picture")
            if picture is None:
                result.failures.append("slider move without a new figure within 10 s")
                continue
            result.moved(picture, browser=True)
    except Exception as error:  # a page that never completes is a failure, whatever Playwright raised
        result.failures.append(f"browser {type(error).__name__}: {str(error).splitlines()[0][:120]}")
    finally:
        await page.context.close()


async def class_burst(base: str, students: int, browsers: int, moves: int, pace: float, timeout: float,
                      chromium: str, statics: list[str], result: RunResult) -> None:
    offsets = random.Random(17)  # seeded: the same spread of first moves in every run
    arrivals = Arrivals(students - browsers)

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        # A student's browser is open before the class begins: a tab is not part of the page's time.
        tabs = []
        for _ in range(browsers):
            context = await browser.new_context(viewport={"width": 1400, "height": 1000})
            tabs.append(await context.new_page())
        tls = ssl.create_default_context()
        start = result.begun = time.perf_counter()
        result.begun_epoch = time.time()
        await asyncio.gather(
            *(http_student(base, start, result, timeout, moves, pace, offsets.uniform(0, pace), arrivals, tls, statics)
              for _ in range(students - browsers)),
            *(browser_student(tab, f"{base}/?token={TOKEN}", start, result, moves, timeout, arrivals)
              for tab in tabs),
        )
        await browser.close()


def niced_chromium(folder: Path, niceness: int) -> str:
    """Playwright's ``executable_path``: a script in ``folder`` starting Chromium at ``niceness`` (Linux).

    Playwright starts Chromium in a session of its own, and Linux's autogroup scheduling shares the CPU between
    sessions equally whatever the niceness inside them: the script gives Chromium's session that niceness too (only
    when it leads its session, so never the benchmark's). As root, Chromium raises its browser and GPU processes to
    niceness -8, above the server; the script takes that capability (``CAP_SYS_NICE``) away, as an ordinary user
    never has it.
    """
    drop = ""
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            raise SystemExit("class_load.py as root needs setpriv (util-linux) to keep Chromium below the server")
        drop = "setpriv --bounding-set -sys_nice --inh-caps -sys_nice "
    script = folder / "chromium-niced"
    script.write_text(
        "#!/bin/sh\n"
        "read -r _ _ _ _ _ session _ < /proc/$$/stat\n"
        f'[ "$session" = "$$" ] && [ -w /proc/self/autogroup ] && echo {niceness} > /proc/self/autogroup\n'
        f'exec {drop}nice -n {niceness} {shlex.quote(CHROMIUM)} "$@"\n')
    script.chmod(0o755)
    return str(script)


def wait_for_pool(log: Path, process: subprocess.Popen, timeout: float) -> float:
    """Seconds until the server logs "Class ready" (every preheated kernel has run the notebook)."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"the class server exited ({process.returncode}):\n{log.read_text()[-2000:]}")
        if CLASS_READY.search(log.read_text()):
            return time.perf_counter() - start
        time.sleep(0.5)  # polling the condition, the log line
    raise TimeoutError(f"the pool was not ready within {timeout} s")


@contextlib.contextmanager
def class_server(args: argparse.Namespace, work: Path, students: int,
                 env: dict[str, str]) -> Iterator[tuple[subprocess.Popen, str, Path]]:
    """``spinelab class`` for ``students``, its folder and frame cache in ``work``, stopped on leaving; yields the
    server's process, its base URL and its log."""
    port = _free_port()
    log = work / f"server-{port}.log"
    command = [sys.executable, "-m", "spinelab.publish.cli", "class", "--notebook", args.notebook,
               "--students", str(students), "--host", "0.0.0.0", "--port", str(port), "--token", TOKEN,
               "--notebooks", str(work / "notebooks"), "--folder", str(work / f"class-{port}"),
               "--frames", str(work / "frames")]
    with log.open("w") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        yield server, f"http://127.0.0.1:{port}", log
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()


async def _static_paths_of(url: str) -> list[str]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = await browser.new_page()
        await page.goto(url)
        await page.wait_for_function(VIEWS_RENDERED, timeout=120_000)
        paths = await page.evaluate(STATIC_FETCHED)
        await browser.close()
    return paths


def static_paths(args: argparse.Namespace, work: Path) -> list[str]:
    """The static files (scripts, styles, fonts) a page of the notebook loads, as paths with their query: what
    Chromium fetched for one page of a class of one on a scratch server, frames not cached. Every simulated
    student's browser would fetch them too."""
    with class_server(args, work, 1, {**os.environ, frame_cache.CACHE_ENV: "off"}) as (server, base, log):
        wait_for_pool(log, server, args.pool_timeout)
        return asyncio.run(_static_paths_of(f"{base}/?token={TOKEN}"))


def one_run(args: argparse.Namespace, work: Path, statics: list[str]) -> RunResult:
    env = {key: value for key, value in os.environ.items() if key != frame_cache.CACHE_ENV}
    if args.no_frame_cache:
        env[frame_cache.CACHE_ENV] = "off"
    notebook = json.loads(classroom.find_notebook(args.notebook, work / "notebooks").read_text(encoding="utf-8"))
    result = RunResult(students=args.students,
                       outputs=sum(len(cell.get("outputs", [])) for cell in notebook["cells"]))
    load_before = os.getloadavg()[0]
    with class_server(args, work, args.students, env) as (server, base, log):
        sampler = MemorySampler(server.pid)
        sampler.start()
        try:
            result.pool_seconds = wait_for_pool(log, server, args.pool_timeout)
            cpu = CpuSampler(server.pid)
            cpu.start()
            asyncio.run(class_burst(base, args.students, args.browsers, args.moves, args.pace, args.timeout,
                                    niced_chromium(work, args.chromium_niceness), statics, result))
            result.cpu_seconds = cpu.used()
            sampler.sample()
            result.kernel_mb = statistics.median(sampler.kernels_mb) if sampler.kernels_mb else math.nan
            result.kernels = len(sampler.kernels_mb)
        finally:
            sampler.stopped.set()
    result.load = (load_before, os.getloadavg()[0])
    said = log.read_text()
    warmed = WARMED.search(said)
    result.warm_up = warmed.group(0) if warmed else result.warm_up
    result.peak_memory_mb = sampler.peak_mb
    result.kernel_errors = len(KERNEL_FAILURES.findall(said))
    result.failures.extend(["kernel failure in the server log"] * result.kernel_errors)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--browsers", type=int, default=3, help="how many of the students are real Chromium pages")
    parser.add_argument("--notebook", default="02_protective_guarding")
    parser.add_argument("--moves", type=int, default=10, help="slider moves per student")
    parser.add_argument("--pace", type=float, default=1.0,
                        help="seconds between the slider moves of a simulated (HTTP) student")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before a page counts as failed")
    parser.add_argument("--pool-timeout", type=float, default=900.0, help="seconds allowed to fill the pool")
    parser.add_argument("--chromium-niceness", type=int, default=CHROMIUM_NICENESS, choices=range(20),
                        help="the Chromium pages' niceness (0: the server's priority)")
    parser.add_argument("--timeline", action="store_true", help="per second of the burst: pages, slider moves")
    parser.add_argument("--no-frame-cache", action="store_true", help="kernels keep their frames in memory only")
    args = parser.parse_args(argv)
    if not 0 <= args.browsers <= args.students:
        parser.error(f"--browsers must be from 0 to --students ({args.students}), not {args.browsers}")
    print(f"{os.cpu_count()} CPUs, {psutil.virtual_memory().available / 2**30:.1f} GB available; "
          f"{args.students} students ({args.browsers} in Chromium) on {args.notebook}, {args.runs} run(s)")
    results = []
    with tempfile.TemporaryDirectory(prefix="class-load-") as folder:
        work = Path(folder)
        shutil.copytree(ROOT / "notebooks", work / "notebooks")
        statics = static_paths(args, work)
        print(f"a page loads {len(statics)} static files (each simulated student fetches them)")
        for run in range(1, args.runs + 1):
            result = one_run(args, work, statics)
            results.append(result)
            print(f"run {run}: pool of {classroom.plan_class(Path(args.notebook), args.students).pool_size} ready "
                  f"in {result.pool_seconds:.0f} s; {result.kernels} kernels after the burst, peak memory "
                  f"{result.peak_memory_mb / 1024:.1f} GB (median kernel {result.kernel_mb:.0f} MB); kernel "
                  f"failures in log: {result.kernel_errors}; median page {statistics.median(result.pages or [0]):.2f}"
                  f" s, median slider {statistics.median(result.sliders or [0]):.0f} ms in Chromium; simulated "
                  f"students' slider moves (kernel round trip): {len(result.kernel_sliders)}, median "
                  f"{statistics.median(result.kernel_sliders or [0]):.0f} ms, p95 {p95(result.kernel_sliders):.0f} ms; "
                  f"Chromium p95 slider {p95(result.sliders):.0f} ms; {result.warm_up}; load average "
                  f"{result.load[0]:.1f} before, {result.load[1]:.1f} after")
            for milestones in sorted(result.milestones, key=lambda page: page[-2]):
                print(f"run {run}: a Chromium page, seconds into the burst: " + ", ".join(
                    f"{name} {at:.2f}" for name, at in zip(PAGE_MILESTONES, milestones, strict=True)))
            print(f"run {run}: CPU during the burst (page loads and slider moves): " + ", ".join(
                f"{role} {seconds:.1f} s" for role, seconds in result.cpu_seconds.items()))
            for failure in sorted(set(result.failures)):
                print(f"  failure x{result.failures.count(failure)}: {failure}")
            if args.timeline:
                print("\n".join(result.timeline()))
            print(f"run {run}: {result.line()}")
    print(f"all runs: peak memory {max(r.peak_memory_mb for r in results) / 1024:.1f} GB; simulated students' slider "
          f"round trip p95 {max(p95(r.kernel_sliders) for r in results):.0f} ms (worst run)")
    worst = RunResult(students=args.students)
    worst.pages = max((r.pages for r in results), key=p95)
    worst.sliders = max((r.all_sliders for r in results), key=p95)
    print(f"students = {args.students}; complete = {min(len(r.pages) for r in results)}; "
          f"p95 page = {p95(worst.pages):.2f} s; p95 slider = {p95(worst.sliders):.0f} ms; "
          f"failures = {sum(len(r.failures) for r in results)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
