"""The class server and ``present`` survive their own students (issue 21, spinelab.publish.server).

A class server for 3 students runs a one-widget notebook on loopback under an address-space limit (so that the
legacy-protocol freeze, if it came back, ends in a MemoryError instead of the machine's OOM killer). Students are
HTTP clients with their own cookies: each loads a page with the token and gets that page's kernel. ``present``
runs in Chromium: over HTTPS with a self-signed certificate, with every request that leaves 127.0.0.1 recorded
and blocked, and closing a page stops its kernel.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import http.client
import json
import os
import resource
import subprocess
import sys
import time
import urllib.parse
import uuid
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import nbformat
import psutil
import pytest
from conftest import _free_port, _wait_for_http
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

TOKEN = "hardening-token-0123456789"
V1 = "v1.kernel.websocket.jupyter.org"
#: Address space the class server may use (kernels are separate processes with their own limit).
ADDRESS_SPACE = 4 * 1024**3
#: Resident memory the server must stay under after the probe (it runs at about 150 MB).
SERVER_RSS_CAP = 800 * 1024**2
#: A widget whose state travels as a binary buffer: the reply to ``request_states`` carries it.
WIDGET_CELL = 'import ipywidgets\nipywidgets.Image(value=b"0123456789" * 100, format="png")'
#: What a coroutine run by :func:`_run` returns.
T = TypeVar("T")


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to completion in a thread of its own: Playwright's sync API, used by other tests in the same
    session, leaves an event loop running in the main thread, where ``asyncio.run`` refuses to start."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _notebook(folder: Path, name: str) -> Path:
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# One widget"), nbformat.v4.new_code_cell(WIDGET_CELL),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, folder / name)
    return folder / name


def _limit_address_space() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


class Server:
    """A server process, its base URL and log."""

    def __init__(self, command: list[str], base: str, log: Path, limit: bool = False) -> None:
        self.base, self.log = base, log
        self._out = log.open("w")
        self.process = subprocess.Popen(command, stdout=self._out, stderr=subprocess.STDOUT, env={**os.environ},
                                        preexec_fn=_limit_address_space if limit else None)

    def wait_for(self, text: str, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.log.read_text():
            assert self.process.poll() is None, f"server exited:\n{self.log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"server never logged {text!r}:\n{self.log.read_text()[-3000:]}"
            time.sleep(0.3)  # polling a condition (a line in the server's log), not a fixed wait

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._out.close()

    def rss(self) -> int:
        return psutil.Process(self.process.pid).memory_info().rss


class Student:
    """One browser's worth of cookies: the login cookie and each page's secret, by path."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.host, self.port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
        self.cookies: dict[tuple[str, str], str] = {}  # (name, path) -> value

    def cookie_header(self, path: str) -> str:
        return "; ".join(f"{name}={value}" for (name, scope), value in self.cookies.items()
                         if path == scope or path.startswith(scope.rstrip("/") + "/"))

    def request(self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None,
                timeout: float = 120) -> tuple[int, dict[str, list[str]], str]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        all_headers = {"Cookie": self.cookie_header(path.split("?")[0]), **(headers or {})}
        if body is not None:
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            pair, *attributes = [part.strip() for part in header.split(";")]
            name, _, value = pair.partition("=")
            scope = next((a.split("=", 1)[1] for a in attributes if a.lower().startswith("path=")), "/")
            self.cookies[(name, scope)] = value
        headers_out: dict[str, list[str]] = {}
        for key, value in response.getheaders():
            headers_out.setdefault(key.lower(), []).append(value)
        connection.close()
        return response.status, headers_out, text

    def open_page(self, query: str = "", timeout: float = 120) -> str:
        """Load the class page with the token; return its kernel id."""
        status, _, page = self.request("GET", f"/?token={TOKEN}{query}", timeout=timeout)
        assert status == 200, page[:500]
        return json.loads(page.split('id="jupyter-config-data" type="application/json">')[1].split("</script>")[0])[
            "kernelId"]

    async def channels(self, kernel: str, subprotocols: list[str] | None):
        path = f"/api/kernels/{kernel}/channels"
        request = HTTPRequest(f"ws://{self.host}:{self.port}{path}?session_id={uuid.uuid4()}",
                              headers={"Cookie": self.cookie_header(path)})
        return await websocket_connect(request, subprotocols=subprotocols)


