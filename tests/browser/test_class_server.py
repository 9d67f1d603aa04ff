"""The class server and ``present`` beyond loopback: no page, kernel or file without the token; the page with it.

Both listen on every interface (0.0.0.0, a free port) and are reached at this machine's network address, as a
student's laptop would. The class server serves a temporary copy of the notebooks with a pool of preheated
kernels; when a student's kernel goes away, or the page stops loading (a kernel stuck in a cell), the page asks for
a reload instead of leaving dead widgets or a spinner.
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from conftest import _free_port, _serve

from spinelab.course import frame_cache
from spinelab.publish import serving

TOKEN = "class-token-0123456789"
NOTEBOOK = "00_start_here"
#: ``present`` without its frame cache, and so without its warm-up drawing every notebook: not what these tests check.
WITHOUT_FRAME_CACHE = {**os.environ, frame_cache.CACHE_ENV: "off"}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _status(url: str, headers: dict[str, str] | None = None, method: str = "GET") -> tuple[int, str]:
    """HTTP status and body of ``url``, redirects not followed (a redirect to the login page is a refusal)."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with opener.open(request, timeout=120) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


@pytest.fixture(scope="module")
def class_server(notebook_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    folder = tmp_path_factory.mktemp("classroom")
    command = [sys.executable, "-m", "spinelab.publish.cli", "class", "--notebook", NOTEBOOK, "--students", "1",
               "--host", "0.0.0.0", "--port", str(port), "--token", TOKEN, "--notebooks", str(notebook_copy),
               "--folder", str(folder / "build")]
    base = f"http://{serving.lan_address()}:{port}"
    with _serve(command, f"{base}/login", folder / "class.log", {**os.environ}):
        yield base


@pytest.fixture(scope="module")
def present_server(notebook_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    course = tmp_path_factory.mktemp("present")
    (course / "notebooks").symlink_to(notebook_copy, target_is_directory=True)
    command = [sys.executable, "-m", "spinelab.publish.cli", "present", "--course", str(course), "--host", "0.0.0.0",
               "--port", str(port), "--token", TOKEN]
    base = f"http://{serving.lan_address()}:{port}"
    with _serve(command, f"{base}/login", course / "present.log", WITHOUT_FRAME_CACHE):
        yield base


def test_class_server_prints_one_url_with_the_token_and_again_when_ready(class_server, tmp_path_factory):
    log = next(Path(tmp_path_factory.getbasetemp()).glob("classroom*/class.log"))
    assert f"Students open:  {class_server}/?token={TOKEN}\n" in log.read_text()
    assert "█" in log.read_text()  # the QR code under it
    deadline = time.monotonic() + 120
    while f"Class ready. Students open:  {class_server}/?token={TOKEN}\n" not in log.read_text():
        assert time.monotonic() < deadline, "the class server never said it was ready"
        time.sleep(0.5)  # polling a condition (the line in the server's output), not a fixed wait
    assert "Class ready: 3 preheated kernels have run 00_start_here.ipynb" in log.read_text()


def test_class_server_refuses_pages_without_the_token_and_serves_them_with_it(class_server):
    status, location = _status(f"{class_server}/")
    assert status == 302 and location.startswith("/login")
    status, location = _status(f"{class_server}/?token=not-{TOKEN}")
    assert status == 302 and location.startswith("/login")
    status, page = _status(f"{class_server}/?token={TOKEN}")
    assert status == 200
    assert 'id="jupyter-config-data"' in page and "voila_finish" in page


def test_class_server_refuses_the_kernel_api_without_the_token_or_the_pages_secret(class_server):
    opener = urllib.request.build_opener(_NoRedirect)
    with opener.open(f"{class_server}/?token={TOKEN}", timeout=120) as response:
        page = response.read().decode()
        cookies = [header.split(";")[0] for header in response.headers.get_all("Set-Cookie")]
    kernel = json.loads(page.split('id="jupyter-config-data" type="application/json">')[1].split("</script>")[0])
    url = f"{class_server}/api/kernels/{kernel['kernelId']}"
    assert _status(url)[0] == 403
    assert _status(url, {"Authorization": f"token {TOKEN}"})[0] == 403  # the token alone: not this page's kernel
    page_secret = next(cookie for cookie in cookies if cookie.startswith("spinelab-page="))
    status, model = _status(url, {"Authorization": f"token {TOKEN}", "Cookie": page_secret})
    assert status == 200 and json.loads(model)["id"] == kernel["kernelId"]


def test_present_beyond_loopback_asks_for_the_token(present_server):
    page = f"{present_server}/voila/render/{NOTEBOOK}.ipynb"
    status, location = _status(page)
    assert status == 302 and location.startswith("/login")
    assert _status(f"{present_server}/voila/tree")[0] == 302
    assert _status(f"{present_server}/voila/tree?token={TOKEN}")[0] == 200


def test_present_on_loopback_asks_for_a_token_too_which_its_url_carries(notebook_copy, tmp_path):
    port = _free_port()
    (tmp_path / "notebooks").symlink_to(notebook_copy, target_is_directory=True)
    command = [sys.executable, "-m", "spinelab.publish.cli", "present", "--course", str(tmp_path), "--port", str(port)]
    base = f"http://127.0.0.1:{port}"
    with _serve(command, f"{base}/voila/static/voila.js", tmp_path / "present.log", WITHOUT_FRAME_CACHE):
        assert _status(f"{base}/voila/tree")[0] == 302  # to the login page: any web page could reach loopback
        url = (tmp_path / "present.log").read_text().split("Course map:  ")[1].split()[0]
        assert url.startswith(f"{base}/voila/render/00_start_here.ipynb?token=")
        assert len(url.split("token=")[1]) == 22
        assert _status(url)[0] == 200


@pytest.fixture(scope="module")
def stalling_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A class server whose notebook's second cell runs for a minute, as a page whose kernel hangs."""
    folder = tmp_path_factory.mktemp("stall")
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# A cell that never finishes in time"),
        nbformat.v4.new_code_cell("import time\ntime.sleep(60)"),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    (folder / "notebooks").mkdir()
    nbformat.write(notebook, folder / "notebooks" / "stall.ipynb")
    port = _free_port()
    command = [sys.executable, "-m", "spinelab.publish.cli", "class", "--notebook", "stall", "--students", "1",
               "--host", "127.0.0.1", "--port", str(port), "--notebooks", str(folder / "notebooks"),
               "--folder", str(folder / "build"), "--token", TOKEN]
    base = f"http://127.0.0.1:{port}"
    with _serve(command, f"{base}/voila/static/voila.js", folder / "class.log", {**os.environ}):
        yield base


def test_page_that_stops_loading_asks_for_a_reload(stalling_server, page):
    page.add_init_script("window.spinelabStallMs = 3000")
    page.goto(f"{stalling_server}/?token={TOKEN}", wait_until="commit")
    banner = page.wait_for_selector("#spinelab-reload[role=alert]", timeout=30_000)
    assert banner.inner_text().startswith("This page stopped loading. Reload this page to start again.")
    assert page.locator("#loading").count() == 1  # still loading: the banner came from the stall, not the end
    spinner = page.locator("#loading .spinner")
    assert spinner.evaluate("s => getComputedStyle(s).animationTimingFunction") == "steps(8)"
    page.emulate_media(reduced_motion="reduce")
    assert spinner.evaluate("s => getComputedStyle(s).animationName") == "none"


def test_page_asks_for_a_reload_when_its_kernel_is_gone(class_server, page):
    page.goto(f"{class_server}/?token={TOKEN}")
    page.wait_for_selector("#rendered_cells", state="visible", timeout=120_000)
    assert page.locator("#spinelab-reload").count() == 0
    kernel = page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
    # The page's own browser (its secret cookie), with the token: only the page may stop its kernel.
    response = page.context.request.delete(f"{class_server}/api/kernels/{kernel}",
                                           headers={"Authorization": f"token {TOKEN}"})
    assert response.status == 204
    banner = page.wait_for_selector("#spinelab-reload[role=alert]", timeout=30_000)
    assert "Reload this page to start again." in banner.inner_text()
    assert page.evaluate("document.activeElement.textContent") == "Reload this page"
