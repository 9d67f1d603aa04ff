"""The class server's static files on a real Tornado server: gzipped once, then sent again before any handler runs."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import gzip
import os
import random
import socket
import struct
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass
from pathlib import Path
from weakref import WeakKeyDictionary

import pytest
import tornado.httpclient
import tornado.httpserver
import tornado.netutil
import tornado.web
from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

from spinelab.publish import server, static_gzip

GZIP_FILE = gzip.GzipFile
ACCEPT_GZIP = {"Accept-Encoding": "gzip"}
#: A file's modification time early in a second (2023-11-14 22:13:20.000001 UTC).
MTIME_NS = 1_700_000_000 * 10**9 + 1_000


@pytest.fixture(autouse=True)
def nothing_kept(monkeypatch):
    """Each test starts with nothing compressed or kept, like a server just started."""
    monkeypatch.setattr(static_gzip.StaticGzip, "compressed", OrderedDict())
    monkeypatch.setattr(static_gzip.StaticGzip, "sent", {})
    monkeypatch.setattr(static_gzip.StaticGzip, "files", WeakKeyDictionary())
    monkeypatch.setattr(static_gzip.StaticGzip, "leaders", {})


def _script(folder: Path) -> Path:
    """A script over Tornado's 64 kB read size, so that it is sent in several parts."""
    script = folder / "chunk.js"
    folder.mkdir()
    rng = random.Random(3)
    script.write_text("".join(f"var v{rng.randrange(10**6)} = {rng.random()};\n" for _ in range(9000)))
    assert script.stat().st_size > 3 * 64 * 1024
    return script


def _get(path: str) -> HTTPServerRequest:
    """A browser's ``GET`` for ``path``, accepting gzip, as the server parses it."""
    return HTTPServerRequest(start_line=RequestStartLine("GET", path, "HTTP/1.1"),
                             headers=HTTPHeaders({"Host": "127.0.0.1", **ACCEPT_GZIP}))


@contextlib.asynccontextmanager
async def _serving(app: tornado.web.Application) -> AsyncIterator[Server]:
    """A server running ``app``."""
    http = tornado.httpserver.HTTPServer(app)
    sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
    http.add_sockets(sockets)
    client = tornado.httpclient.AsyncHTTPClient(force_instance=True)
    try:
        yield Server(client, sockets[0].getsockname()[1])
    finally:
        client.close()
        http.stop()


@dataclass
class Server:
    """A test server's port, and Tornado's client for it."""

    client: tornado.httpclient.AsyncHTTPClient
    port: int

    def fetch(self, path: str, headers: dict[str, str] = ACCEPT_GZIP) -> Awaitable[tornado.httpclient.HTTPResponse]:
        """A ``GET`` (on its own connection); errors come back as responses."""
        return self.client.fetch(f"http://127.0.0.1:{self.port}{path}", headers=headers, decompress_response=False,
                                 raise_error=False)

    async def raw(self, *requests: bytes) -> list[tuple[str, dict[str, str], bytes]]:
        """Send ``requests`` on one connection, one after the other: each response's status line, headers and body;
        after an HTTP/1.0 request last, a last ``("closed", {}, b"")`` when the server closed the connection."""
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        answers = []
        for request in requests:
            writer.write(request)
            status = (await reader.readline()).decode().strip()
            head = HTTPHeaders.parse((await reader.readuntil(b"\r\n\r\n")).decode("latin-1"))
            answers.append((status, dict(head), await reader.readexactly(int(head["Content-Length"]))))
        if b" HTTP/1.0\r\n" in requests[-1] and await reader.read() == b"":
            answers.append(("closed", {}, b""))
        writer.close()
        return answers


