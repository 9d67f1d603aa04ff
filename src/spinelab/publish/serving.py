"""What the class server and ``present`` share: the token, the URL and its QR code, TLS, the configuration file.

The server (:mod:`spinelab.publish.server`) reads everything from a ``voila.json`` that :func:`write_private` makes
readable by its owner only: the token (:func:`check_token`: at least :data:`MIN_TOKEN_CHARS` characters, a new
random one by default) never appears on a command line (:func:`voila_command`), which ``ps`` shows to every user.
:func:`server_config` holds what both serve alike: address, token, TLS files, culling of idle kernels and kernels
on IPC sockets.
"""

from __future__ import annotations

import argparse
import io
import ipaddress
import json
import os
import secrets
import socket
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from spinelab.course import settings
from spinelab.publish.outputs import OutputFolderError, empty_owned_folder

#: Seconds an idle kernel with no page connected is kept before it is culled, and how often to look.
CULL_IDLE_SECONDS = 1200
CULL_INTERVAL_SECONDS = 60
#: Voilà template (in ``spinelab/templates/``) with the reload banner.
TEMPLATE = "spinelab_class"
DEFAULT_PORT = 8866
#: Kernels started together raced for TCP ports (issue 17); IPC sockets are files named after each kernel.
#: Windows has no IPC transport in ZeroMQ's Python bindings, so it keeps TCP.
KERNEL_TRANSPORT = "ipc" if os.name == "posix" else "tcp"
LOOPBACK_NAMES = ("localhost",)
#: Shortest token accepted: a short one can be guessed by anyone on the network.
MIN_TOKEN_CHARS = 16
#: Where ``make present`` and ``make class`` pass a token chosen with ``TOKEN=`` (an option is visible in ``ps``).
TOKEN_ENV = settings.TOKEN


class ClassroomError(ValueError):
    """A class cannot be served as asked; the message says why and what to do."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine (``0.0.0.0`` and ``::`` do not)."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def make_token() -> str:
    """A random token for the URL: 22 URL-safe characters, 128 random bits."""
    return secrets.token_urlsafe(16)


def check_token(token: str | None) -> str:
    """``token``, or a new one when it is None or empty; a token shorter than :data:`MIN_TOKEN_CHARS` is refused.

    Raises
    ------
    ClassroomError
        When ``token`` has fewer than :data:`MIN_TOKEN_CHARS` characters or characters a URL would change.
    """
    if not token:
        return make_token()
    if len(token) < MIN_TOKEN_CHARS:
        raise ClassroomError(
            f"the token must have at least {MIN_TOKEN_CHARS} characters, not {len(token)}: leave TOKEN (or --token) "
            "out for a random one"
        )
    if not all(char.isascii() and (char.isalnum() or char in "-_.~") for char in token):
        raise ClassroomError("the token may only hold letters, digits and - _ . ~ (it travels in a URL)")
    return token


def lan_address() -> str:
    """This machine's address on its network, as the students' laptops reach it (the hostname if unknown).

    A UDP socket "connected" to a private address picks the outgoing interface without sending anything.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.254.254.254", 1))
            return probe.getsockname()[0]
        except OSError:
            return socket.gethostname()


def url_host(host: str) -> str:
    """The host name to put in the URL for a server bound to ``host``."""
    if host in ("", "0.0.0.0", "::"):
        return lan_address()
    return f"[{host}]" if ":" in host else host


def class_url(host: str, port: int, token: str | None, path: str = "", tls: bool = False) -> str:
    """The one URL students open: ``http(s)://<host>:<port>/<path>?token=<token>``."""
    query = f"?token={token}" if token else ""
    return f"{'https' if tls else 'http'}://{url_host(host)}:{port}/{path}{query}"


def qr_code(url: str) -> str:
    """The URL as a QR code drawn with block characters for a terminal, or "" without ``segno``."""
    try:
        import segno
    except ImportError:  # the class extra is not installed: the URL alone
        return ""
    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True)
    return out.getvalue()


@dataclass(frozen=True)


class Listen:
    """Where and how a server listens.

    Attributes
    ----------
    host, port : str, int
        Address and port.
    token : str
        The URL's token, at least :data:`MIN_TOKEN_CHARS` characters.
    certfile, keyfile : Path or None
        A TLS certificate and its key (PEM): the server speaks HTTPS when both are given.
    """

    host: str
    port: int
    token: str
    certfile: Path | None = None
    keyfile: Path | None = None

    @property
    def tls(self) -> bool:
        """Whether the server speaks HTTPS."""
        return self.certfile is not None

    def url(self, path: str = "") -> str:
        """The URL to print, with the token."""
        return class_url(self.host, self.port, self.token, path, self.tls)


def listen_on(host: str, port: int, token: str | None = None, certfile: Path | None = None,
              keyfile: Path | None = None) -> Listen:
    """Check the token (a new one when None), and the certificate and key (both or neither, existing files)."""
    if (certfile is None) != (keyfile is None):
        raise ClassroomError("HTTPS needs both a certificate and its key: give CERT and KEY (--certfile, --keyfile)")
    for name, path in (("certificate", certfile), ("key", keyfile)):
        if path is not None and not Path(path).is_file():
            raise ClassroomError(f"the TLS {name} file {str(path)!r} does not exist")
    return Listen(host, port, check_token(token), certfile and Path(certfile).resolve(),
                  keyfile and Path(keyfile).resolve())


