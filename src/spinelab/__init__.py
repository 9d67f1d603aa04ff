"""spinelab: interactive teaching notebooks on spinal muscle layers, protective
guarding and the research on multifidus inhibition, for physical-therapy students.

Importing the package loads nothing else: the data and model modules stay free of widgets and plotting even
when imported through it, and ``spinelab.setup()`` loads the course's display machinery on first call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spinelab.course.text import PlainText

__version__ = "0.1.0"


def setup(presenter: bool | None = None) -> PlainText:
    """Prepare a notebook: apply the course style (see :func:`spinelab.course.ready.setup`)."""
    from spinelab.course.ready import setup as setup_course

    return setup_course(presenter)