@pytest.mark.parametrize(("path", "gzipped"), [
    ("/voila/static/7155.voila.js", True),
    ("/voila/templates/spinelab_class/static/index.css", True),
    ("/voila/labextensions/anywidget/static/528.d9f5934c.js", True),
    ("/voila/render/01_muscle_layers.ipynb", False),  # the page carries its kernel id: never compressed
    ("/api/kernels/3f1c", False),
])
def test_only_static_files_are_gzipped(path, gzipped):
    request = _get(path)
    headers = HTTPHeaders({"Content-Type": "application/javascript"})
    _, headers, body = static_gzip.StaticGzip(request).transform_first_chunk(200, headers, b"x" * 4096, True)
    assert (headers.get("Content-Encoding") == "gzip") is gzipped
    assert (len(body) < 4096) is gzipped


def test_each_static_file_is_compressed_once_and_a_changed_file_anew(tmp_path, monkeypatch):
    """A class's pages all ask for the same files, which must not cost a compression each."""
    script = _script(tmp_path / "static")
    original = script.read_bytes()

    async def fetch_three_times() -> list[tuple[bytes, dict]]:
        app = tornado.web.Application([(r"/static/(.*)", tornado.web.StaticFileHandler, {"path": script.parent})])
        app.add_transform(static_gzip.StaticGzip)
        got = []
        async with _serving(app) as served:
            for visit in range(3):
                if visit == 1:  # the second page: the kept file, nothing compressed
                    monkeypatch.setattr(gzip, "GzipFile", lambda *args, **kw: pytest.fail("compressed again"))
                if visit == 2:  # the file changed (a course update): compressed anew, never the old one
                    monkeypatch.setattr(gzip, "GzipFile", GZIP_FILE)
                    script.write_text(script.read_text() + "var changed = 1;\n")
                response = await served.fetch("/static/chunk.js")
                got.append((response.body, dict(response.headers)))
        return got

    first, second, changed = asyncio.run(fetch_three_times())
    for body, headers in (first, second):
        assert headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in headers["Vary"]
        assert gzip.decompress(body) == original
    assert second[1]["Content-Length"] == str(len(second[0]))
    assert gzip.decompress(changed[0]) == script.read_bytes() != original


def _counted_app(folder: Path, handled: list[str]) -> server.GuardedApplication:
    """The class server's application serving ``folder`` at ``/static/``; ``handled`` gets each request its handler
    answers: the path and query, the accepted encoding and any conditional header."""

    class Counted(tornado.web.StaticFileHandler):
        def set_headers(self) -> None:
            asked = self.request.headers
            handled.append(" ".join([self.request.uri, asked.get("Accept-Encoding", "-"),
                                     *(name for name in static_gzip.PARTICULAR_HEADERS if name in asked)]))
            super().set_headers()

    return server.GuardedApplication([(r"/static/(.*)", static_gzip.kept_static(Counted), {"path": folder})])


def test_a_class_asking_for_a_file_at_once_has_it_read_and_compressed_once(tmp_path):
    script = _script(tmp_path / "static")
    handled: list[str] = []

    async def class_at_once() -> list[tornado.httpclient.HTTPResponse]:
        async with _serving(_counted_app(script.parent, handled)) as served:
            return await asyncio.gather(*(served.fetch("/static/chunk.js") for _ in range(10)),
                                        *(served.fetch("/static/missing.js") for _ in range(3)))

    *found, missing_1, missing_2, missing_3 = asyncio.run(class_at_once())
    assert handled == ["/static/chunk.js gzip"]
    assert all(gzip.decompress(response.body) == script.read_bytes() for response in found)
    assert (missing_1.code, missing_2.code, missing_3.code) == (404, 404, 404)


def test_a_response_cut_short_by_its_browser_is_never_kept(tmp_path, monkeypatch):
    """A file larger than the socket buffers, sent in parts to a browser that leaves: what was compressed is dropped,
    and the next request gets the whole file."""
    monkeypatch.setattr(static_gzip, "WHOLE_FILE_BYTES", 1024)  # sent in parts, as a file too large to read whole
    folder = tmp_path / "static"
    folder.mkdir()
    large = folder / "large.js"
    large.write_text(base64.b64encode(random.Random(5).randbytes(6 * 2**20)).decode())  # gzip shrinks it little
    handled: list[str] = []

    async def left_then_asked_again() -> tuple[OrderedDict, tornado.httpclient.HTTPResponse]:
        async with _serving(_counted_app(folder, handled)) as served:
            browser = _slow_browser(served.port, "/static/large.js")
            await asyncio.sleep(0.5)
            browser.close()
            for _ in range(100):  # until its handler has begun, at most 5 s
                if handled:
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)
            kept = OrderedDict(static_gzip.StaticGzip.compressed)
            return kept, await served.fetch("/static/large.js")

    kept, again = asyncio.run(left_then_asked_again())
    assert kept == OrderedDict() and len(handled) == 2
    assert gzip.decompress(again.body) == large.read_bytes()


