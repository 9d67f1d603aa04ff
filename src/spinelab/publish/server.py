"""The Voilà that serves a class and ``present``: Voilà 0.5 with its holes closed (issue 21).

``python -m spinelab.publish.server <notebook or folder> --Voila.config_file_paths=<folder>`` runs Voilà with these
changes; :mod:`spinelab.publish.classroom` writes the configuration (token included, in a file only its owner can
read, never on the command line) and starts it.

- **Kernel websockets speak protocol v1 only** (:class:`V1OnlyConnection`). On a connection without the
  ``v1.kernel.websocket.jupyter.org`` subprotocol, Voilà's handler parses the kernel's legacy binary frames as v1
  (``read_header_from_binary_message``), reads a part count near 1e18 and loops on the event loop: every page
  stops and memory grows until the OOM killer. Such connections are refused before the upgrade (HTTP 400), and a
  v1 frame from the page whose part count does not fit the frame (jupyter_server's
  ``deserialize_msg_from_ws_v1`` loops the same way) closes the connection.
- **A page touches only its own kernel**: serving a page sets an HttpOnly, SameSite=Strict cookie carrying a random
  secret bound to that page's kernel, scoped to that kernel's paths (``api/kernels/<id>``,
  ``voila/api/shutdown/<id>``, ``voila/query/<id>``); the kernel API, its websocket, the shutdown beacon and
  Voilà's request-info socket refuse a request without it (403). The beacon needs no ``_xsrf`` any more (Voilà's
  page never has one, so kernels leaked when pages closed): the secret and SameSite do that work.
- **The token stays secret**: it is taken out of a page's query before the kernel and Voilà's request-info socket
  see it, replaced by ``[token]`` in every log line (:class:`TokenFilter`), and no response sends a ``Referer``
  (``Referrer-Policy: no-referrer``). A ``Host`` header naming another machine is refused (403): a web page
  whose name was re-pointed at this machine (DNS rebinding) gets nothing.
- **No kernel beyond the plan**: template and theme overrides are off and their query arguments ignored (each
  override used to skip the preheated pool and start a kernel); a kernel the kernel manager refuses
  (:class:`~spinelab.publish.class_kernels.KernelRefusedError`) becomes an HTTP 503 page saying the class is full.
- **The room's votes** (:mod:`spinelab.publish.room`) when :attr:`ClassServer.room_store` is set: its routes come
  before Voilà's, every page gets the class secret in a cookie scoped to ``/spinelab/room/`` and the vote panel's
  script before ``</body>``; both secrets are kept out of the logs like the token.
- **TLS** when :attr:`ClassServer.certfile` and :attr:`ClassServer.keyfile` are set.
- **Static files gzipped** (issue 28, :class:`~spinelab.publish.static_gzip.StaticGzip`): Voilà's and the
  widgets' scripts, styles and fonts, 5.4 MB, reach a page as 1.5 MB, each file compressed once; a file's kept
  response answers the next plain requests for it before any handler runs (issue 29). The rendered page
  and the HTTP API stay uncompressed: no response that carries a page's kernel id is compressed together with text
  a request chose (BREACH). Kernel websockets stay uncompressed too: their largest messages are PNG frames, which
  deflate cannot shrink, at a cost on every slider move; the 3D view's module comes gzipped from the kernel itself
  (:mod:`spinelab.anatomy.spine_view`).
"""

from __future__ import annotations

import asyncio
import hmac
import itertools
import logging
import re
import secrets
import sys
import tempfile
from collections.abc import Iterable
from importlib import resources
from typing import Any
from urllib.parse import urlencode

import tornado.web
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from jupyter_server.services.kernels.handlers import KernelHandler
from jupyter_server.utils import url_path_join
from traitlets import List, Unicode
from voila.app import Voila
from voila.request_info_handler import RequestInfoSocketHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from spinelab.course.class_store import ClassStore, ClassStoreError
from spinelab.publish.class_kernels import KernelRefusedError
from spinelab.publish.hosts import host_allowed, local_names
from spinelab.publish.room import Room, room_cookie_header, room_handlers, room_script
from spinelab.publish.serving import MIN_TOKEN_CHARS
from spinelab.publish.static_gzip import StaticGzip, kept_static, release, static_reply

