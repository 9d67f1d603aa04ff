"""The class server's static files on a real Tornado server: gzipped once, then sent again before any handler runs."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gzip
import random
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
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


@contextlib.asynccontextmanager
async def _serving(app: tornado.web.Application) -> AsyncIterator[functools.partial]:
    """``fetch(path, headers)`` on a server running ``app``; errors come back as responses."""
    http = tornado.httpserver.HTTPServer(app)
    sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
    http.add_sockets(sockets)
    client = tornado.httpclient.AsyncHTTPClient(force_instance=True)
    base = f"http://127.0.0.1:{sockets[0].getsockname()[1]}"
    try:
        yield lambda path, headers=ACCEPT_GZIP: client.fetch(base + path, headers=headers, decompress_response=False,
                                                            raise_error=False)
    finally:
        client.close()
        http.stop()


@pytest.mark.parametrize(("path", "gzipped"), [
    ("/voila/static/7155.voila.js", True),
    ("/voila/templates/spinelab_class/static/index.css", True),
    ("/voila/labextensions/anywidget/static/528.d9f5934c.js", True),
    ("/voila/render/01_muscle_layers.ipynb", False),  # the page carries its kernel id: never compressed
    ("/api/kernels/3f1c", False),
])
def test_only_static_files_are_gzipped(path, gzipped):
    request = HTTPServerRequest(start_line=RequestStartLine("GET", path, "HTTP/1.1"),
                                headers=HTTPHeaders({"Host": "localhost", "Accept-Encoding": "gzip, deflate"}))
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
        async with _serving(app) as fetch:
            for visit in range(3):
                if visit == 1:  # the second page: the kept file, nothing compressed
                    monkeypatch.setattr(gzip, "GzipFile", lambda *args, **kw: pytest.fail("compressed again"))
                if visit == 2:  # the file changed (a course update): compressed anew, never the old one
                    monkeypatch.setattr(gzip, "GzipFile", GZIP_FILE)
                    script.write_text(script.read_text() + "var changed = 1;\n")
                response = await fetch("/static/chunk.js")
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
                                     *(name for name in static_gzip.CONDITIONAL_HEADERS if name in asked)]))
            super().set_headers()

    return server.GuardedApplication([(r"/static/(.*)", static_gzip.kept_static(Counted), {"path": folder})])


def test_a_class_asking_for_a_file_at_once_has_it_read_and_compressed_once(tmp_path):
    script = _script(tmp_path / "static")
    handled: list[str] = []

    async def class_at_once() -> list[tornado.httpclient.HTTPResponse]:
        async with _serving(_counted_app(script.parent, handled)) as fetch:
            return await asyncio.gather(*(fetch("/static/chunk.js") for _ in range(12)),
                                        *(fetch("/static/missing.js") for _ in range(3)))

    *found, missing_1, missing_2, missing_3 = asyncio.run(class_at_once())
    assert handled == ["/static/chunk.js gzip"]
    assert all(gzip.decompress(response.body) == script.read_bytes() for response in found)
    assert (missing_1.code, missing_2.code, missing_3.code) == (404, 404, 404)
    assert static_gzip.StaticGzip.leaders == {}


def test_a_request_waits_for_a_leader_that_never_answers_only_so_long(tmp_path, monkeypatch):
    """A request whose file another is still being sent (its browser gone quiet) waits at most WAIT_SECONDS."""
    script = _script(tmp_path / "static")
    handled: list[str] = []
    monkeypatch.setattr(static_gzip, "WAIT_SECONDS", 0.3)

    async def behind_a_silent_leader() -> tuple[float, tornado.httpclient.HTTPResponse]:
        async with _serving(_counted_app(script.parent, handled)) as fetch:
            silent = HTTPServerRequest(start_line=RequestStartLine("GET", "/static/chunk.js", "HTTP/1.1"),
                                       headers=HTTPHeaders({"Host": "localhost", **ACCEPT_GZIP}))
            static_gzip.StaticGzip.leaders[("/static/chunk.js", False)] = (silent, asyncio.Future())
            begun = time.perf_counter()
            response = await fetch("/static/chunk.js")
            return time.perf_counter() - begun, response

    waited, response = asyncio.run(behind_a_silent_leader())
    assert waited >= 0.3 and handled == ["/static/chunk.js gzip"]
    assert gzip.decompress(response.body) == script.read_bytes()
    assert static_gzip.StaticGzip.leaders == {}


def test_a_kept_response_answers_plain_requests_before_any_handler_and_only_those(tmp_path):
    """The class server's routing: a plain request for an unchanged file gets the kept response; any request whose
    answer could differ (a part, "not modified", no gzip, another query or Host, a changed file) reaches the handler."""
    script = _script(tmp_path / "static")
    original = script.read_bytes()
    handled: list[str] = []
    app = _counted_app(script.parent, handled)
    plain = "/static/chunk.js"
    changed = original + b"var changed = 1;\n"

    async def visits() -> dict[str, tornado.httpclient.HTTPResponse]:
        async with _serving(app) as fetch:
            got = {"first": await fetch(plain), "second": await fetch(plain), "third": await fetch(plain)}
            got["version 1"], got["version 2"] = await fetch(plain + "?v=1"), await fetch(plain + "?v=2")
            got["not modified"] = await fetch(plain, {**ACCEPT_GZIP, "If-None-Match": got["first"].headers["Etag"]})
            got["part"] = await fetch(plain, {**ACCEPT_GZIP, "Range": "bytes=0-9"})
            got["no gzip"] = await fetch(plain, {})
            got["token"] = await fetch(plain + "?token=abc")
            got["other host"] = await fetch(plain, {**ACCEPT_GZIP, "Host": "rebound.example"})
            script.write_bytes(changed)
            got["changed"], got["changed again"] = await fetch(plain), await fetch(plain)
            script.unlink()
            got["gone"] = await fetch(plain)
        return got

    got = asyncio.run(visits())
    assert handled == [f"{plain} gzip", f"{plain}?v=1 gzip", f"{plain} gzip If-None-Match", f"{plain} gzip Range",
                       f"{plain} -", f"{plain}?token=abc gzip", f"{plain} gzip"]
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
    assert gzip.decompress(got["changed"].body) == gzip.decompress(got["changed again"].body) == changed
    assert got["gone"].code == 404