def _legacy_message(msg_type: str, content: dict, metadata: dict | None = None) -> str:
    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "", "session": uuid.uuid4().hex,
              "date": "2026-01-01T00:00:00Z", "version": "5.3"}
    return json.dumps({"header": header, "parent_header": {}, "metadata": metadata or {}, "content": content,
                       "channel": "shell"})


async def _legacy_probe(student: Student, kernel: str) -> str:
    """Issue 21's probe: no v1 subprotocol, then comm_open to jupyter.widget.control and request_states."""
    try:
        socket = await student.channels(kernel, subprotocols=None)
    except HTTPClientError as refused:
        return f"refused {refused.code}"
    comm = uuid.uuid4().hex
    await socket.write_message(_legacy_message("comm_open", {"comm_id": comm, "target_name": "jupyter.widget.control",
                                                             "data": {}}, {"version": "1.0.0"}))
    await socket.write_message(_legacy_message("comm_msg", {"comm_id": comm, "data": {"method": "request_states"}}))
    await asyncio.sleep(1)  # let the kernel's binary reply reach the server
    socket.close()
    return "accepted"


@pytest.fixture(scope="module")
def class_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("hardened")
    _notebook(folder / "notebooks", "widget.ipynb")
    port = _free_port()
    command = [sys.executable, "-m", "spinelab.publish.cli", "class", "--notebook", "widget", "--students", "3",
               "--host", "127.0.0.1", "--port", str(port), "--token", TOKEN, "--notebooks",
               str(folder / "notebooks"), "--folder", str(folder / "build")]
    server = Server(command, f"http://127.0.0.1:{port}", folder / "class.log", limit=True)
    try:
        server.wait_for("Class ready: 5 preheated kernels")
        yield server
    finally:
        server.stop()


def test_legacy_protocol_probe_is_refused_and_the_class_keeps_answering(class_server):
    """Issue 21's freeze, bounded: the server runs under an address-space limit, the next page has 5 s."""
    student = Student(class_server.base)
    kernel = student.open_page()
    probe = _run(_legacy_probe(student, kernel))
    Student(class_server.base).open_page(timeout=5)  # another student's page, from the pool: TimeoutError if frozen
    assert class_server.process.poll() is None
    assert class_server.rss() < SERVER_RSS_CAP
    assert probe == "refused 400"


def test_a_page_speaks_v1_to_its_own_kernel_and_a_malformed_v1_frame_only_closes_its_socket(class_server):
    student = Student(class_server.base)
    kernel = student.open_page()

    async def talk() -> tuple[str, object]:
        socket = await student.channels(kernel, subprotocols=[V1])
        protocol = socket.selected_subprotocol
        await socket.write_message((10**18).to_bytes(8, "little") + b"\0" * 64, binary=True)
        while await asyncio.wait_for(socket.read_message(), 10) is not None:
            pass  # the kernel's status messages, until the server closes the socket
        return protocol, socket.close_code

    assert _run(talk()) == (V1, 1003)
    status, _, _ = student.request("GET", f"/api/kernels/{kernel}")
    assert status == 200  # the server still answers, the kernel is still there
    assert class_server.rss() < SERVER_RSS_CAP