V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"
#: The cookie carrying a page's secret; one per kernel path, each scoped to that kernel's URLs.
PAGE_COOKIE = "spinelab-page"
PAGE_PATHS = ("api/kernels/{id}", "voila/api/shutdown/{id}", "voila/query/{id}")
#: Query arguments a page ignores: the token (checked already, never passed on) and Voilà's overrides.
DROPPED_ARGUMENTS = ("token", "template", "theme")
#: Most parts a page's v1 frame may claim (a kernel message has 5 plus its buffers).
MAX_FRAME_PARTS = 1024
#: The page a student sees when no kernel can be started for them.
CLASS_FULL_PAGE = ("templates", "spinelab_class", "class_full.html")
#: Where the application keeps the class's :class:`~spinelab.publish.room.Room` (None without a class store).
ROOM_SETTING = "spinelab_room"
LOG_NAMES = ("", "tornado", "tornado.access", "tornado.application", "tornado.general", "Voila", "ClassServer")


class TokenFilter(logging.Filter):
    """Replace the token in every log record by ``[token]``."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite ``record`` without the token; always keep it."""
        message = record.getMessage()
        if self.token in message:
            record.msg, record.args = message.replace(self.token, "[token]"), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and self.token in record.exc_text:
            record.exc_text = record.exc_text.replace(self.token, "[token]")
        return True


def scrub_logs(token: str, loggers: Iterable[logging.Logger]) -> TokenFilter:
    """Install a :class:`TokenFilter` on ``loggers``, their handlers and Python's last-resort handler."""
    scrub = TokenFilter(token)
    for logger in loggers:
        logger.addFilter(scrub)
        for handler in logger.handlers:
            handler.addFilter(scrub)
    if logging.lastResort is not None:
        logging.lastResort.addFilter(scrub)
    return scrub


def frame_fits(frame: object) -> bool:
    """Whether a v1 websocket frame's part count and offsets fit the frame (checked before jupyter_server reads it)."""
    if not isinstance(frame, bytes) or len(frame) < 8:
        return False
    parts = int.from_bytes(frame[:8], "little")
    if not 3 <= parts <= MAX_FRAME_PARTS or len(frame) < 8 * (parts + 1):
        return False
    offsets = [int.from_bytes(frame[8 * (i + 1): 8 * (i + 2)], "little") for i in range(parts)]
    return all(a <= b for a, b in itertools.pairwise(offsets)) and offsets[-1] <= len(frame)


class V1OnlyConnection(ZMQChannelsWebsocketConnection):
    """A kernel websocket that speaks protocol v1 only, and closes on a v1 frame that does not fit."""

    async def prepare(self) -> None:
        """Refuse (HTTP 400, before the upgrade) a client that does not offer protocol v1."""
        offered = self.websocket_handler.request.headers.get("Sec-WebSocket-Protocol", "")
        if V1_PROTOCOL not in (item.strip() for item in offered.split(",")):
            raise tornado.web.HTTPError(400, "kernel websockets need the %s subprotocol", V1_PROTOCOL)
        await super().prepare()

    def connect(self) -> asyncio.Future[None] | None:
        """Connect to the kernel, unless the negotiated subprotocol is not v1 (then close)."""
        if self.subprotocol != V1_PROTOCOL:
            self.websocket_handler.close(1002, "protocol v1 only")
            done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            done.set_result(None)
            return done
        # Each kernel message leaves at once: with Nagle's algorithm (Tornado's default) a frame written after
        # another waited for the browser's delayed ACK, up to 40 ms on Linux, between a key press and its picture.
        self.websocket_handler.set_nodelay(True)
        return super().connect()

    def handle_incoming_message(self, incoming_msg: Any) -> None:
        """Pass a well-formed v1 frame to the kernel; close the connection on any other."""
        if not frame_fits(incoming_msg):
            self.log.warning("Closing kernel websocket %s: malformed v1 frame", self.kernel_id)
            self.websocket_handler.close(1003, "malformed v1 frame")
            return
        super().handle_incoming_message(incoming_msg)