def _slow_browser(port: int, path: str) -> socket.socket:
    """A browser that asks for ``path`` and reads nothing: its answer stays in the server's hands."""
    browser = socket.socket()
    browser.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    browser.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # it leaves at once
    browser.connect(("127.0.0.1", port))
    browser.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: gzip\r\n\r\n".encode())
    return browser


def test_requests_for_a_file_never_kept_do_not_wait_for_its_first_browser(tmp_path, monkeypatch):
    """An image is never gzipped, so never kept: the next request must not wait while the first browser reads."""
    monkeypatch.setattr(static_gzip, "WAIT_SECONDS", 5.0)
    folder = tmp_path / "static"
    folder.mkdir()
    image = folder / "large.png"
    image.write_bytes(random.Random(7).randbytes(6 * 2**20))

    async def behind_a_slow_browser() -> tuple[float, tornado.httpclient.HTTPResponse]:
        async with _serving(_counted_app(folder, [])) as served:
            slow = _slow_browser(served.port, "/static/large.png")
            await asyncio.sleep(0.3)
            begun = time.perf_counter()
            response = await served.fetch("/static/large.png")
            slow.close()
            return time.perf_counter() - begun, response

    waited, response = asyncio.run(behind_a_slow_browser())
    assert response.body == image.read_bytes() and waited < 2.5


def test_a_first_request_whose_handler_never_ran_is_not_waited_for(tmp_path, monkeypatch):
    script = _script(tmp_path / "static")
    monkeypatch.setattr(static_gzip, "WAIT_SECONDS", 3.0)

    async def behind_a_lost_request() -> tuple[float, tornado.httpclient.HTTPResponse]:
        async with _serving(_counted_app(script.parent, [])) as served:
            lost = _get("/static/chunk.js")
            static_gzip.StaticGzip.leaders[("/static/chunk.js", False)] = (lost, asyncio.Future(),
                                                                          time.monotonic() - 3.0)
            begun = time.perf_counter()
            response = await served.fetch("/static/chunk.js")
            return time.perf_counter() - begun, response

    waited, response = asyncio.run(behind_a_lost_request())
    assert gzip.decompress(response.body) == script.read_bytes() and waited < 1.5
    assert static_gzip.StaticGzip.leaders == {}


def test_a_request_with_a_body_origin_or_credentials_neither_leaves_nor_gets_a_kept_response(tmp_path):
    """Tornado reads a ``GET`` body's form arguments (``v=1``: cached for years) and jupyter_server answers ``Origin``
    with credentials by CORS headers: such answers are for one request only."""
    script = _script(tmp_path / "static")
    handled: list[str] = []
    request = "GET /static/chunk.js HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: gzip\r\n{}\r\n"
    body = "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\nv=1"

    async def particular_then_plain() -> list[tuple[str, dict[str, str], bytes]]:
        async with _serving(_counted_app(script.parent, handled)) as served:
            return await served.raw(request.format(body).encode()[:-2], request.format("Origin: http://x.example\r\n").encode(),
                                    request.format("Authorization: token abc\r\n").encode(),
                                    request.format("").encode(), request.format("").encode())

    with_body, *_, plain, again = asyncio.run(particular_then_plain())
    assert handled == ["/static/chunk.js gzip Content-Length", "/static/chunk.js gzip Origin",
                       "/static/chunk.js gzip Authorization", "/static/chunk.js gzip"]
    assert with_body[1]["Cache-Control"] == "max-age=315360000" and "Cache-Control" not in plain[1]
    assert gzip.decompress(again[2]) == gzip.decompress(plain[2]) == script.read_bytes()


