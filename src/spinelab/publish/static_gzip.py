"""gzip for the class server's static files only (:class:`StaticGzip`), each file compressed once.

A class's pages all ask for the same scripts, styles and fonts (5.4 MB, 1.5 MB gzipped, for notebook 02):
compressing them again for each page took the server 130 ms of CPU per page on its one event loop.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, ClassVar

import tornado.web

#: Path parts of static files (``voila/static``, a template's ``static``, ``voila/labextensions``), gzipped.
STATIC_PARTS = ("/static/", "/labextensions/")
#: The most compressed static files :class:`StaticGzip` keeps, bytes (a page of notebook 02 needs 1.5 MB).
GZIP_KEPT_BYTES = 64 * 2**20


class StaticGzip(tornado.web.GZipContentEncoding):
    """gzip for static files (:data:`STATIC_PARTS`) only, when the browser accepts it; a file's whole response to a
    ``GET`` is compressed once and kept (:attr:`compressed`), keyed by its path, version (``Etag``, else
    ``Last-Modified``) and length."""

    #: Gzipped responses by key, least recently used first; at most :data:`GZIP_KEPT_BYTES` in all.
    compressed: ClassVar[OrderedDict[tuple[str, str, str], bytes]] = OrderedDict()

    def __init__(self, request: Any) -> None:
        super().__init__(request)
        self._gzipping = self._gzipping and any(part in request.path for part in STATIC_PARTS)
        self._request = request
        self._key: tuple[str, str, str] | None = None
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
            return status_code, headers, kept
        status_code, headers, chunk = super().transform_first_chunk(status_code, headers, chunk, finishing)
        if self._gzipping and key:
            self._key = key
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
