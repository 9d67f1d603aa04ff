"""How fast notebook 01's 3D spine view appears in Voila, and how many bytes it adds to the page.

Run: ``PYTHONPATH=src .venv/bin/python benchmarks/spine3d_view.py [--server present|voila]``

A temporary course holds two notebooks: ``without.ipynb`` (``spinelab.setup()`` only) and ``with.ipynb`` (the same,
then ``Spine3DView()``). The server is ``spinelab present`` (the hardened server a class uses, the default) or plain
``voila`` (as on Binder); Debian's headless Chromium (WebGL through SwiftShader) opens each page in a fresh context
(nothing cached) through a relay that counts every byte the server sends (:mod:`page_bytes`), while Chromium's
DevTools protocol reports its own account (HTTP ``encodedDataLength``, websocket payloads). Counting stops when the
server has been quiet for 1.5 s after the page loaded (and, with the view, after it drew).

Timed: from the end of the view's cell in the kernel (the cell writes the time to a file) to the first frame of the
WebGL canvas with the spine drawn (the page reads the same clock), and from the page request to that frame.
The 3D view's increment is the page with the view minus the page without it (k3d's module, the meshes and lines,
the widgets' state, the still in the page). Targets: appear <= 3 s, increment <= 5 MB. Nothing is fetched from
the network.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from page_bytes import DevToolsCounter, WireCounter, free_port, wait_until_quiet

CHROMIUM = "/usr/bin/chromium"
TOKEN = "spine3d-benchmark-token-0123456789"
DRAWN = """() => {
    const canvas = document.querySelector('.spinelab-spine3d canvas');
    if (!canvas || !canvas.width) return false;
    const probe = document.createElement('canvas');
    probe.width = 64; probe.height = 64;
    const context = probe.getContext('2d');
    context.drawImage(canvas, 0, 0, 64, 64);
    const pixels = context.getImageData(0, 0, 64, 64).data;
    for (let i = 0; i < pixels.length; i += 4) if (pixels[i] < 200 || pixels[i + 1] < 200) return Date.now();
    return false;
}"""
SETUP = "import spinelab\n\nspinelab.setup()"
VIEW = """import time
from pathlib import Path

from spinelab.anatomy.spine_view import Spine3DView

view = Spine3DView()
Path(CELL_END).write_text(repr(time.time()))
view"""


def notebook(*sources: str) -> str:
    """A notebook of code cells, as JSON."""
    cells = [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": source}
             for source in sources]
    return json.dumps({"cells": cells, "nbformat": 4, "nbformat_minor": 5, "metadata": {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}})


def write_course(folder: Path) -> Path:
    """``folder/notebooks`` with ``without.ipynb`` and ``with.ipynb`` (and a start page ``present`` needs).

    The view's cell writes the time it ended (seconds since the epoch) to ``folder/cell_end``.
    """
    (folder / "notebooks").mkdir(parents=True, exist_ok=True)
    (folder / "notebooks" / "00_start_here.ipynb").write_text(notebook(SETUP), encoding="utf-8")
    (folder / "notebooks" / "without.ipynb").write_text(notebook(SETUP), encoding="utf-8")
    view = VIEW.replace("CELL_END", repr(str(folder / "cell_end")))
    (folder / "notebooks" / "with.ipynb").write_text(notebook(SETUP, view), encoding="utf-8")
    return folder


def server_command(kind: str, course: Path, port: int) -> tuple[list[str], str]:
    """The command serving ``course``'s notebooks, and the query a page needs (the token)."""
    if kind == "present":
        return ([sys.executable, "-m", "spinelab.publish.cli", "present", "--course", str(course), "--port", str(port),
                 "--token", TOKEN, "--folder", str(course / "build" / "present")], f"?token={TOKEN}")
    return ([sys.executable, "-m", "voila", str(course / "notebooks"), "--no-browser", f"--port={port}",
             "--Voila.ip=127.0.0.1"], "")


def wait_for_server(url: str, process: subprocess.Popen, timeout: float = 120.0) -> None:
    """Poll ``url`` until it answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer in {timeout} s")


def measure_page(browser: object, wire: WireCounter, url: str, cell_end: Path | None = None) -> dict[str, float]:
    """Open ``url`` in a fresh context; bytes received (wire and DevTools) and, with the view, its timings (s).

    ``cell_end``: the file the view's cell writes its end time to (None: a page without the view).
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    devtools = DevToolsCounter()
    devtools.attach(page)
    wire.reset()
    start = time.perf_counter()
    page.goto(url, timeout=180_000)
    result: dict[str, float] = {}
    if cell_end is not None:
        drawn = page.wait_for_function(DRAWN, timeout=180_000, polling=50).json_value() / 1000
        result |= {"appear": drawn - float(cell_end.read_text()), "page": time.perf_counter() - start}
    page.wait_for_selector("#loading", state="detached", timeout=180_000)
    wait_until_quiet(page, wire)
    result |= {"wire": wire.received, "http": devtools.http, "websocket": devtools.websocket}
    context.close()
    return result


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", choices=("present", "voila"), default="present")
    args = parser.parse_args()
    course = write_course(Path(tempfile.mkdtemp(prefix="spine3d-")))
    port = free_port()
    command, query = server_command(args.server, course, port)
    server = subprocess.Popen(command, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_server(f"http://127.0.0.1:{port}/voila/static/voila.js", server)
        with WireCounter(port) as wire, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=["--no-sandbox", "--disable-background-networking"])
            base = f"http://127.0.0.1:{wire.port}/voila/render"
            without = measure_page(browser, wire, f"{base}/without.ipynb{query}")
            with_view = measure_page(browser, wire, f"{base}/with.ipynb{query}", course / "cell_end")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    for name, result in (("without the 3D cell", without), ("with the 3D cell", with_view)):
        print(f"page {name}: {result['wire'] / 1e6:.2f} MB on the wire; DevTools: HTTP {result['http'] / 1e6:.2f} MB "
              f"(encoded), websocket {result['websocket'] / 1e6:.2f} MB (payloads)")
    increment = (with_view["wire"] - without["wire"]) / 1e6
    devtools = (with_view["http"] + with_view["websocket"] - without["http"] - without["websocket"]) / 1e6
    print(f"server: {args.server}; load: {os.getloadavg()[0]:.2f}")
    print(f"3D view appears {with_view['appear']:.2f} s after its cell; page {with_view['page']:.2f} s; "
          f"the view adds {increment:.2f} MB on the wire ({devtools:.2f} MB by DevTools); "
          f"whole page {with_view['wire'] / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