def page_secrets(handler: tornado.web.RequestHandler) -> dict[str, str]:
    """The server's secrets, one per kernel whose page was served."""
    return handler.settings.setdefault("spinelab_page_secrets", {})


def owns_kernel(handler: tornado.web.RequestHandler, kernel_id: str) -> bool:
    """Whether the request carries the secret of the page that ``kernel_id`` was given to."""
    secret = page_secrets(handler).get(kernel_id)
    if not secret:
        return False
    for header in handler.request.headers.get_list("Cookie"):
        for item in header.split(";"):
            name, _, value = item.strip().partition("=")
            if name == PAGE_COOKIE and hmac.compare_digest(value.encode(), secret.encode()):
                return True
    return False


def require_owner(handler: tornado.web.RequestHandler, kernel_id: str) -> None:
    """Refuse (403) a request naming a kernel whose page secret it does not carry."""
    if not owns_kernel(handler, kernel_id):
        raise tornado.web.HTTPError(403, "this kernel belongs to another page")


class OwnKernelHandler(KernelHandler):
    """``/api/kernels/<id>`` (the kernel's state, DELETE) for the kernel's own page only.

    A kernel that no longer runs is 404 to everyone: the page's watchdog (the ``spinelab_class`` template) then
    asks the student to reload, also once the kernel's secret has been forgotten.
    """

    async def prepare(self) -> None:
        """Authenticate, then check that the kernel runs and the page secret."""
        await super().prepare()
        if not self._finished:
            kernel_id = self.path_kwargs.get("kernel_id", "")
            if kernel_id not in self.kernel_manager:
                raise tornado.web.HTTPError(404, "no such kernel")
            require_owner(self, kernel_id)


class OwnKernelWebsocketHandler(VoilaKernelWebsocketHandler):
    """A kernel's websocket for the kernel's own page only."""

    async def pre_get(self) -> None:
        """Check the page secret before the connection is made."""
        require_owner(self, self.kernel_id)
        await super().pre_get()


class OwnShutdownHandler(VoilaShutdownKernelHandler):
    """Voilà's shutdown beacon (a page closing): the page secret stands in for the ``_xsrf`` it never sends."""

    def check_xsrf_cookie(self) -> None:
        """The page secret, in a SameSite=Strict cookie, is the cross-site check."""

    async def post(self, kernel_id: str) -> None:
        """Shut the page's own kernel down."""
        require_owner(self, kernel_id)
        page_secrets(self).pop(kernel_id, None)
        await super().post(kernel_id)


class OwnRequestInfoHandler(RequestInfoSocketHandler):
    """Voilà's request-info socket (the page's query, for preheated kernels) for the kernel's own page only."""

    async def get(self, *args: Any, **kwargs: Any) -> None:
        """Check the page secret (given only with the token) before the upgrade."""
        require_owner(self, kwargs.get("kernel_id", args[0] if args else ""))
        await super().get(*args, **kwargs)


class _PageKernels:
    """The kernel manager as a page's handler sees it: the kernel it gets is bound to the page (a secret)."""

    def __init__(self, manager: Any, claim: Any) -> None:
        self._manager = manager
        self._claim = claim

    def __getattr__(self, name: str) -> Any:
        return getattr(self._manager, name)

    async def start_kernel(self, **kwargs: Any) -> str:
        kernel_id = await self._manager.start_kernel(**kwargs)
        self._claim(kernel_id)
        return kernel_id

    async def get_rendered_notebook(self, notebook_name: str, **kwargs: Any) -> tuple[Any, Any, str]:
        try:
            render_task, rendered, kernel_id = await self._manager.get_rendered_notebook(notebook_name, **kwargs)
        except KernelRefusedError:
            # The pool's kernel had been refused; Voilà refills the pool only after a success.
            self._manager.fill_if_needed(notebook_name=notebook_name)
            raise
        self._claim(kernel_id)
        return render_task, rendered, kernel_id