def test_a_student_cannot_touch_another_students_kernel_even_knowing_its_id(class_server):
    alice, bob = Student(class_server.base), Student(class_server.base)
    kernel = alice.open_page()
    bob.open_page()  # Bob holds the token and a page of his own
    assert bob.request("GET", f"/api/kernels/{kernel}")[0] == 403
    assert bob.request("DELETE", f"/api/kernels/{kernel}", headers={"Authorization": f"token {TOKEN}"})[0] == 403
    assert bob.request("POST", f"/voila/api/shutdown/{kernel}", body="_xsrf=")[0] == 403
    with pytest.raises(HTTPClientError) as refused:
        _run(bob.channels(kernel, subprotocols=[V1]))
    assert refused.value.code == 403

    async def alice_connects() -> str:
        socket = await alice.channels(kernel, subprotocols=[V1])
        protocol = socket.selected_subprotocol
        socket.close()
        return protocol

    assert _run(alice_connects()) == V1
    status, _, model = alice.request("GET", f"/api/kernels/{kernel}")
    assert status == 200 and json.loads(model)["id"] == kernel
    assert alice.request("POST", f"/voila/api/shutdown/{kernel}", body="_xsrf=")[0] == 204
    assert alice.request("GET", f"/api/kernels/{kernel}")[0] == 404  # gone: the page's watchdog asks for a reload
    for student in (alice, bob):  # no listing reveals the kernels' ids
        status, _, body = student.request("GET", f"/api/kernels?token={TOKEN}")
        assert status != 200 and kernel not in body


def test_request_info_socket_needs_the_pages_secret(class_server):
    alice, stranger = Student(class_server.base), Student(class_server.base)
    kernel = alice.open_page(query="&note=hello")

    async def query(student: Student) -> object:
        path = f"/voila/query/{kernel}"
        request = HTTPRequest(f"ws://127.0.0.1:{student.port}{path}", headers={"Cookie": student.cookie_header(path)})
        try:
            socket = await websocket_connect(request)
        except HTTPClientError as refused:
            return refused.code
        message = await asyncio.wait_for(socket.read_message(), 10)
        socket.close()
        return json.loads(message)

    assert _run(query(stranger)) == 403  # no token, no secret: Voilà used to answer with the query
    info = _run(query(alice))
    assert info["QUERY_STRING"] == "note=hello"  # the page's own query, without the token


def test_template_and_theme_overrides_are_ignored_and_the_pool_is_used(class_server):
    before = class_server.log.read_text().count("Using pre-heated kernel")
    status, _, page = Student(class_server.base).request("GET", f"/?token={TOKEN}&template=lab&theme=dark")
    assert status == 200
    assert "spinelab-reload" in page and "theme-light" in page  # the class template, the light theme
    assert class_server.log.read_text().count("Using pre-heated kernel") == before + 1


def test_token_is_in_no_log_line_and_no_command_line(class_server):
    student = Student(class_server.base)
    assert student.request("GET", f"/no-such-page.txt?token={TOKEN}")[0] in (302, 404)
    assert student.request("GET", f"/api/kernels/{uuid.uuid4()}?token={TOKEN}")[0] == 404
    lines = [line for line in class_server.log.read_text().splitlines() if "Students open:" not in line]
    assert "[token]" in "\n".join(lines)
    assert not [line for line in lines if TOKEN in line]
    server = psutil.Process(class_server.process.pid)
    for process in [server, *server.children(recursive=True)]:
        assert not any(TOKEN in arg for arg in process.cmdline()), process.cmdline()
        assert TOKEN not in json.dumps(process.environ())


def test_every_response_sends_no_referrer_and_foreign_host_names_are_refused(class_server):
    student = Student(class_server.base)
    for path in (f"/?token={TOKEN}", "/voila/static/voila.js", "/login"):
        assert student.request("GET", path)[1]["referrer-policy"] == ["no-referrer"]
    assert student.request("GET", f"/?token={TOKEN}", headers={"Host": f"evil.example:{student.port}"})[0] == 403
    assert student.request("GET", "/voila/static/voila.js", headers={"Host": "rebind.example"})[0] == 403
    assert student.request("GET", "/voila/static/voila.js", headers={"Host": f"localhost:{student.port}"})[0] == 200


def test_pages_beyond_the_planned_peak_get_a_class_full_page_never_a_hang(class_server):
    """3 students: at most 3 + 2 x 2 = 7 kernels. Keep loading pages until the class is full."""
    statuses = []
    for _ in range(12):
        start = time.monotonic()
        status, headers, page = Student(class_server.base).request("GET", f"/?token={TOKEN}")
        assert time.monotonic() - start < 60
        statuses.append(status)
        if status == 503:
            assert "The class is full" in page and headers["retry-after"] == ["60"]
            break
    assert statuses[-1] == 503, statuses
    server = psutil.Process(class_server.process.pid)
    kernels = [child for child in server.children() if "ipykernel" in " ".join(child.cmdline())]
    assert len(kernels) <= 7
    assert "New kernel refused: 7 kernels are running" in class_server.log.read_text()


