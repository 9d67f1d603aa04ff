"""The class server's static files: gzipped once (:class:`StaticGzip`), then sent again without Tornado's handler.

A class's pages all ask for the same scripts, styles and fonts (107 files, 5.4 MB, 1.5 MB gzipped, for notebook
02): compressing them again for each page took the server 130 ms of CPU per page on its one event loop. Each
file's gzipped response is kept, and a later plain request for it (:func:`static_reply`) is answered with it
straight from the server's routing, once a ``stat`` shows the file unchanged: no request handler, path search or
file read. A class opens its pages at the same moment, so the same file is asked for many times before its first
answer is complete: those requests wait for it (:class:`WaitingReply`) instead of each compressing the file.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, ClassVar, NamedTuple
from weakref import WeakKeyDictionary

import tornado.web
from tornado import httputil, iostream

#: Path parts of static files (``voila/static``, a template's ``static``, ``voila/labextensions``), gzipped.
STATIC_PARTS = ("/static/", "/labextensions/")
#: The most compressed static files :class:`StaticGzip` keeps, bytes (a page of notebook 02 needs 1.5 MB).
GZIP_KEPT_BYTES = 64 * 2**20
#: Request headers whose answer may differ from the kept one (a part, or "not modified").
CONDITIONAL_HEADERS = ("Range", "If-None-Match", "If-Modified-Since", "If-Range")
#: How long a request waits for another's answer to the same file before it goes to the file's handler, seconds.
WAIT_SECONDS = 10.0


class Sent(NamedTuple):
    """A static file's whole gzipped response to a plain ``GET``, as sent: what :func:`kept_reply` sends again."""

    file: str
    #: The file's ``(st_mtime_ns, st_size)`` when it was sent.
    stat: tuple[int, int]
    headers: tuple[tuple[str, str], ...]
    #: The body's key in :attr:`StaticGzip.compressed`.
    key: tuple[str, str, str]


def replay_key(request: httputil.HTTPServerRequest) -> tuple[str, bool] | None:
    """The key of a request a kept response may answer: a plain gzip ``GET`` for a static file (:data:`STATIC_PARTS`)
    with no query but a version (``v``).

    A static handler's answer depends only on the path and on whether the query has a version (then it may be
    cached for years); any other request goes to the handler.
    """
    if (request.method != "GET" or not any(part in request.path for part in STATIC_PARTS)
            or "gzip" not in request.headers.get("Accept-Encoding", "")
            or any(name in request.headers for name in CONDITIONAL_HEADERS)):
        return None
    if request.query and not (request.query.startswith("v=") and "&" not in request.query):
        return None
    return request.path, bool(request.query)