class PageHandler(TornadoVoilaHandler):
    """A notebook's page: its kernel gets a page secret; no token or override reaches the kernel; 503 when full."""

    @property
    def kernel_manager(self) -> Any:
        """The kernel manager, binding the kernel this page gets to it."""
        return _PageKernels(self.settings["kernel_manager"], self.claim_kernel)

    def claim_kernel(self, kernel_id: str) -> None:
        """Bind ``kernel_id`` to this page: a new secret, in cookies scoped to that kernel's URLs."""
        known = page_secrets(self)
        manager = self.settings["kernel_manager"]
        for stale in [kernel for kernel in known if kernel not in manager]:
            del known[stale]
        known[kernel_id] = secret = secrets.token_urlsafe(32)
        secure = "; Secure" if self.request.protocol == "https" else ""
        for path in PAGE_PATHS:
            cookie_path = url_path_join(self.base_url, path.format(id=kernel_id))
            self.add_header("Set-Cookie", f"{PAGE_COOKIE}={secret}; Path={cookie_path}; HttpOnly; "
                                          f"SameSite=Strict{secure}")

    def drop_arguments(self) -> None:
        """Take the token and Voilà's overrides out of the request before Voilà and the kernel read it."""
        for name in DROPPED_ARGUMENTS:
            self.request.arguments.pop(name, None)
            self.request.query_arguments.pop(name, None)
        self.request.query = urlencode(
            [(name, value) for name, values in self.request.query_arguments.items() for value in values]
        )
        self.request.uri = self.request.path + (f"?{self.request.query}" if self.request.query else "")

    @tornado.web.authenticated
    async def get(self, path: str | None = None) -> None:
        """Serve the page, or a 503 page when no kernel can be started for it."""
        self.drop_arguments()
        room = self.settings.get(ROOM_SETTING)
        if room is not None:  # the class's votes: the page gets the class secret and the vote panel
            self.add_header("Set-Cookie", room_cookie_header(room, self.request.protocol == "https"))
        try:
            async for html in self.get_generator(path=path):
                if room is not None and "</body>" in html:
                    html = html.replace("</body>", f"{room_script(self.base_url)}</body>", 1)
                self.write(html)
                self.flush()
        except KernelRefusedError:
            self.clear()
            self.set_status(503)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Retry-After", "60")
            self.set_header("Cache-Control", "no-store")
            self.finish(resources.files("spinelab").joinpath(*CLASS_FULL_PAGE).read_bytes())


class HostRefusedHandler(tornado.web.RequestHandler):
    """Every request whose ``Host`` header names another machine: 403."""

    def prepare(self) -> None:
        """Refuse."""
        raise tornado.web.HTTPError(403, "unknown Host header")


class ReferrerPolicy(tornado.web.OutputTransform):
    """``Referrer-Policy: no-referrer`` on every response (the page URL carries the token)."""

    def transform_first_chunk(self, status_code: int, headers: Any, chunk: bytes,
                              finishing: bool) -> tuple[int, Any, bytes]:
        """Add the header."""
        headers["Referrer-Policy"] = "no-referrer"
        return status_code, headers, chunk


class GuardedApplication(tornado.web.Application):
    """Voilà's tornado application with a Host allow-list, the referrer policy, and TLS when configured."""

    def __init__(self, *args: Any, allowed_hosts: Iterable[str] = (), ssl_options: dict | None = None,
                 **settings: Any) -> None:
        super().__init__(*args, **settings)
        self.allowed_hosts = set(allowed_hosts)
        self.ssl_options = ssl_options
        self.add_transform(ReferrerPolicy)
        self.add_transform(StaticGzip)

    def find_handler(self, request: Any, **kwargs: Any) -> Any:
        """Route a request, unless its ``Host`` is not this machine or a static file's kept answer is (or will be)
        sent (:func:`~spinelab.publish.static_gzip.static_reply`)."""
        if not host_allowed(request.host, self.allowed_hosts):
            return self.get_handler_delegate(request, HostRefusedHandler)
        if (reply := static_reply(request, super().find_handler)) is not None:
            return reply
        return super().find_handler(request, **kwargs)

    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        """Log a finished request; requests waiting for its static file go on."""
        try:
            super().log_request(handler)
        finally:
            release(handler.request)

    def listen(self, port: int, address: str | None = None, **kwargs: Any) -> Any:
        """Listen, over TLS when ``ssl_options`` are set."""
        return super().listen(port, address, ssl_options=self.ssl_options, **kwargs)


