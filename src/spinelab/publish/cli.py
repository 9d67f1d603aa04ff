"""The ``spinelab`` command: open the course with nothing but Python (no ``make``), e.g. on Windows.

::

    python -m pip install -c constraints.txt .   # from the course folder, once
    spinelab            # = spinelab lab: JupyterLab at notebooks/00_start_here.ipynb, in a browser
    spinelab present    # instructors: the notebooks as apps (Voilà), presenter style, at a URL with a token
    spinelab class --notebook 02_protective_guarding --students 40   # a whole class on this machine
    spinelab lms [--variant SEED]   # the self-checks for Canvas and Moodle in build/lms (needs the lms extra)
    spinelab my-work --out .   # students: my-work.html and my-work.json to hand in

``spinelab lab`` first makes the course's JupyterLab settings (``.jupyter/lab/user-settings/`` in the course
folder) defaults of this environment's JupyterLab, as ``make lab`` does; a student's own settings still win.
Options it does not know go to ``jupyter lab`` unchanged.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from spinelab.course import my_work
from spinelab.course.progress import ProgressError, ProgressStore
from spinelab.publish import classroom, present, serving

START = Path("notebooks") / "00_start_here.ipynb"
LAB_SETTINGS = Path(".jupyter") / "lab" / "user-settings"
SETTINGS_SUFFIX = ".jupyterlab-settings"


class CourseNotFoundError(FileNotFoundError):
    """The folder given (or the current one) is not the course folder."""


def course_folder(candidate: Path | None = None) -> Path:
    """The course folder: ``candidate``, else the current directory; it must hold ``notebooks/00_start_here.ipynb``."""
    folder = (candidate or Path.cwd()).resolve()
    if not (folder / START).is_file():
        raise CourseNotFoundError(
            f"{folder} is not the course folder (no {START.as_posix()} in it): run spinelab from the folder "
            "you downloaded the course into, or give it with --course PATH"
        )
    return folder


def lab_overrides(settings: Path) -> dict[str, object]:
    """JupyterLab's ``overrides.d`` document from a ``user-settings`` folder: ``{"plugin:id": settings}``."""
    overrides: dict[str, object] = {}
    for path in sorted(settings.rglob(f"*{SETTINGS_SUFFIX}")):
        plugin = path.parent.relative_to(settings).as_posix() + ":" + path.name.removesuffix(SETTINGS_SUFFIX)
        overrides[plugin] = json.loads(path.read_text())
    return overrides


def overrides_path(prefix: Path = Path(sys.prefix)) -> Path:
    """Where this environment's JupyterLab reads setting defaults from."""
    return prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.d" / "spinelab.json"


def install_lab_settings(course: Path, target: Path | None = None) -> Path:
    """Write the course's JupyterLab settings as this environment's defaults; return the file written."""
    target = target or overrides_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(lab_overrides(course / LAB_SETTINGS), indent=2) + "\n")
    return target


def lab_command(course: Path, host: str, port: int, browser: bool, extra: Sequence[str] = ()) -> list[str]:
    """The ``jupyter lab`` command opening the course's start notebook."""
    return [
        sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={course}", f"--ServerApp.ip={host}",
        f"--ServerApp.port={port}", f"--ServerApp.open_browser={browser}",
        f"--LabApp.default_url=/lab/tree/{START.as_posix()}", *extra,
    ]


def _lab(args: argparse.Namespace, extra: Sequence[str]) -> int:
    course = course_folder(args.course)
    written = install_lab_settings(course)
    print(f"Course settings for JupyterLab: {written}")
    command = lab_command(course, args.host, args.port, not args.no_browser, extra)
    if os.name == "posix":
        os.execv(command[0], command)
    return subprocess.call(command)


def _present(args: argparse.Namespace, extra: Sequence[str]) -> int:
    course = course_folder(args.course)
    try:
        return present.serve_present(args.host, args.port, notebooks=course / "notebooks", token=args.token,
                                     folder=args.folder or course / "build" / "present", certfile=args.certfile,
                                     keyfile=args.keyfile)
    except serving.ClassroomError as error:
        print(f"spinelab present: {error}", file=sys.stderr)
        return 2