class StaticGzip(tornado.web.GZipContentEncoding):
    """gzip for static files (:data:`STATIC_PARTS`) only, when the browser accepts it; a file's whole response to a
    ``GET`` is compressed once and kept (:attr:`compressed`), keyed by its path, version (``Etag``, else
    ``Last-Modified``) and length. The response to a plain request (:func:`replay_key`) from a handler that said
    which file it sent (:class:`KeptStaticFile`) is kept whole (:attr:`sent`)."""

    #: Gzipped responses by key, least recently used first; at most :data:`GZIP_KEPT_BYTES` in all.
    compressed: ClassVar[OrderedDict[tuple[str, str, str], bytes]] = OrderedDict()
    #: Whole responses by :func:`replay_key`; one whose body is no longer in :attr:`compressed` is dropped.
    sent: ClassVar[dict[tuple[str, bool], Sent]] = {}
    #: The file each request in flight is answered with, and its ``(st_mtime_ns, st_size)``.
    files: ClassVar[WeakKeyDictionary[httputil.HTTPServerRequest, tuple[str, tuple[int, int]]]] = WeakKeyDictionary()
    #: By :func:`replay_key`, the request whose answer others wait for, and the future done when it is complete.
    leaders: ClassVar[dict[tuple[str, bool], tuple[httputil.HTTPServerRequest, asyncio.Future[None]]]] = {}

    def __init__(self, request: Any) -> None:
        super().__init__(request)
        self._gzipping = self._gzipping and any(part in request.path for part in STATIC_PARTS)
        self._request = request
        self._key: tuple[str, str, str] | None = None
        self._headers: tuple[tuple[str, str], ...] = ()
        self._parts: list[bytes] = []
        self._replayed = False

    def _key_of(self, status_code: int, headers: Any) -> tuple[str, str, str] | None:
        version = headers.get("Etag") or headers.get("Last-Modified")
        if not (self._gzipping and status_code == 200 and self._request.method == "GET" and version
                and "Content-Length" in headers and "Content-Encoding" not in headers):
            return None
        return self._request.path, version, headers["Content-Length"]

    def transform_first_chunk(self, status_code: int, headers: Any, chunk: bytes,
                              finishing: bool) -> tuple[int, Any, bytes]:
        """Send the kept compressed file when there is one; otherwise compress, and keep what was sent."""
        key = self._key_of(status_code, headers)
        kept = self.compressed.get(key) if key else None
        if kept is not None:
            self.compressed.move_to_end(key)
            self._gzipping, self._replayed = False, True
            # The headers GZipContentEncoding sets, without making a compressor that would not be used.
            headers["Vary"] = f"{headers['Vary']}, Accept-Encoding" if "Vary" in headers else "Accept-Encoding"
            headers["Content-Encoding"] = "gzip"
            headers["Content-Length"] = str(len(kept))
            self._keep_whole(key, tuple(headers.get_all()))
            return status_code, headers, kept
        status_code, headers, chunk = super().transform_first_chunk(status_code, headers, chunk, finishing)
        if self._gzipping and key:
            self._key, self._headers = key, tuple(headers.get_all())
            self._keep(chunk, finishing)
        return status_code, headers, chunk

    def transform_chunk(self, chunk: bytes, finishing: bool) -> bytes:
        """The file's next part: nothing after a kept file (already sent whole), else compressed and kept."""
        if self._replayed:
            return b""
        chunk = super().transform_chunk(chunk, finishing)
        if self._key:
            self._keep(chunk, finishing)
        return chunk

    def _keep(self, chunk: bytes, finishing: bool) -> None:
        self._parts.append(chunk)
        if finishing:
            whole = b"".join(self._parts)
            self.compressed[self._key] = whole
            kept = sum(map(len, self.compressed.values()))
            while kept > GZIP_KEPT_BYTES:
                kept -= len(self.compressed.popitem(last=False)[1])
            self._keep_whole(self._key, self._headers)

    def _keep_whole(self, key: tuple[str, str, str], headers: tuple[tuple[str, str], ...]) -> None:
        replay, served = replay_key(self._request), self.files.get(self._request)
        # The length in the key is the file's: a file that changed while it was read is not kept.
        if replay and served and str(served[1][1]) == key[2] and key in self.compressed:
            self.sent[replay] = Sent(served[0], served[1], headers, key)


class KeptStaticFile(tornado.web.StaticFileHandler):
    """A static file handler that tells :class:`StaticGzip` which file it sends (a mixin for Voilà's)."""

    def set_headers(self) -> None:
        """The handler's headers; the file and its ``stat``, for :class:`StaticGzip`."""
        super().set_headers()
        stat = os.stat(self.absolute_path)
        StaticGzip.files[self.request] = (self.absolute_path, (stat.st_mtime_ns, stat.st_size))


def kept_static(handler: type[tornado.web.StaticFileHandler]) -> type[tornado.web.StaticFileHandler]:
    """``handler`` telling :class:`StaticGzip` which file it sends."""
    return type(f"Kept{handler.__name__}", (KeptStaticFile, handler), {})