def test_a_kept_response_answers_plain_requests_before_any_handler_and_only_those(tmp_path):
    """The class server's routing: a plain request for an unchanged file gets the kept response; any request whose
    answer could differ (a part, "not modified", no gzip, another query or Host, a changed file) reaches the handler."""
    script = _script(tmp_path / "static")
    original = script.read_bytes()
    handled: list[str] = []
    app = _counted_app(script.parent, handled)
    plain = "/static/chunk.js"
    changed = original + b"var changed = 1;\n"
    same_size = original.replace(b"var", b"let")
    os.utime(script, ns=(MTIME_NS, MTIME_NS))

    async def visits() -> dict[str, tornado.httpclient.HTTPResponse]:
        async with _serving(app) as served:
            fetch = served.fetch
            got = {"first": await fetch(plain), "second": await fetch(plain), "third": await fetch(plain)}
            got["version 1"], got["version 2"] = await fetch(plain + "?v=1"), await fetch(plain + "?v=2")
            got["not modified"] = await fetch(plain, {**ACCEPT_GZIP, "If-None-Match": got["first"].headers["Etag"]})
            got["part"] = await fetch(plain, {**ACCEPT_GZIP, "Range": "bytes=0-9"})
            got["no gzip"] = await fetch(plain, {})
            got["token"] = await fetch(plain + "?token=abc")
            got["other host"] = await fetch(plain, {**ACCEPT_GZIP, "Host": "rebound.example"})
            got["keep-alive"] = await served.raw(*[b"GET /static/chunk.js HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                   b"Accept-Encoding: gzip\r\n\r\n"] * 2,
                                                 b"GET /static/chunk.js HTTP/1.0\r\nAccept-Encoding: gzip\r\n\r\n")
            script.write_bytes(same_size)  # within the same second: the same Last-Modified
            os.utime(script, ns=(MTIME_NS + 500_000, MTIME_NS + 500_000))
            got["same size"] = await fetch(plain)
            script.write_bytes(changed)
            got["changed"], got["changed again"] = await fetch(plain), await fetch(plain)
            script.unlink()
            got["gone"] = await fetch(plain)
        return got

    got = asyncio.run(visits())
    assert handled == [f"{plain} gzip", f"{plain}?v=1 gzip", f"{plain} gzip If-None-Match", f"{plain} gzip Range",
                       f"{plain} -", f"{plain}?token=abc gzip", f"{plain} gzip", f"{plain} gzip"]
    first, second = got["first"], got["second"]
    assert gzip.decompress(second.body) == gzip.decompress(got["third"].body) == original
    assert second.headers["Content-Length"] == str(len(second.body))
    assert {**first.headers, "Date": "", "Content-Length": "", "Transfer-Encoding": ""} == {
        **second.headers, "Date": "", "Content-Length": "", "Transfer-Encoding": ""}
    assert "max-age" not in first.headers.get("Cache-Control", "")  # a version's years of caching stay its own
    assert got["version 2"].headers["Cache-Control"] == got["version 1"].headers["Cache-Control"] == "max-age=315360000"
    assert (got["not modified"].code, got["part"].code) == (304, 206)
    assert gzip.decompress(got["part"].body) == original[:10]
    assert gzip.decompress(got["token"].body) == original and got["no gzip"].body == original
    assert got["other host"].code == 403
    *kept_alive, closed = got["keep-alive"]
    assert [(status, gzip.decompress(body)) for status, _, body in kept_alive] == [("HTTP/1.1 200 OK", original)] * 3
    assert closed[0] == "closed"  # HTTP/1.0 without keep-alive
    assert gzip.decompress(got["same size"].body) == same_size
    assert gzip.decompress(got["changed"].body) == gzip.decompress(got["changed again"].body) == changed
    assert got["gone"].code == 404
