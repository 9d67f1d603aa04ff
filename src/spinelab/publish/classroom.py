"""A whole class on one Voilà server: preheated kernels for one notebook, a token beyond loopback, a QR code.

``make class NOTEBOOK=02_protective_guarding STUDENTS=40`` (or ``spinelab class …``) serves one notebook to a
room. What it does, in order:

1. plans the kernel pool from the class size (:func:`plan_class`): one preheated kernel per student plus spares
   for reloads and late arrivals, filled once; afterwards only the spares are kept warm
   (:mod:`spinelab.publish.class_kernels`), so at the peak there are ``students + 2 x spares`` kernels. That
   memory is printed before anything starts, and the server refuses, saying the largest class that fits, when
   ``MemAvailable`` in ``/proc/meminfo`` cannot hold it (:func:`check_memory`);
2. writes a Voilà configuration into a folder (``build/classroom/`` by default, :func:`prepare`): the pool for
   that notebook only, kernels on IPC sockets (``KernelManager.transport = "ipc"``: kernels started together
   no longer race for TCP ports, the ``ZMQError: Address already in use`` of issue 17), idle kernels with no
   page open culled, the ``spinelab_class`` template (Voilà's lab template plus a banner asking the student to
   reload when the page's kernel fails or the page stops loading), and an IPython start-up file that gives each
   kernel, that is each student's page, its own self-check record, so no student sees another's answers;
3. generates a short token whenever the server listens beyond loopback and prints one URL that carries it, with
   a QR code in the terminal (``segno``, from the ``class`` extra), then replaces itself with Voilà, which prints
   them again at ``Class ready``.

``present`` serves the whole course as before (presenter style, every notebook), on loopback without a token and
beyond loopback with one; its kernels use IPC sockets too.
"""

from __future__ import annotations

import argparse
import io
import ipaddress
import json
import math
import os
import secrets
import shutil
import socket
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

#: Resident memory of one kernel after a notebook's cells ran, MB: notebook 02's kernels measured 128 MB (median,
#: benchmarks/class_load.py) and 147 MB in issue 17; rounded up. ``--kernel-mb`` overrides it.
KERNEL_MB = 160
#: The Voilà server itself, MB, with a margin for the kernels' growth while students move sliders.
SERVER_MB = 500
#: Spare preheated kernels beyond one per student (reloads, late arrivals): this share of the class, at least 2.
SPARE_SHARE = 0.1
MIN_SPARE = 2
#: Largest class served from one machine; beyond it, JupyterHub (see the README).
MAX_STUDENTS = 300
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
#: One numerical thread per kernel: dozens of kernels on a few cores would otherwise each start a thread pool per
#: core and contend (OpenBLAS threads also spin while waiting). A value already in the environment wins.
KERNEL_THREADS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


class ClassroomError(ValueError):
    """A class cannot be served as asked; the message says why and what to do."""


@dataclass(frozen=True)
class ClassPlan:
    """How many kernels a class needs and how much memory they take.

    Attributes
    ----------
    notebook : Path
        The notebook being taught.
    students : int
        Students expected at once.
    spares : int
        Kernels preheated beyond one per student, and kept warm once the class has arrived.
    kernel_mb : int
        Memory of one kernel, MB.
    """

    notebook: Path
    students: int
    spares: int
    kernel_mb: int = KERNEL_MB

    @property
    def pool_size(self) -> int:
        """Kernels preheated before anyone arrives: one per student plus the spares."""
        return self.students + self.spares

    @property
    def peak_kernels(self) -> int:
        """Kernels running at the peak: one per student, the spares, and spares refilled while reloads end."""
        return self.students + 2 * self.spares

    @property
    def memory_mb(self) -> int:
        """Memory the class takes at its peak, MB (kernels plus the server)."""
        return self.peak_kernels * self.kernel_mb + SERVER_MB

    def summary(self) -> str:
        """The lines printed before the server starts."""
        return (
            f"Class of {self.students} on {self.notebook.name}: {self.pool_size} kernels preheated, "
            f"{self.spares} kept warm afterwards, up to {self.peak_kernels} running, "
            f"about {self.memory_mb / 1024:.1f} GB ({self.peak_kernels} x {self.kernel_mb} MB + {SERVER_MB} MB server)."
        )