GUARDED_HANDLERS = {
    KernelHandler: OwnKernelHandler,
    VoilaKernelWebsocketHandler: OwnKernelWebsocketHandler,
    VoilaShutdownKernelHandler: OwnShutdownHandler,
    RequestInfoSocketHandler: OwnRequestInfoHandler,
    TornadoVoilaHandler: PageHandler,
}


class ClassServer(Voila):
    """Voilà with the changes in this module's description."""

    certfile = Unicode("", config=True, help="TLS certificate (PEM); with keyfile, the server speaks HTTPS.")
    keyfile = Unicode("", config=True, help="TLS private key (PEM).")
    allowed_hosts = List(Unicode(), config=True, help="Host names accepted besides this machine's own and any IP.")
    room_store = Unicode("", config=True, help="The class store (SQLite); set, the room's votes are served.")
    room_secret = Unicode("", config=True, help="The class secret pages get to read and answer the room's votes.")
    instructor_token = Unicode("", config=True, help="The instructor's token for the room's view and API.")
    #: The class's votes (:mod:`spinelab.publish.room`), or None without a class store.
    room: Room | None = None

    def initialize(self, argv: Any = None) -> None:
        """Voilà's start-up, then refuse a short token and turn the overrides off."""
        super().initialize(argv)
        if self.token is not None and len(self.token) < MIN_TOKEN_CHARS:
            self.log.critical("The token must have at least %d characters.", MIN_TOKEN_CHARS)
            self.exit(2)
        if bool(self.certfile) != bool(self.keyfile):
            self.log.critical("HTTPS needs both a certificate file and a key file.")
            self.exit(2)
        self.room = None
        if self.room_store:
            if min(len(self.room_secret), len(self.instructor_token)) < MIN_TOKEN_CHARS:
                self.log.critical("The class secret and instructor token must have at least %d characters.",
                                  MIN_TOKEN_CHARS)
                self.exit(2)
            try:
                self.room = Room(ClassStore(self.room_store), self.room_secret, self.instructor_token)
            except ClassStoreError as error:
                self.log.critical("%s", error)
                self.exit(2)
        self.voila_configuration.allow_template_override = "NO"
        self.voila_configuration.allow_theme_override = "NO"
        self.kernel_websocket_connection_class = V1OnlyConnection

    def init_handlers(self) -> list:
        """Voilà's routes, with the guarded handlers in place of its own."""
        guarded = []
        if self.room is not None:  # before Voilà's catch-all route
            guarded.extend(room_handlers(self.room, self.base_url))
        for route in super().init_handlers():
            pattern, handler, *rest = route
            if issubclass(handler, tornado.web.StaticFileHandler):
                handler = kept_static(handler)
            guarded.append((pattern, GUARDED_HANDLERS.get(handler, handler), *rest))
        return guarded

    def start(self) -> None:
        """Voilà's ``start`` with the guarded application, the token kept out of the logs."""
        for secret in filter(None, (self.token, self.room_secret, self.instructor_token)):
            scrub_logs(secret, [self.log, *(logging.getLogger(name) for name in LOG_NAMES)])
        self.connection_dir = tempfile.mkdtemp(prefix="voila_", dir=self.connection_dir_root)
        self.log.info("Storing connection files in %s.", self.connection_dir)
        settings = self.init_settings()
        ssl_options = {"certfile": self.certfile, "keyfile": self.keyfile} if self.certfile else None
        names = {*local_names(), *self.allowed_hosts}
        self.app = GuardedApplication(allowed_hosts=names, ssl_options=ssl_options, **settings)
        self.app.settings.update(self.tornado_settings)
        self.app.settings[ROOM_SETTING] = self.room
        self.app.add_handlers(".*$", self.init_handlers())
        self.listen()

    def _url(self, ip: str) -> str:
        url = super()._url(ip)
        return re.sub(r"^http:", "https:", url) if self.certfile else url


main = ClassServer.launch_instance

if __name__ == "__main__":
    sys.exit(main())
