"""spinelab: interactive teaching notebooks on spinal muscle layers, protective
guarding and the research on multifidus inhibition, for physical-therapy students."""

from __future__ import annotations

from spinelab.course import style

__version__ = "0.1.0"


def setup(presenter: bool | None = None) -> str:
    """Prepare a notebook: apply the course style.

    Parameters
    ----------
    presenter : bool or None
        Presenter mode (large fonts and lines); None reads ``SPINELAB_PRESENTER``.

    Returns
    -------
    str
        A one-line confirmation to show in the notebook.
    """
    on = style.use(presenter)
    return f"spinelab {__version__} ready ({'presenter' if on else 'desk'} style)."
