"""spinelab: interactive teaching notebooks on spinal muscle layers, protective
guarding and the research on multifidus inhibition, for physical-therapy students."""

from __future__ import annotations

from spinelab.course import style
from spinelab.course.text import PlainText

__version__ = "0.1.0"


def setup(presenter: bool | None = None) -> PlainText:
    """Prepare a notebook: apply the course style.

    Parameters
    ----------
    presenter : bool or None
        Presenter mode (large fonts and lines); None reads ``SPINELAB_PRESENTER``.

    Returns
    -------
    PlainText
        A one-line confirmation, shown as the cell's output.
    """
    on = style.use(presenter)
    return PlainText(f"spinelab {__version__} ready ({'presenter' if on else 'desk'} style).")
