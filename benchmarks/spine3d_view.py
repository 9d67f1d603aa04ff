"""How fast notebook 01's 3D spine view appears in Voila, and how many bytes reach the browser.

Run: ``PYTHONPATH=src .venv/bin/python benchmarks/spine3d_view.py``

Voila serves a two-cell notebook (``spinelab.setup()``, then ``Spine3DView()``) from a temporary folder on
127.0.0.1; Debian's headless Chromium (WebGL through SwiftShader) opens it. Timed: from the moment the view's
widget appears in the page (its cell has run and its output is rendered) to the first frame of the WebGL canvas
with the spine drawn (``appear``), and from the page request to that frame (``page``). Counted: every byte the
browser receives, HTTP bodies and websocket frames (the widget state, the k3d module sent by the kernel, the
meshes and lines). Nothing is fetched from the network. The last line reads
``3D view appears X s after its cell; page Y s; Z MB received``; the target is X <= 3 s and Z <= 5 MB.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
DRAWN = """() => {
    const canvas = document.querySelector('.spinelab-spine3d canvas');
    if (!canvas || !canvas.width) return false;
    const probe = document.createElement('canvas');
    probe.width = 64; probe.height = 64;
    const context = probe.getContext('2d');
    context.drawImage(canvas, 0, 0, 64, 64);
    const pixels = context.getImageData(0, 0, 64, 64).data;
    for (let i = 0; i < pixels.length; i += 4) if (pixels[i] < 200 || pixels[i + 1] < 200) return true;
    return false;
}"""
NOTEBOOK = {
    "cells": [
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
         "source": "import spinelab\n\nspinelab.setup()"},
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
         "source": "from spinelab.anatomy.spine_view import Spine3DView\n\nSpine3DView()"},
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    "nbformat": 4, "nbformat_minor": 5,
}


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="spine3d-"))
    (folder / "view.ipynb").write_text(json.dumps(NOTEBOOK), encoding="utf-8")
    port = _port()
    server = subprocess.Popen([sys.executable, "-m", "voila", str(folder / "view.ipynb"), "--no-browser",
                               f"--port={port}", "--Voila.ip=127.0.0.1"], env=dict(os.environ),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base, timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        received = {"http": 0, "websocket": 0}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=["--no-sandbox", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})

            def on_response(response: object) -> None:
                with contextlib.suppress(Exception):  # redirects and aborted requests have no body
                    received["http"] += len(response.body())

            def on_websocket(socket_: object) -> None:
                socket_.on("framereceived", lambda payload: received.__setitem__(
                    "websocket", received["websocket"] + len(payload)))

            page.on("response", on_response)
            page.on("websocket", on_websocket)
            start = time.perf_counter()
            page.goto(base, timeout=180_000)
            page.wait_for_selector(".spinelab-spine3d", timeout=180_000)
            shown = time.perf_counter()
            page.wait_for_function(DRAWN, timeout=60_000, polling=50)
            drawn = time.perf_counter()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    total = (received["http"] + received["websocket"]) / 1e6
    print(f"HTTP {received['http'] / 1e6:.2f} MB, websocket {received['websocket'] / 1e6:.2f} MB")
    print(f"3D view appears {drawn - shown:.2f} s after its cell; page {drawn - start:.2f} s; {total:.2f} MB received")


if __name__ == "__main__":
    main()