# --- present, in Chromium ---------------------------------------------------------------------------------------

def _present(course: Path, port: int, tls: tuple[Path, Path] | None = None) -> Server:
    command = [sys.executable, "-m", "spinelab.publish.cli", "present", "--course", str(course), "--port", str(port),
               "--token", TOKEN, "--folder", str(course / "build" / "present")]
    if tls:
        command += ["--certfile", str(tls[0]), "--keyfile", str(tls[1])]
    return Server(command, f"{'https' if tls else 'http'}://127.0.0.1:{port}", course / "present.log")


@pytest.fixture(scope="module")
def present_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    course = tmp_path_factory.mktemp("present-course")
    _notebook(course / "notebooks", "00_start_here.ipynb")
    return course


@pytest.fixture(scope="module")
def present_server(present_course: Path) -> Iterator[Server]:
    server = _present(present_course, _free_port())
    try:
        _wait_for_http(f"{server.base}/voila/static/voila.js", server.process)
        yield server
    finally:
        server.stop()


def _open_widget_page(page, url: str) -> str:
    page.goto(url)
    page.wait_for_selector("#rendered_cells .widget-image", state="attached", timeout=120_000)
    return page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")


def test_present_prints_a_url_with_the_token_on_loopback_and_refuses_pages_without_it(present_server):
    present_server.wait_for("Course map:")
    assert (f"Course map:  {present_server.base}/voila/render/00_start_here.ipynb?token={TOKEN}"
            in present_server.log.read_text())
    student = Student(present_server.base)
    assert student.request("GET", "/voila/render/00_start_here.ipynb")[0] == 302  # to the login page
    assert student.request("GET", f"/voila/render/00_start_here.ipynb?token={TOKEN}")[0] == 200


def test_present_page_loads_nothing_from_outside_this_machine(browser, present_server):
    context = browser.new_context()
    outside: list[str] = []

    def route(request_route):
        host = urllib.parse.urlsplit(request_route.request.url).hostname
        if host not in ("127.0.0.1", None) and not request_route.request.url.startswith("data:"):
            outside.append(request_route.request.url)
            request_route.abort()
        else:
            request_route.continue_()

    try:
        context.route("**/*", route)
        page = context.new_page()
        _open_widget_page(page, f"{present_server.base}/voila/render/00_start_here.ipynb?token={TOKEN}")
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    assert outside == []


def test_closing_a_present_page_stops_its_kernel(browser, present_server):
    context = browser.new_context()
    try:
        page = context.new_page()
        kernel = _open_widget_page(page, f"{present_server.base}/voila/render/00_start_here.ipynb?token={TOKEN}")
        assert f"Kernel started: {kernel}" in present_server.log.read_text()
        page.close(run_before_unload=True)
        present_server.wait_for(f"Kernel shutdown: {kernel}", timeout=20)
    finally:
        context.close()
    assert "_xsrf' argument missing" not in present_server.log.read_text()


def test_present_over_https_with_a_self_signed_certificate(browser, present_course, tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
    course = tmp_path / "course"
    (course / "notebooks").mkdir(parents=True)
    (course / "notebooks" / "00_start_here.ipynb").write_bytes(
        (present_course / "notebooks" / "00_start_here.ipynb").read_bytes())
    server = _present(course, _free_port(), (cert, key))
    try:
        server.wait_for("Voilà is running at")
        assert f"Course map:  {server.base}/voila/render/00_start_here.ipynb?token={TOKEN}" in server.log.read_text()
        assert server.base.startswith("https://")
        context = browser.new_context(ignore_https_errors=True)
        try:
            page = context.new_page()
            kernel = _open_widget_page(page, f"{server.base}/voila/render/00_start_here.ipynb?token={TOKEN}")
            assert kernel and page.url.startswith("https://")
        finally:
            context.close()
    finally:
        server.stop()