def spares(students: int) -> int:
    """Spare preheated kernels for a class: 10 % of it, at least 2.

    Parameters
    ----------
    students : int
        Students expected at once, 1 to :data:`MAX_STUDENTS`.

    Returns
    -------
    int
        Kernels preheated beyond one per student.
    """
    if isinstance(students, bool) or not isinstance(students, int) or not 1 <= students <= MAX_STUDENTS:
        raise ClassroomError(f"students must be a whole number from 1 to {MAX_STUDENTS}, not {students!r}")
    return max(MIN_SPARE, math.ceil(students * SPARE_SHARE))


def find_notebook(name: str, folder: Path) -> Path:
    """The notebook ``name`` (with or without ``.ipynb`` or its folder) in ``folder``; the error lists the choices."""
    stem = Path(name).name.removesuffix(".ipynb")
    path = folder / f"{stem}.ipynb"
    if path.is_file():
        return path
    available = ", ".join(sorted(p.stem for p in folder.glob("*.ipynb"))) or "none"
    raise ClassroomError(f"notebook {name!r} is not in {folder}; choose one of: {available}")


def plan_class(notebook: Path, students: int, kernel_mb: int = KERNEL_MB) -> ClassPlan:
    """Plan the kernel pool for ``students`` on ``notebook`` (see :class:`ClassPlan`)."""
    if kernel_mb <= 0:
        raise ClassroomError(f"kernel_mb must be a positive number of MB, not {kernel_mb!r}")
    return ClassPlan(notebook=notebook, students=students, spares=spares(students), kernel_mb=kernel_mb)


def mem_available_mb(meminfo: Path = Path("/proc/meminfo")) -> int | None:
    """``MemAvailable`` from ``/proc/meminfo`` in MB, or None where there is no such file (macOS, Windows)."""
    try:
        text = meminfo.read_text()
    except OSError:
        return None
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key == "MemAvailable":
            return int(value.split()[0]) // 1024
    return None


def largest_class(available_mb: int, kernel_mb: int = KERNEL_MB) -> int:
    """The largest class whose peak memory fits in ``available_mb`` (0 if not even one student fits)."""
    best = 0
    for students in range(1, MAX_STUDENTS + 1):
        if (students + 2 * spares(students)) * kernel_mb + SERVER_MB > available_mb:
            break
        best = students
    return best


def check_memory(plan: ClassPlan, available_mb: int | None) -> str:
    """Refuse a class the machine cannot hold; return a line about the memory check.

    Raises
    ------
    ClassroomError
        When the class's peak memory exceeds ``available_mb``; the message gives both numbers and the largest
        class that fits.
    """
    if available_mb is None:
        return "Memory not checked (no /proc/meminfo on this system): make sure the machine has it free."
    if plan.memory_mb > available_mb:
        fits = largest_class(available_mb, plan.kernel_mb)
        raise ClassroomError(
            f"A class of {plan.students} needs about {plan.memory_mb} MB ({plan.peak_kernels} kernels x "
            f"{plan.kernel_mb} MB + {SERVER_MB} MB for the server), but this machine has {available_mb} MB available. "
            f"The largest class that fits is {fits} student{'s' if fits != 1 else ''}: use STUDENTS={fits} "
            "(or --students), close other programs, or serve the class from JupyterHub (see the README)."
        )
    return f"Memory: {plan.memory_mb} MB needed, {available_mb} MB available."


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine (``0.0.0.0`` and ``::`` do not)."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def make_token() -> str:
    """A short random token for the URL: 12 URL-safe characters, 72 random bits."""
    return secrets.token_urlsafe(9)


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


def class_url(host: str, port: int, token: str | None, path: str = "") -> str:
    """The one URL students open: ``http://<host>:<port>/<path>?token=<token>``."""
    query = f"?token={token}" if token else ""
    return f"http://{url_host(host)}:{port}/{path}{query}"


def qr_code(url: str) -> str:
    """The URL as a QR code drawn with block characters for a terminal, or "" without ``segno``."""
    try:
        import segno
    except ImportError:  # the class extra is not installed: the URL alone
        return ""
    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True)
    return out.getvalue()


