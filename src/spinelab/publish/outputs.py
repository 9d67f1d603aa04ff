"""Folders the publishing tools own: a tool deletes only inside a folder it marked as its own.

A tool (handouts, slides, the LMS export, the class server) writes into a folder through :func:`claim_folder`.
A new or empty folder is marked with :data:`MARKER` naming the tool; a folder already marked by that tool is
reused; any other non-empty folder (a home folder given by mistake, the course's own notebooks) is refused with
a message before anything is written or deleted.
"""

from __future__ import annotations

import shutil
from pathlib import Path

#: The file that marks a folder as written by one of the course's tools; it holds the tool's name.
MARKER = ".spinelab-output"


class OutputFolderError(ValueError):
    """A tool was given a folder it does not own; nothing was written or deleted."""


def owner(folder: Path) -> str | None:
    """The tool that marked ``folder``, or None when it is not marked (or not a folder)."""
    marker = folder / MARKER
    try:
        return marker.read_text().strip() if marker.is_file() and not marker.is_symlink() else None
    except OSError:
        return None


def claim_folder(folder: Path, tool: str) -> Path:
    """Make ``folder`` the output folder of ``tool``: create and mark it, or check that ``tool`` marked it.

    Parameters
    ----------
    folder : Path
        The folder to write into. It may not exist yet, may be empty, or must already carry ``tool``'s marker.
    tool : str
        The tool's name, e.g. ``"handouts"``, written into the marker.

    Returns
    -------
    Path
        ``folder``, now existing and marked.

    Raises
    ------
    OutputFolderError
        When ``folder`` is a file, or holds files and was not marked by ``tool``.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputFolderError(f"folder {str(folder)!r} is a file, not a folder: give a new or empty folder")
    if folder.is_dir() and owner(folder) != tool and any(folder.iterdir()):
        marked = owner(folder)
        by = f"it belongs to spinelab's {marked!r} tool" if marked else "it was not written by spinelab"
        raise OutputFolderError(
            f"folder {str(folder)!r} is not empty and {by}, so {tool!r} will not write into it (nothing was "
            "changed): give a new or empty folder"
        )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text(f"{tool}\n")
    return folder


def empty_owned_folder(folder: Path, tool: str) -> Path:
    """Claim ``folder`` for ``tool`` (see :func:`claim_folder`) and delete everything in it but the marker."""
    claim_folder(folder, tool)
    for item in folder.iterdir():
        if item.name == MARKER:
            continue
        if item.is_dir() and not item.is_symlink():
            shutil.rmtree(item)
        else:
            item.unlink()
    return folder