class KeptReply(httputil.HTTPMessageDelegate):
    """A kept response (:class:`Sent`) sent again with a new ``Date``."""

    def __init__(self, connection: httputil.HTTPConnection, headers: tuple[tuple[str, str], ...],
                 body: bytes) -> None:
        self.connection, self.headers, self.body = connection, headers, body

    def finish(self) -> None:
        """Send it."""
        headers = httputil.HTTPHeaders()
        for name, value in self.headers:
            headers.add(name, value)
        headers["Date"] = httputil.format_timestamp(time.time())
        headers["Content-Length"] = str(len(self.body))  # sent in parts the first time, it had none
        self.connection.write_headers(httputil.ResponseStartLine("", 200, "OK"), headers, self.body)
        self.connection.finish()


class WaitingReply(httputil.HTTPMessageDelegate):
    """A plain request for a file another request is being answered with: once that answer is complete (or after
    :data:`WAIT_SECONDS`), it is sent the kept response, or goes to the file's handler (``route``)."""

    def __init__(self, request: httputil.HTTPServerRequest, leader: asyncio.Future[None],
                 route: Callable[[httputil.HTTPServerRequest], httputil.HTTPMessageDelegate]) -> None:
        self.request, self.leader, self.route = request, leader, route
        self.start_line: httputil.RequestStartLine | None = None
        self.headers: httputil.HTTPHeaders | None = None
        self.answer: asyncio.Task[None] | None = None

    def headers_received(self, start_line: Any, headers: httputil.HTTPHeaders) -> None:
        """Keep them for the delegate that will answer."""
        self.start_line, self.headers = start_line, headers

    def finish(self) -> None:
        """Wait, then answer."""
        self.answer = asyncio.ensure_future(self._answer())

    async def _answer(self) -> None:
        try:
            await asyncio.wait_for(asyncio.shield(self.leader), WAIT_SECONDS)
        except TimeoutError:  # a leader that never completed (its client left): nobody waits for it again
            release(self.request, stale=True)
        delegate = kept_reply(self.request) or self.route(self.request)
        try:
            delegate.headers_received(self.start_line, self.headers)
            delegate.finish()
        except iostream.StreamClosedError:  # the browser left while it waited
            pass


def release(request: httputil.HTTPServerRequest, stale: bool = False) -> None:
    """``request`` is answered (its application logs it): the requests waiting for its answer go on. ``stale``: the
    leader of ``request``'s file did not answer in time, and is dropped."""
    key = replay_key(request)
    leader = StaticGzip.leaders.get(key) if key else None
    if leader is not None and (stale or leader[0] is request):
        del StaticGzip.leaders[key]
        if not leader[1].done():
            leader[1].set_result(None)


def static_reply(request: httputil.HTTPServerRequest,
                 route: Callable[[httputil.HTTPServerRequest], httputil.HTTPMessageDelegate],
                 ) -> httputil.HTTPMessageDelegate | None:
    """What answers a plain request for a static file (:func:`replay_key`) before any handler: the file's kept
    response, or a wait for the answer in flight to another request for it. None: the handler answers it, and any
    request for the file meanwhile waits (call :func:`release` once it is answered)."""
    if (reply := kept_reply(request)) is not None:
        return reply
    key = replay_key(request)
    if key is None:
        return None
    if key in StaticGzip.leaders:
        return WaitingReply(request, StaticGzip.leaders[key][1], route)
    StaticGzip.leaders[key] = (request, asyncio.get_running_loop().create_future())
    return None


def kept_reply(request: httputil.HTTPServerRequest) -> KeptReply | None:
    """The kept response to ``request``, when it is a plain request (:func:`replay_key`) for a file unchanged since."""
    key = replay_key(request)
    sent = StaticGzip.sent.get(key) if key else None
    if sent is None:
        return None
    body = StaticGzip.compressed.get(sent.key)
    try:
        stat = os.stat(sent.file)
        unchanged = (stat.st_mtime_ns, stat.st_size) == sent.stat
    except OSError:
        unchanged = False
    if body is None or not unchanged:
        del StaticGzip.sent[key]
        return None
    StaticGzip.compressed.move_to_end(sent.key)
    return KeptReply(request.connection, sent.headers, body)