def voila_config(plan: ClassPlan, ready_file: Path | None = None) -> dict[str, dict[str, object]]:
    """The Voilà configuration (traitlets, as ``voila.json``) for ``plan``; ``ready_file`` is printed when ready."""
    return {
        "VoilaConfiguration": {
            "preheat_kernel": True,
            "default_pool_size": plan.pool_size,
            "template": TEMPLATE,
            "show_tracebacks": False,
            "multi_kernel_manager_class": "spinelab.publish.class_kernels.ClassKernelManager",
        },
        "ClassKernelManager": {"warm_spares": plan.spares, "ready_file": str(ready_file or "")},
        "KernelManager": {"transport": KERNEL_TRANSPORT},
        "MappingKernelManager": {
            "cull_idle_timeout": CULL_IDLE_SECONDS,
            "cull_interval": CULL_INTERVAL_SECONDS,
            "cull_connected": False,
        },
        # The printed URL must be the served one: fail instead of moving to another port.
        "Voila": {"port_retries": 0},
    }


#: Run at every kernel's start: its own progress file, so each student's page keeps only its own answers.
KERNEL_STARTUP = """\
# Written by spinelab.publish.classroom: one self-check record per kernel, i.e. per student's page.
import os as _os

_os.environ["SPINELAB_PROGRESS"] = _os.path.join({folder!r}, f"kernel-{{_os.getpid()}}.json")
del _os
"""


def prepare(plan: ClassPlan, folder: Path, ready_text: str = "") -> dict[str, str]:
    """Write the class's Voilà configuration, template and kernel start-up file into ``folder``.

    Parameters
    ----------
    plan : ClassPlan
        The class.
    folder : Path
        Where to write (emptied first): ``voila.json``, ``share/voila/templates/spinelab_class/``,
        ``ipython/profile_default/startup/``, ``progress/``, and ``ready.txt``.
    ready_text : str
        Printed again once the class is ready (the URL and its QR code, which the kernels' start-up log has
        scrolled away by then); ``ready.txt`` holds it, readable by its owner only (the URL carries the token).

    Returns
    -------
    dict of str to str
        Environment variables for Voilà: ``JUPYTER_PATH`` (finds the template) and ``IPYTHONDIR`` (the start-up
        file its kernels run).
    """
    if folder.exists():
        shutil.rmtree(folder)
    template_dir = folder / "share" / "voila" / "templates" / TEMPLATE
    template_dir.mkdir(parents=True)
    for item in resources.files("spinelab").joinpath("templates", TEMPLATE).iterdir():
        (template_dir / item.name).write_bytes(item.read_bytes())
    ready_file = None
    if ready_text:
        ready_file = (folder / "ready.txt").resolve()
        ready_file.touch(mode=0o600)
        ready_file.write_text(ready_text)
    (folder / "voila.json").write_text(json.dumps(voila_config(plan, ready_file), indent=2) + "\n")
    progress = folder / "progress"
    progress.mkdir()
    startup = folder / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-spinelab-class.py").write_text(KERNEL_STARTUP.format(folder=str(progress.resolve())))
    jupyter_path = os.pathsep.join(filter(None, [str((folder / "share").resolve()), os.environ.get("JUPYTER_PATH")]))
    return {"JUPYTER_PATH": jupyter_path, "IPYTHONDIR": str((folder / "ipython").resolve())}


def class_environment(plan: ClassPlan, folder: Path, base: dict[str, str] | None = None,
                      ready_text: str = "") -> dict[str, str]:
    """Voilà's environment for a class, which its kernels inherit.

    ``base`` (default: this process's environment), one numerical thread per kernel unless ``base`` sets it, and
    the variables of what :func:`prepare` writes into ``folder``.
    """
    return {**KERNEL_THREADS, **(os.environ if base is None else base), **prepare(plan, folder, ready_text)}


def voila_command(target: Path, host: str, port: int, token: str | None, config_dir: Path | None = None) -> list[str]:
    """The Voilà command line serving ``target`` (a notebook or a folder) on ``host:port``."""
    command = [sys.executable, "-m", "voila", str(target), "--no-browser", f"--Voila.ip={host}", f"--port={port}"]
    if token:
        command.append(f"--Voila.token={token}")
    if config_dir is not None:
        command.append(f"--Voila.config_file_paths={config_dir.resolve()}")
    return command