def _class(args: argparse.Namespace, extra: Sequence[str]) -> int:
    return classroom.run(args)


def _lms(args: argparse.Namespace, extra: Sequence[str]) -> int:
    try:  # text2qti comes with the lms extra, not with the course itself
        from spinelab.publish import lms
    except ModuleNotFoundError as error:
        print(f"spinelab lms needs {error.name}: python -m pip install -c constraints.txt '.[lms]'", file=sys.stderr)
        return 2
    lms.main([str(args.folder), *(["--variant", args.variant] if args.variant is not None else [])])
    return 0


def _my_work(args: argparse.Namespace, extra: Sequence[str]) -> int:
    try:
        page, data = my_work.write(args.out, my_work.collect(ProgressStore(args.progress)))
    except (ProgressError, OSError) as error:
        print(f"spinelab my-work: {error}", file=sys.stderr)
        return 2
    print(f"Your work: {page.resolve()}\n           {data.resolve()}")
    return 0


def _settings(args: argparse.Namespace, extra: Sequence[str]) -> int:
    print(install_lab_settings(course_folder(args.course)))
    return 0


def parser() -> argparse.ArgumentParser:
    """The command line: ``lab`` (the default), ``present``, ``class``, ``lms``, ``my-work`` and ``lab-settings``."""
    main_parser = argparse.ArgumentParser(prog="spinelab", description=__doc__.splitlines()[0])
    commands = main_parser.add_subparsers(dest="command")
    lab = commands.add_parser("lab", help="open the course in JupyterLab (the default)")
    lab.add_argument("--course", type=Path, default=None, help="the course folder (default: this folder)")
    lab.add_argument("--host", default="127.0.0.1")
    lab.add_argument("--port", type=int, default=8888)
    lab.add_argument("--no-browser", action="store_true", help="print the URL instead of opening a browser")
    lab.set_defaults(run=_lab)
    present_ = commands.add_parser("present", help="the notebooks as apps (Voilà), presenter style")
    present_.add_argument("--course", type=Path, default=None, help="the course folder (default: this folder)")
    present_.add_argument("--host", default="127.0.0.1", help="0.0.0.0 to reach it from another machine")
    present_.add_argument("--port", type=int, default=serving.DEFAULT_PORT)
    serving.add_listen_arguments(present_)
    present_.add_argument("--folder", type=Path, default=None,
                          help="where the configuration is written (default: build/present in the course folder)")
    present_.set_defaults(run=_present)
    class_ = commands.add_parser("class", help="one notebook for a whole class: preheated kernels, token, QR code")
    classroom.add_arguments(class_)
    class_.set_defaults(run=_class)
    lms_ = commands.add_parser("lms", help="the self-checks as Canvas QTI packages and Moodle XML banks")
    lms_.add_argument("folder", type=Path, nargs="?", default=Path("build") / "lms")
    lms_.add_argument("--variant", metavar="SEED", default=None,
                      help="only an exam variant: calculated questions, numbers drawn from SEED (keep it private)")
    lms_.set_defaults(run=_lms)
    work = commands.add_parser("my-work", help="your self-check answers, exercises and scores as HTML + JSON")
    work.add_argument("--out", type=Path, default=Path("."), help="folder to write my-work.html and .json to")
    work.add_argument("--progress", type=Path, default=None, help="the progress file (default: your own)")
    work.set_defaults(run=_my_work)
    settings = commands.add_parser("lab-settings", help="only make the course's JupyterLab settings defaults")
    settings.add_argument("--course", type=Path, default=None, help="the course folder (default: this folder)")
    settings.set_defaults(run=_settings)
    return main_parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``spinelab`` console command."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv.insert(0, "lab")
    args, extra = parser().parse_known_args(argv)
    if extra and args.command != "lab":
        parser().error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return args.run(args, extra)
    except CourseNotFoundError as error:
        print(f"spinelab: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
