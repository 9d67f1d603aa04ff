"""A whole class on one Voilà server: preheated kernels for one notebook, a token, a QR code.

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
   kernel, that is each student's page, its own self-check record, so no student sees another's answers.
   The kernels share one frame cache (:mod:`spinelab.course.frame_cache`) in a folder kept between classes
   (``build/frames`` by default, ``--frames``), and a warm-up (:mod:`spinelab.publish.frame_warmup`) draws the
   notebook's figures at every slider position into it while the kernels preheat.
   That folder is the class tool's own (:func:`spinelab.publish.outputs.empty_owned_folder`): a folder it did not
   write, a home folder given by mistake, is refused and nothing in it deleted. The configuration holds the
   token, so it is readable by its owner only, and the token never appears on a command line;
3. generates a random token (22 characters; one given must have at least
   :data:`~spinelab.publish.serving.MIN_TOKEN_CHARS`) and prints one URL that carries it, with a QR code in the
   terminal (``segno``, from the ``class`` extra), then replaces itself with the hardened Voilà of
   :mod:`spinelab.publish.server` (protocol v1 only, each page only its own kernel, at most the plan's peak of
   kernels, the token out of every log line, HTTPS with ``--certfile`` and ``--keyfile``), which prints them
   again at ``Class ready``.

``present`` (:mod:`spinelab.publish.present`) serves the whole course through the same server; what both share
is in :mod:`spinelab.publish.serving`.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from spinelab import __version__
from spinelab.course.class_store import ClassStore, ClassStoreError, session_path
from spinelab.course.frame_cache import CACHE_ENV
from spinelab.publish.outputs import OutputFolderError, claim_folder
from spinelab.publish.serving import (
    CULL_IDLE_SECONDS,
    DEFAULT_PORT,
    TEMPLATE,
    TOKEN_ENV,
    ClassroomError,
    Listen,
    add_listen_arguments,
    announce,
    announcement,
    class_url,
    exec_server,
    listen_on,
    make_token,
    server_config,
    server_folder,
    voila_command,
    write_private,
)

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
#: One numerical thread per kernel: dozens of kernels on a few cores would otherwise each start a thread pool per
#: core and contend (OpenBLAS threads also spin while waiting). A value already in the environment wins.
KERNEL_THREADS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
#: Each class kernel serves one page: ipywidgets' echo of every value the page sends (an extra message per slider
#: move through kernel, server and browser) only matters for several views of one kernel. The environment wins.
WIDGET_ECHO = {"JUPYTER_WIDGETS_ECHO": "0"}


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


def voila_config(plan: ClassPlan, ready_file: Path | None = None,
                 listen: Listen | None = None, room: RoomPlan | None = None) -> dict[str, dict[str, object]]:
    """The Voilà configuration (traitlets, as ``voila.json``) for ``plan``; ``ready_file`` is printed when ready."""
    listen = listen or Listen("127.0.0.1", DEFAULT_PORT, make_token())
    config = server_config(listen)
    if room is not None:
        config["ClassServer"] = {**config["ClassServer"], **room.config()}
    return {
        **config,
        "VoilaConfiguration": {
            "preheat_kernel": True,
            "default_pool_size": plan.pool_size,
            "template": TEMPLATE,
            "show_tracebacks": False,
            "multi_kernel_manager_class": "spinelab.publish.class_kernels.ClassKernelManager",
        },
        "ClassKernelManager": {"warm_spares": plan.spares, "ready_file": str(ready_file or ""),
                               "max_kernels": plan.peak_kernels, "kernel_mb": plan.kernel_mb,
                               "warm_up": [str(plan.notebook.resolve())]},
    }


#: Run at every kernel's start: the class's progress folder, where each student's self-checks are kept by their
#: browser's pseudonymous id once the page gives it (:mod:`spinelab.course.class_progress`), and the kernel's own
#: file until then. That file is named by a random id: a process id comes back once the system reuses it. Each
#: kernel also answers its page's request for every widget's state in a fraction of ipywidgets' time (issue 29).
KERNEL_STARTUP = """\
# Written by spinelab.publish.classroom: self-checks kept per student (by their browser's id) in the class's folder.
import os as _os
import secrets as _secrets

from spinelab.course.widget_internals import install_fast_state_replies as _install_fast_state_replies

