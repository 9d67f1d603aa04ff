"""The class server's static files: gzipped once (:class:`StaticGzip`), then sent again without Tornado's handler.

A class's pages all ask for the same scripts, styles and fonts (107 files, 5.4 MB, 1.5 MB gzipped, for notebook
02): compressing them again for each page took the server 130 ms of CPU per page on its one event loop. Each
file's gzipped response is kept, and a later plain request for it (:func:`static_reply`) is answered with it
straight from the server's routing, once a ``stat`` shows the file unchanged: no request handler, path search or
file read.

A class opens its pages at the same moment, so the same file is asked for many times at once. The first request
goes to the file's handler (:class:`KeptStaticFile`), which reads the file whole: the whole file is compressed and
kept before any of it is sent, however slowly that browser reads. The others wait for it (:class:`WaitingReply`).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, NamedTuple
from weakref import WeakKeyDictionary

import tornado.web
from tornado import httputil
from tornado.log import app_log

#: Path parts of static files (``voila/static``, a template's ``static``, ``voila/labextensions``), gzipped.
STATIC_PARTS = ("/static/", "/labextensions/")
#: The most compressed static files :class:`StaticGzip` keeps, bytes (a page of notebook 02 needs 1.5 MB).
GZIP_KEPT_BYTES = 64 * 2**20
#: The largest file :class:`KeptStaticFile` reads whole, bytes (notebook 02's largest static file has 1.4 MB).
WHOLE_FILE_BYTES = 8 * 2**20
#: How long a request waits for the first answer to its file before it goes to the file's handler, seconds.
WAIT_SECONDS = 2.0
#: The most files whose first answers are awaited at once (requests for others go straight to their handlers).
MAX_LEADERS = 1024
#: Request headers that may change a static handler's answer (a part, "not modified", CORS, a body's arguments).
PARTICULAR_HEADERS = ("Range", "If-None-Match", "If-Modified-Since", "If-Range", "Origin", "Authorization",
                      "Content-Length", "Transfer-Encoding")


def is_static(path: str) -> bool:
    """Whether a request path names a static file (:data:`STATIC_PARTS`)."""
    return any(part in path for part in STATIC_PARTS)


class Sent(NamedTuple):
    """A static file's whole gzipped response to a plain ``GET``, as sent: what :func:`kept_reply` sends again."""

    file: str
    #: The file's ``(st_mtime_ns, st_size)`` when it was sent.
    stat: tuple[int, int]
    headers: tuple[tuple[str, str], ...]
    #: The body's key in :attr:`StaticGzip.compressed`.
    key: tuple[str, str, str]


def replay_key(request: httputil.HTTPServerRequest) -> tuple[str, bool] | None:
    """The key of a request a kept response may answer: a plain gzip ``GET`` for a static file (:data:`STATIC_PARTS`),
    with none of :data:`PARTICULAR_HEADERS` and no query but a version (``v``).

    A static handler's answer to such a request depends only on the path and on whether the query has a version
    (then it may be cached for years).
    """
    if (request.method != "GET" or not is_static(request.path)
            or "gzip" not in request.headers.get("Accept-Encoding", "")
            or any(name in request.headers for name in PARTICULAR_HEADERS)):
        return None
    if request.query and not (request.query.startswith("v=") and "&" not in request.query):
        return None
    return request.path, bool(request.query)


def _personal(headers: tuple[tuple[str, str], ...]) -> bool:
    """Whether response headers carry something for one browser only (a cookie, a CORS grant)."""
    return any(name == "Set-Cookie" or name.startswith("Access-Control-") for name, _ in headers)