def announcement(url: str, lines: Sequence[str], who: str, host: str) -> str:
    """The plan's ``lines``, the URL and, when other machines can reach it, its QR code."""
    code = "" if is_loopback(host) else qr_code(url)
    return "".join(f"{line}\n" for line in lines) + f"\n{who}:  {url}\n\n" + (f"{code}\n" if code else "")


def announce(url: str, lines: Sequence[str], who: str, host: str) -> None:
    """Print :func:`announcement`."""
    print(announcement(url, lines, who, host), end="", flush=True)


def _exec(command: list[str], env: dict[str, str]) -> int:
    """Replace this process with ``command`` (so a stop signal reaches Voilà); run it where exec is emulated."""
    if os.name == "posix":
        os.execve(command[0], command, env)
    return subprocess.call(command, env=env)


def serve_class(
    notebook: str, students: int, host: str = "0.0.0.0", port: int = DEFAULT_PORT, *,
    notebooks: Path = Path("notebooks"), folder: Path = Path("build/classroom"), token: str | None = None,
    kernel_mb: int = KERNEL_MB, meminfo: Path = Path("/proc/meminfo"),
) -> int:
    """Check, prepare and start a class server (see the module's description); returns only on Windows."""
    plan = plan_class(find_notebook(notebook, notebooks), students, kernel_mb)
    memory_line = check_memory(plan, mem_available_mb(meminfo))
    token = token or (None if is_loopback(host) else make_token())
    url = class_url(host, port, token)
    env = class_environment(plan, folder, ready_text=announcement(url, [], "Class ready. Students open", host))
    lines = [
        plan.summary(), memory_line,
        f"Idle kernels with no page open are stopped after {CULL_IDLE_SECONDS // 60} minutes.",
        f"Each preheated kernel now runs {plan.notebook.name} once; the URL comes again at 'Class ready'.",
    ]
    announce(url, lines, "Students open", host)
    return _exec(voila_command(plan.notebook, host, port, token, folder), env)


def serve_present(host: str = "127.0.0.1", port: int = DEFAULT_PORT, *, notebooks: Path = Path("notebooks"),
                  token: str | None = None) -> int:
    """Serve every notebook in presenter style: no token on loopback, a token beyond it."""
    token = token or (None if is_loopback(host) else make_token())
    announce(class_url(host, port, token, "voila/render/00_start_here.ipynb"),
              ["The course in presenter style (Voilà)."], "Course map", host)
    env = {**os.environ, "SPINELAB_PRESENTER": "1"}
    command = [*voila_command(notebooks, host, port, token), "--Voila.port_retries=0",
               f"--KernelManager.transport={KERNEL_TRANSPORT}"]
    return _exec(command, env)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``class`` command's options (shared by ``python -m`` and the ``spinelab`` command)."""
    parser.add_argument("--notebook", required=True, help="the notebook being taught, e.g. 02_protective_guarding")
    parser.add_argument("--students", type=int, required=True, help="students expected at once")
    parser.add_argument("--host", default="0.0.0.0", help="address to listen on (default: every interface)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--token", default=None, help="the URL's token (default: a new random one)")
    parser.add_argument("--kernel-mb", type=int, default=KERNEL_MB, help="memory of one kernel in MB")
    parser.add_argument("--notebooks", type=Path, default=Path("notebooks"), help="the course's notebooks folder")
    parser.add_argument("--folder", type=Path, default=Path("build/classroom"), help="where the config is written")


def run(args: argparse.Namespace) -> int:
    """Run the ``class`` command; a :class:`ClassroomError` becomes a message and exit status 2."""
    try:
        return serve_class(args.notebook, args.students, args.host, args.port, notebooks=args.notebooks,
                           folder=args.folder, token=args.token, kernel_mb=args.kernel_mb)
    except ClassroomError as error:
        print(f"spinelab class: {error}", file=sys.stderr)
        return 2


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m spinelab.publish.classroom --notebook NB --students N``."""
    parser = argparse.ArgumentParser(prog="spinelab class", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
