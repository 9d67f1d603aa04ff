"""Where the course's notebooks are, found by name rather than listed: a new notebook is picked up everywhere.

A course notebook is ``notebooks/NN_name.ipynb`` (``NN`` two digits, an optional letter: ``02b``); the start page
is ``00_start_here``, and every other one is a topic notebook, which gets a slide deck.
"""

from __future__ import annotations

import re
from pathlib import Path

#: The course's notebook folder, from the repository root.
FOLDER = Path(__file__).resolve().parents[3] / "notebooks"
#: The start page: the course map, with no deck of its own.
START = "00_start_here"
_NAME = re.compile(r"\d\d[a-z]?_\w+")


def course_notebooks(folder: Path = FOLDER) -> list[Path]:
    """Every course notebook in ``folder``, in course order (by name)."""
    return sorted(path for path in Path(folder).glob("*.ipynb") if _NAME.fullmatch(path.stem))


def topic_notebooks(folder: Path = FOLDER) -> list[Path]:
    """The course notebooks other than the start page: those with a slide deck."""
    return [path for path in course_notebooks(folder) if path.stem != START]
