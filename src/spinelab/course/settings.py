"""The environment switches of the course, read in one place with one parser for yes and no.

Every ``SPINELAB_*`` variable (and the few platform variables the course honours) is read here and nowhere else
in the package; a test holds it. Values are read at each call, never cached, so a test or a tool that changes the
environment (:func:`overridden`) is seen at once. Pure Python: no widgets, plotting or notebook display.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

#: Presenter mode (large fonts and lines) when set to a yes (see :func:`parse_flag`).
PRESENTER = "SPINELAB_PRESENTER"
#: Static outputs (PNG and Markdown, no widgets), as for a slide export, when set to a yes.
STATIC = "SPINELAB_STATIC"
#: The self-check progress file; unset, the student's Jupyter data directory.
PROGRESS = "SPINELAB_PROGRESS"
#: The frame cache's folder, or a no (``off``) for no cache on disk; unset, the user's cache folder.
FRAME_CACHE = "SPINELAB_FRAME_CACHE"
#: The frame cache's size limit in megabytes.
FRAME_CACHE_MB = "SPINELAB_FRAME_CACHE_MB"
#: The frames' image encoding (one of :data:`spinelab.course.frame_cache.ENCODINGS`).
FRAME_ENCODING = "SPINELAB_FRAME_ENCODING"
#: The class or presenter server's URL token.
TOKEN = "SPINELAB_TOKEN"
#: The class store of a class session (a file); its folder for new sessions (the test suite points it elsewhere).
CLASS_STORE = "SPINELAB_CLASS_STORE"
CLASS_STORE_DIR = "SPINELAB_CLASS_STORE_DIR"
#: A class's self-check progress folder (set in each class kernel by spinelab.publish.classroom): class mode.
CLASS_PROGRESS = "SPINELAB_CLASS_PROGRESS"

#: The spellings of yes and no, compared without case or surrounding blanks.
YES = frozenset({"1", "true", "yes", "on"})
NO = frozenset({"0", "false", "no", "off"})


def text(name: str) -> str:
    """The variable ``name`` stripped of surrounding blanks; ``""`` when unset."""
    return os.environ.get(name, "").strip()


def parse_flag(value: str | None) -> bool | None:
    """True for a yes (:data:`YES`), False for a no (:data:`NO`), None for anything else (unset, empty, other)."""
    word = (value or "").strip().lower()
    return True if word in YES else False if word in NO else None


def flag(name: str, default: bool = False) -> bool:
    """The variable ``name`` as a yes or no; ``default`` when it is unset or neither."""
    parsed = parse_flag(os.environ.get(name))
    return default if parsed is None else parsed


def presenter() -> bool:
    """Whether the environment asks for presenter mode (:data:`PRESENTER`)."""
    return flag(PRESENTER)


def static() -> bool:
    """Whether outputs should be static (:data:`STATIC`), as for a slide export."""
    return flag(STATIC)


def progress_path() -> Path | None:
    """The progress file :data:`PROGRESS` names, or None when it is unset."""
    value = text(PROGRESS)
    return Path(value).expanduser() if value else None


def frame_cache_folder(default: Path) -> Path | None:
    """The frame cache's folder: :data:`FRAME_CACHE`, ``default`` when unset, None when it is a no (``off``)."""
    value = text(FRAME_CACHE)
    if parse_flag(value) is False:
        return None
    return Path(value) if value else default


def frame_cache_mb(default: float) -> float:
    """The frame cache's size limit in megabytes (:data:`FRAME_CACHE_MB`); ``default`` when unset or not a number."""
    try:
        return float(text(FRAME_CACHE_MB) or default)
    except ValueError:
        return default


def frame_encoding() -> str:
    """The frames' encoding as named by :data:`FRAME_ENCODING`, lower case; ``""`` when unset."""
    return text(FRAME_ENCODING).lower()


def token() -> str | None:
    """The server token from :data:`TOKEN`, or None when it is unset or empty."""
    return text(TOKEN) or None


def user_cache_base(platform: str, home: Path) -> Path:
    """The platform's folder for per-user caches: ``LOCALAPPDATA`` on Windows, ``XDG_CACHE_HOME`` elsewhere."""
    if platform == "win32":
        return Path(text("LOCALAPPDATA") or home / "AppData" / "Local")
    if platform == "darwin":
        return home / "Library" / "Caches"
    return Path(text("XDG_CACHE_HOME") or home / ".cache")


def jupyter_path() -> str:
    """Jupyter's extra data folders (``JUPYTER_PATH``), as set; ``""`` when unset."""
    return text("JUPYTER_PATH")


@contextlib.contextmanager
def overridden(values: Mapping[str, str | None]) -> Iterator[None]:
    """Set (a string) or unset (None) environment variables for the ``with`` block, then restore each one.

    Child processes started inside the block (a kernel, a server) inherit the values.
    """
    before = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            _put(name, value)
        yield
    finally:
        for name, value in before.items():
            _put(name, value)


def _put(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value
