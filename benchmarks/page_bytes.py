"""What a Voila page sends to Chromium: bytes on the wire and as Chromium's DevTools protocol reports them.

:class:`WireCounter` is a TCP relay between the browser and the server that counts every byte the server sends
(HTTP bodies and headers, websocket frames as compressed on the wire). :class:`DevToolsCounter` sums Chromium's
own account (CDP ``Network`` events): ``encodedDataLength`` of every HTTP response and the payload of every
websocket frame received (CDP reports websocket payloads decompressed, so with permessage-deflate the wire count
is the smaller, true one). Both are used by ``benchmarks/spine3d_view.py`` and ``tests/browser/test_spine3d.py``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import socket
import threading
import time
from dataclasses import dataclass, field

#: Chromium's websocket opcodes: 1 text, 2 binary.
_BINARY = 2


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class WireCounter:
    """A relay on 127.0.0.1 to ``target_port`` counting the bytes the server sends to the browser.

    Use as a context manager; :attr:`port` is where the browser connects, :attr:`received` the running count.
    ``latency`` (seconds) delays every chunk each way, in order, as a network between a class and its server does.
    """

    def __init__(self, target_port: int, latency: float = 0.0) -> None:
        self.target_port = target_port
        self.latency = latency
        self.port = free_port()
        self.received = 0
        self.last_byte = time.monotonic()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._loop.run_until_complete, args=(self._serve(),), daemon=True)

    def __enter__(self) -> WireCounter:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)
        self._loop.close()

    def reset(self) -> None:
        """Start counting from zero."""
        self.received = 0

    def quiet_for(self, seconds: float) -> bool:
        """Whether no byte has come from the server for ``seconds``."""
        return time.monotonic() - self.last_byte >= seconds

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        server = await asyncio.start_server(self._relay, "127.0.0.1", self.port)
        self._ready.set()
        await self._stop.wait()
        server.close()
        relays = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in relays:
            task.cancel()
        await asyncio.gather(*relays, return_exceptions=True)

    async def _relay(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            client_writer.close()
            return
        try:
            await asyncio.gather(self._pipe(client_reader, server_writer, count=False),
                                 self._pipe(server_reader, client_writer, count=True))
        except asyncio.CancelledError:  # the relay is closing: end this connection quietly
            for writer in (client_writer, server_writer):
                writer.close()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, count: bool) -> None:
        chunks: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()
        sender = asyncio.create_task(self._send(chunks, writer))
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            while chunk := await reader.read(65536):
                if count:
                    self.received += len(chunk)
                    self.last_byte = time.monotonic()
                chunks.put_nowait((time.monotonic() + self.latency, chunk))
        chunks.put_nowait((0.0, b""))
        await sender

    async def _send(self, chunks: asyncio.Queue[tuple[float, bytes]], writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            while True:
                due, chunk = await chunks.get()
                if not chunk:
                    break
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                writer.write(chunk)
                await writer.drain()
        with contextlib.suppress(OSError):
            writer.close()


@dataclass
class DevToolsCounter:
    """Chromium's account of what a page received: HTTP ``encodedDataLength`` and websocket frame payloads."""

    http: int = 0
    websocket: int = 0
    responses: dict[str, int] = field(default_factory=dict)

    def attach(self, page: object) -> None:
        """Listen to ``page``'s CDP ``Network`` events (Chromium only)."""
        session = page.context.new_cdp_session(page)
        urls: dict[str, str] = {}
        session.on("Network.responseReceived", lambda event: urls.__setitem__(event["requestId"],
                                                                              event["response"]["url"]))
        session.on("Network.loadingFinished", lambda event: self._finished(urls.get(event["requestId"], "?"),
                                                                          int(event["encodedDataLength"])))
        session.on("Network.webSocketFrameReceived", lambda event: self._frame(event["response"]))
        session.send("Network.enable")
        session.send("Network.setCacheDisabled", {"cacheDisabled": True})

    def _finished(self, url: str, length: int) -> None:
        self.http += length
        self.responses[url] = self.responses.get(url, 0) + length

    def _frame(self, frame: dict) -> None:
        payload = frame.get("payloadData", "")
        self.websocket += len(base64.b64decode(payload)) if frame.get("opcode") == _BINARY else len(payload.encode())

    @property
    def total(self) -> int:
        """HTTP and websocket bytes together."""
        return self.http + self.websocket


def wait_until_quiet(page: object, wire: WireCounter, seconds: float = 1.5, timeout: float = 60.0) -> None:
    """Wait (polling the relay's clock) until the server has sent nothing for ``seconds``."""
    deadline = time.monotonic() + timeout
    while not wire.quiet_for(seconds) and time.monotonic() < deadline:
        page.wait_for_timeout(200)