_os.environ["SPINELAB_CLASS_PROGRESS"] = {folder!r}
_os.environ["SPINELAB_PROGRESS"] = _os.path.join({folder!r}, f"kernel-{{_secrets.token_hex(16)}}.json")
_install_fast_state_replies()
del _os, _secrets, _install_fast_state_replies
"""


def prepare(plan: ClassPlan, folder: Path, ready_text: str = "", listen: Listen | None = None,
            room: RoomPlan | None = None) -> dict[str, str]:
    """Write the class's Voilà configuration, template and kernel start-up file into ``folder``.

    Parameters
    ----------
    plan : ClassPlan
        The class.
    folder : Path
        Where to write (emptied first; new, empty or written here before, else refused): ``voila.json``,
        ``share/voila/templates/spinelab_class/``, ``ipython/profile_default/`` (the start-up file and
        :data:`spinelab.publish.serving.KERNEL_CONFIG`), ``progress/``, and ``ready.txt``.
    ready_text : str
        Printed again once the class is ready (the URL and its QR code, which the kernels' start-up log has
        scrolled away by then); ``ready.txt`` holds it, readable by its owner only (the URL carries the token).
    listen : Listen, optional
        Address, token and TLS files (default: loopback with a new token); ``voila.json`` is readable by its
        owner only.

    Returns
    -------
    dict of str to str
        Environment variables for Voilà: ``JUPYTER_PATH`` (finds the template) and ``IPYTHONDIR`` (its kernels'
        profile: the start-up file they run, and no history).

    Raises
    ------
    ClassroomError
        When ``folder`` holds files the class tool did not write (nothing is deleted).
    """
    env = server_folder(folder, "class")
    ready_file = None
    if ready_text:
        ready_file = (folder / "ready.txt").resolve()
        write_private(ready_file, ready_text)
    write_private(folder / "voila.json", json.dumps(voila_config(plan, ready_file, listen, room), indent=2) + "\n")
    progress = folder / "progress"
    progress.mkdir()
    startup = Path(env["IPYTHONDIR"]) / "profile_default" / "startup"
    startup.mkdir()
    (startup / "00-spinelab-class.py").write_text(KERNEL_STARTUP.format(folder=str(progress.resolve())))
    return env


def class_environment(plan: ClassPlan, folder: Path, base: dict[str, str] | None = None,
                      ready_text: str = "", listen: Listen | None = None,
                      frames: Path = Path("build/frames"), room: RoomPlan | None = None) -> dict[str, str]:
    """Voilà's environment for a class, which its kernels inherit.

    ``base`` (default: this process's environment), one numerical thread per kernel and no widget echo
    (:data:`WIDGET_ECHO`) unless ``base`` sets them, the frame cache in ``frames`` unless ``base`` names one (a
    folder of the class tool's, kept between classes), and the variables of what :func:`prepare` writes into
    ``folder``.
    """
    environment = {**KERNEL_THREADS, **WIDGET_ECHO, **(os.environ if base is None else base)}
    environment.pop(TOKEN_ENV, None)  # the kernels inherit it otherwise
    environment.update(prepare(plan, folder, ready_text, listen, room))
    if not environment.get(CACHE_ENV):
        try:
            environment[CACHE_ENV] = str(claim_folder(frames, "frames").resolve())
        except OutputFolderError as error:
            raise ClassroomError(str(error)) from error
    return environment


@dataclass(frozen=True)
class RoomPlan:
    """The class's votes: where the store is, its two secrets and the instructor's address.

    Attributes
    ----------
    store : Path
        The class store (SQLite), outside the repository.
    secret, instructor_token : str
        The class secret every page gets in a cookie, and the instructor's token.
    roster_names : int
        Names on the roster (0: students are pseudonymous).
    """

    store: Path
    secret: str
    instructor_token: str
    roster_names: int = 0

    def config(self) -> dict[str, str]:
        """The class server's settings for the room."""
        return {"room_store": str(self.store), "room_secret": self.secret, "instructor_token": self.instructor_token}

    def lines(self, listen: Listen) -> list[str]:
        """What ``make class`` prints beside the students' URL."""
        path = f"spinelab/room/instructor?token={self.instructor_token}"
        instructor = class_url(listen.host, listen.port, None, path, listen.tls)
        who = f"a roster of {self.roster_names} names" if self.roster_names else "no names (pseudonymous ids)"
        return [f"Class votes are kept in {self.store} ({who}); delete that file to forget them.",
                f"Instructor's view (keep this address to yourself): {instructor}"]


def plan_room(notebook: Path, class_store: Path | None = None, roster: Path | None = None) -> RoomPlan:
    """Open (or create) the class store, keep the roster in it, and draw the room's two secrets.

    Raises
    ------
    ClassroomError
        When the roster file cannot be read or the store cannot be opened.
    """
    names: list[str] = []
    if roster is not None:
        try:
            names = Path(roster).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise ClassroomError(f"roster must be a text file of names, one a line; {roster} cannot be read "
                                 f"({error})") from None
    path = Path(class_store) if class_store is not None else session_path(notebook.stem)
    try:
        store = ClassStore(path)
        store.set_meta(notebook=notebook.stem, course_version=__version__)
        count = store.set_roster(names) if roster is not None else 0
    except ClassStoreError as error:
        raise ClassroomError(str(error)) from None
    return RoomPlan(store.path.resolve(), make_token(), make_token(), count)


def serve_class(
    notebook: str, students: int, host: str = "0.0.0.0", port: int = DEFAULT_PORT, *,
    notebooks: Path = Path("notebooks"), folder: Path = Path("build/classroom"), token: str | None = None,
    kernel_mb: int = KERNEL_MB, meminfo: Path = Path("/proc/meminfo"), certfile: Path | None = None,
    keyfile: Path | None = None, frames: Path = Path("build/frames"), class_store: Path | None = None,
    roster: Path | None = None,
) -> int:
    """Check, prepare and start a class server (see the module's description); returns only on Windows."""
    plan = plan_class(find_notebook(notebook, notebooks), students, kernel_mb)
    memory_line = check_memory(plan, mem_available_mb(meminfo))
    listen = listen_on(host, port, token, certfile, keyfile)
    room = plan_room(plan.notebook, class_store, roster)
    url = listen.url()
    env = class_environment(plan, folder, ready_text=announcement(url, room.lines(listen),
                                                                  "Class ready. Students open", host),
                            listen=listen, frames=frames, room=room)
    lines = [
        plan.summary(), memory_line,
        f"Idle kernels with no page open are stopped after {CULL_IDLE_SECONDS // 60} minutes.",
        f"Each preheated kernel now runs {plan.notebook.name} once; the URL comes again at 'Class ready'.",
        *room.lines(listen),
    ]
    announce(url, lines, "Students open", host)
    return exec_server(voila_command(plan.notebook, folder), env)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``class`` command's options (shared by ``python -m`` and the ``spinelab`` command)."""
    parser.add_argument("--notebook", required=True, help="the notebook being taught, e.g. 02_protective_guarding")
    parser.add_argument("--students", type=int, required=True, help="students expected at once")
    parser.add_argument("--host", default="0.0.0.0", help="address to listen on (default: every interface)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    add_listen_arguments(parser)
    parser.add_argument("--kernel-mb", type=int, default=KERNEL_MB, help="memory of one kernel in MB")
    parser.add_argument("--notebooks", type=Path, default=Path("notebooks"), help="the course's notebooks folder")
    parser.add_argument("--folder", type=Path, default=Path("build/classroom"), help="where the config is written")
    parser.add_argument("--frames", type=Path, default=Path("build/frames"),
                        help="the figures' frame cache, kept between classes")
    parser.add_argument("--class-store", type=Path, default=None,
                        help="the class's votes (SQLite; default: a new file in the Jupyter data folder)")
    parser.add_argument("--roster", type=Path, default=None,
                        help="names, one a line: students give theirs and the export names them (default: none)")


def run(args: argparse.Namespace) -> int:
    """Run the ``class`` command; a :class:`ClassroomError` becomes a message and exit status 2."""
    try:
        return serve_class(args.notebook, args.students, args.host, args.port, notebooks=args.notebooks,
                           folder=args.folder, token=args.token, kernel_mb=args.kernel_mb,
                           certfile=args.certfile, keyfile=args.keyfile, frames=args.frames,
                           class_store=args.class_store, roster=args.roster)
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