class StaticGzip(tornado.web.GZipContentEncoding):
    """gzip for static files (:data:`STATIC_PARTS`) only, when the browser accepts it; a file's whole response to a
    ``GET`` is compressed once and kept (:attr:`compressed`), keyed by its path, version (``Etag``,
    ``Last-Modified`` and the modification time its handler read) and length. The response to a plain request
    (:func:`replay_key`) from a handler that said which file it sent (:class:`KeptStaticFile`) is kept whole
    (:attr:`sent`)."""

    #: Gzipped responses by key, least recently used first; at most :data:`GZIP_KEPT_BYTES` in all.
    compressed: ClassVar[OrderedDict[tuple[str, str, str], bytes]] = OrderedDict()
    #: Whole responses by :func:`replay_key`; one whose body is no longer in :attr:`compressed` is dropped.
    sent: ClassVar[dict[tuple[str, bool], Sent]] = {}
    #: The file each request in flight is answered with, and its ``(st_mtime_ns, st_size)``.
    files: ClassVar[WeakKeyDictionary[httputil.HTTPServerRequest, tuple[str, tuple[int, int]]]] = WeakKeyDictionary()
    #: By :func:`replay_key`, the request whose answer others wait for, the future done once its answer is kept or
    #: will not be, and when it began (``time.monotonic()``).
    leaders: ClassVar[dict[tuple[str, bool], tuple[httputil.HTTPServerRequest, asyncio.Future[None], float]]] = {}

    def __init__(self, request: Any) -> None:
        super().__init__(request)
        self._gzipping = self._gzipping and is_static(request.path)
        self._request = request
        self._key: tuple[str, str, str] | None = None
        self._headers: tuple[tuple[str, str], ...] = ()
        self._parts: list[bytes] = []
        #: The file's bytes seen so far: a response cut short (its browser left) is not kept.
        self._seen = 0
        self._sent_whole = False

    def _key_of(self, status_code: int, headers: Any) -> tuple[str, str, str] | None:
        # Tornado computes a file's Etag once per process: the modification time tells a changed file apart.
        served = self.files.get(self._request)
        version = "|".join(filter(None, (headers.get("Etag"), headers.get("Last-Modified"),
                                         served and str(served[1][0]))))
        if not (self._gzipping and status_code == 200 and self._request.method == "GET" and version
                and "Content-Length" in headers and "Content-Encoding" not in headers):
            return None
        return self._request.path, version, headers["Content-Length"]

    def transform_first_chunk(self, status_code: int, headers: Any, chunk: bytes,
                              finishing: bool) -> tuple[int, Any, bytes]:
        """Send the kept compressed file when there is one; otherwise compress, and keep what was sent: at once when
        the chunk is the whole file."""
        key = self._key_of(status_code, headers)
        kept = self.compressed.get(key) if key else None
        if kept is not None:
            self.compressed.move_to_end(key)
            self._gzipping, self._sent_whole = False, True
            # The headers GZipContentEncoding sets, without making a compressor that would not be used.
            headers["Vary"] = f"{headers['Vary']}, Accept-Encoding" if "Vary" in headers else "Accept-Encoding"
            headers["Content-Encoding"] = "gzip"
            headers["Content-Length"] = str(len(kept))
            self._keep_whole(key, tuple(headers.get_all()))
            return status_code, headers, kept
        whole = key is not None and not finishing and len(chunk) == int(key[2])
        status_code, headers, chunk = super().transform_first_chunk(status_code, headers, chunk, finishing)
        if self._gzipping and key:
            self._key = key  # the file's bytes were counted as GZipContentEncoding compressed them
            if whole:  # the end of the gzip stream now: kept before the first byte is sent
                chunk += super().transform_chunk(b"", True)
                headers["Content-Length"] = str(len(chunk))
                self._sent_whole = True
            self._headers = tuple(headers.get_all())
            self._keep(chunk, whole or finishing)
        # Kept or not, whoever waits for this answer goes on now: not once this browser has read it all.
        release(self._request)
        return status_code, headers, chunk

    def transform_chunk(self, chunk: bytes, finishing: bool) -> bytes:
        """The file's next part: nothing after a file sent whole, else compressed and kept."""
        if self._sent_whole:
            return b""
        self._seen += len(chunk)
        chunk = super().transform_chunk(chunk, finishing)
        if self._key:
            self._keep(chunk, finishing)
        return chunk

    def _keep(self, chunk: bytes, finishing: bool) -> None:
        self._parts.append(chunk)
        if finishing and self._seen == int(self._key[2]):
            self.compressed[self._key] = b"".join(self._parts)
            kept = sum(map(len, self.compressed.values()))
            while kept > GZIP_KEPT_BYTES:
                kept -= len(self.compressed.popitem(last=False)[1])
            self._keep_whole(self._key, self._headers)

    def _keep_whole(self, key: tuple[str, str, str], headers: tuple[tuple[str, str], ...]) -> None:
        replay, served = replay_key(self._request), self.files.get(self._request)
        # The length in the key is the file's: a file that changed while it was read is not kept.
        if (replay and served and str(served[1][1]) == key[2] and key in self.compressed
                and not _personal(headers)):
            self.sent[replay] = Sent(served[0], served[1], headers, key)
            release(self._request)


