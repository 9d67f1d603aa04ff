"""Servers and a headless Chromium for the real-browser tests.

JupyterLab and Voila serve a temporary copy of the notebooks (running cells in a
browser may autosave, and the test run must never touch the working tree) on
127.0.0.1. Chromium is Debian's, driven by Playwright; no browser is downloaded.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from spinelab.publish.notebooks import course_notebooks

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
TOKEN = "spinelab-browser-tests"
SCREENSHOTS = ROOT / "build" / "screenshots"
LAB_SETTINGS = ROOT / ".jupyter" / "lab" / "user-settings"
NOTEBOOKS = [path.name for path in course_notebooks()]
# The benchmarks' in-page probes (benchmarks/browser_probes.py), which the tests use too.
sys.path.insert(0, str(ROOT / "benchmarks"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_http(url: str, process: subprocess.Popen, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)  # polling a condition (the server answering), not a fixed wait
    raise TimeoutError(f"{url} did not answer within {timeout} s")


@pytest.fixture(scope="session")
def notebook_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("notebooks")
    for name in NOTEBOOKS:
        shutil.copy2(ROOT / "notebooks" / name, folder / name)
    return folder


@contextmanager
def _serve(command: list[str], url: str, log: Path, env: dict[str, str] | None = None) -> Iterator[None]:
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            _wait_for_http(url, process)
            yield
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="session")
def lab_url(notebook_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    settings = tmp_path_factory.mktemp("lab-settings")
    # The course's own settings, as Binder reads them (no "get notified about Jupyter news?" prompt); make lab
    # turns the same files into defaults of the environment's JupyterLab.
    shutil.copytree(LAB_SETTINGS, settings, dirs_exist_ok=True)
    # Render every cell (no windowing) so that all outputs are in the page to check.
    tracker = settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True, exist_ok=True)
    tracker.write_text(json.dumps({"windowingMode": "none"}))
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={notebook_copy}",
        f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={settings}",
        "--ServerApp.open_browser=False", "--allow-root",
    ]
    base = f"http://127.0.0.1:{port}"
    with _serve(command, f"{base}/api/status?token={TOKEN}", settings / "lab.log"):
        yield base


@pytest.fixture(scope="session")
def voila_url(notebook_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    log = tmp_path_factory.mktemp("voila") / "voila.log"
    command = [sys.executable, "-m", "voila", str(notebook_copy), "--no-browser", f"--port={port}",
               "--Voila.ip=127.0.0.1"]
    env = {**os.environ, "SPINELAB_PRESENTER": "1"}
    base = f"http://127.0.0.1:{port}"
    with _serve(command, f"{base}/", log, env):
        yield base


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