#: Seconds Voilà's executor waits, after a cell's reply, for the rest of that cell's output (nbclient's
#: ``iopub_timeout``, 4 s by default). While a class's kernels preheat together, their output arrives many seconds
#: late on 2 cores; after 4 s the executor went on without it, and a student was served a page with widgets missing
#: (issue 29: 86-101 such timeouts while 44 kernels preheated notebook 02, pages with 7 to 11 of its 12 outputs).
#: The wait ends as soon as the output has arrived, so a long limit costs nothing when the machine is idle.
OUTPUT_WAIT_SECONDS = 300


def server_config(listen: Listen) -> dict[str, dict[str, object]]:
    """The configuration both the class server and ``present`` share: address, token, TLS, culling, IPC kernels,
    and an executor that waits for a cell's late output (:data:`OUTPUT_WAIT_SECONDS`)."""
    return {
        # The printed URL must be the served one: fail instead of moving to another port.
        "Voila": {"ip": listen.host, "port": listen.port, "port_retries": 0, "token": listen.token,
                  "open_browser": False},
        "ClassServer": {"certfile": str(listen.certfile or ""), "keyfile": str(listen.keyfile or "")},
        "KernelManager": {"transport": KERNEL_TRANSPORT},
        "MappingKernelManager": {
            "cull_idle_timeout": CULL_IDLE_SECONDS,
            "cull_interval": CULL_INTERVAL_SECONDS,
            "cull_connected": False,
        },
        "VoilaExecutor": {"iopub_timeout": OUTPUT_WAIT_SECONDS},
    }


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path``, readable and writable by its owner only (it holds the token)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.chmod(path, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(text)


#: The IPython configuration of a course server's kernels, in the server's own profile. The kernels share that
#: profile, and IPython's history database in it is written by each kernel's saving thread: with dozens at once,
#: SQLite answers "database is locked" and IPython prints "The history saving thread hit an unexpected error" into
#: a student's page, as an extra output of its first cell. A course server's kernels keep no history.
KERNEL_CONFIG = {"HistoryManager": {"enabled": False}}


def server_folder(folder: Path, tool: str) -> dict[str, str]:
    """Empty ``folder`` as ``tool``'s own, copy the ``spinelab_class`` template under ``folder/share`` and write its
    kernels' IPython profile (:data:`KERNEL_CONFIG`) under ``folder/ipython``.

    Returns
    -------
    dict of str to str
        The ``JUPYTER_PATH`` that finds the template and the ``IPYTHONDIR`` of the kernels' profile.

    Raises
    ------
    ClassroomError
        When ``folder`` holds files ``tool`` did not write (nothing is deleted).
    """
    try:
        empty_owned_folder(folder, tool)
    except OutputFolderError as error:
        raise ClassroomError(str(error)) from error
    template_dir = folder / "share" / "voila" / "templates" / TEMPLATE
    template_dir.mkdir(parents=True)
    for item in resources.files("spinelab").joinpath("templates", TEMPLATE).iterdir():
        (template_dir / item.name).write_bytes(item.read_bytes())
    profile = folder / "ipython" / "profile_default"
    profile.mkdir(parents=True)
    (profile / "ipython_kernel_config.json").write_text(json.dumps(KERNEL_CONFIG, indent=2) + "\n")
    return {"JUPYTER_PATH": os.pathsep.join(filter(None, [str((folder / "share").resolve()),
                                                          settings.jupyter_path()])),
            "IPYTHONDIR": str((folder / "ipython").resolve())}


def voila_command(target: Path, config_dir: Path) -> list[str]:
    """The command serving ``target`` (a notebook or a folder) as ``config_dir/voila.json`` says (token included).

    The server is :mod:`spinelab.publish.server`; nothing secret is on the command line, which ``ps`` shows.
    """
    return [sys.executable, "-m", "spinelab.publish.server", str(target),
            f"--Voila.config_file_paths={config_dir.resolve()}"]


def announcement(url: str, lines: Sequence[str], who: str, host: str) -> str:
    """The plan's ``lines``, the URL and, when other machines can reach it, its QR code."""
    code = "" if is_loopback(host) else qr_code(url)
    return "".join(f"{line}\n" for line in lines) + f"\n{who}:  {url}\n\n" + (f"{code}\n" if code else "")


def announce(url: str, lines: Sequence[str], who: str, host: str) -> None:
    """Print :func:`announcement`."""
    print(announcement(url, lines, who, host), end="", flush=True)


def exec_server(command: list[str], env: dict[str, str]) -> int:
    """Replace this process with ``command`` (so a stop signal reaches Voilà); run it where exec is emulated."""
    if os.name == "posix":
        os.execve(command[0], command, env)
    return subprocess.call(command, env=env)


def add_listen_arguments(parser: argparse.ArgumentParser) -> None:
    """The token and TLS options of ``class`` and ``present``."""
    parser.add_argument("--token", default=settings.token(),
                        help=f"the URL's token, at least {MIN_TOKEN_CHARS} characters (default: ${TOKEN_ENV}, else a "
                             "new random one)")
    parser.add_argument("--certfile", type=Path, default=None, help="TLS certificate (PEM): serve HTTPS")
    parser.add_argument("--keyfile", type=Path, default=None, help="the certificate's private key (PEM)")