class KeptStaticFile(tornado.web.StaticFileHandler):
    """A static file handler that reads a file whole and tells :class:`StaticGzip` which file it sends (a mixin for
    Voilà's)."""

    def set_headers(self) -> None:
        """The handler's headers; the file and its ``stat``, for :class:`StaticGzip`."""
        super().set_headers()
        stat = os.stat(self.absolute_path)
        StaticGzip.files[self.request] = (self.absolute_path, (stat.st_mtime_ns, stat.st_size))

    @classmethod
    def get_content(cls, abspath: str, start: int | None = None,
                    end: int | None = None) -> bytes | Iterator[bytes]:
        """A whole file of at most :data:`WHOLE_FILE_BYTES` in one piece; else the handler's parts."""
        if start is None and end is None and os.path.getsize(abspath) <= WHOLE_FILE_BYTES:
            with open(abspath, "rb") as file:
                return file.read()
        return super().get_content(abspath, start, end)


def kept_static(handler: type[tornado.web.StaticFileHandler]) -> type[tornado.web.StaticFileHandler]:
    """``handler`` reading files whole and telling :class:`StaticGzip` which file it sends."""
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
    """A plain request for a file whose first answer is being made for another request: once it is kept (or after
    :data:`WAIT_SECONDS`), the kept response is sent, or else the file's handler (``route``) answers."""

    def __init__(self, request: httputil.HTTPServerRequest, leader: asyncio.Future[None],
                 route: Callable[[httputil.HTTPServerRequest], httputil.HTTPMessageDelegate]) -> None:
        self.request, self.leader, self.route = request, leader, route
        self.start_line: httputil.RequestStartLine | None = None
        self.headers: httputil.HTTPHeaders | None = None
        self.answer: asyncio.Task[None] | None = None
        self.routed: httputil.HTTPMessageDelegate | None = None
        self.closed = False

    def headers_received(self, start_line: Any, headers: httputil.HTTPHeaders) -> None:
        """Keep them for whatever answers."""
        self.start_line, self.headers = start_line, headers

    def finish(self) -> None:
        """Wait, then answer."""
        self.answer = asyncio.ensure_future(self._answer())

    def on_connection_close(self) -> None:
        """The browser left: nothing to answer, or the delegate that answers is told."""
        self.closed = True
        if self.routed is not None:
            self.routed.on_connection_close()

    async def _answer(self) -> None:
        try:
            await asyncio.wait_for(asyncio.shield(self.leader), WAIT_SECONDS)
        except TimeoutError:  # its first answer was never kept (its browser left): nobody waits for it again
            _drop_leader(replay_key(self.request), self.leader)
        if self.closed:
            return
        try:
            self.routed = kept_reply(self.request) or self.route(self.request)
            self.routed.headers_received(self.start_line, self.headers)
            self.routed.finish()
        except Exception:  # as Tornado does for a delegate that fails: logged, and the connection closed
            app_log.exception("Uncaught exception answering %s", self.request.uri)
            self.request.connection.close()


def _drop_leader(key: tuple[str, bool] | None, leader: asyncio.Future[None]) -> None:
    if key in StaticGzip.leaders and StaticGzip.leaders[key][1] is leader:
        del StaticGzip.leaders[key]
    if not leader.done():
        leader.set_result(None)


def release(request: httputil.HTTPServerRequest) -> None:
    """``request``'s file is kept, or ``request`` is answered (the application logs it): if others wait for its
    answer, they go on."""
    key = replay_key(request)
    leader = StaticGzip.leaders.get(key) if key else None
    if leader is not None and leader[0] is request:
        _drop_leader(key, leader[1])


def static_reply(request: httputil.HTTPServerRequest,
                 route: Callable[[httputil.HTTPServerRequest], httputil.HTTPMessageDelegate],
                 ) -> httputil.HTTPMessageDelegate | None:
    """What answers a plain request for a static file (:func:`replay_key`) before any handler: the file's kept
    response, or a wait for the first answer another request is having made. None: the handler answers, and other
    requests for the file wait until :func:`release` is called with this one."""
    if (reply := kept_reply(request)) is not None:
        return reply
    key = replay_key(request)
    if key is None:
        return None
    leader = StaticGzip.leaders.get(key)
    if leader is not None and time.monotonic() - leader[2] < WAIT_SECONDS:
        return WaitingReply(request, leader[1], route)
    if leader is not None:  # one that never said its answer was made (its handler never ran): replaced
        _drop_leader(key, leader[1])
    if len(StaticGzip.leaders) < MAX_LEADERS:
        StaticGzip.leaders[key] = (request, asyncio.get_running_loop().create_future(), time.monotonic())
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
