"""The first cell of every notebook: ``spinelab.setup()`` applies the course style and says it is ready."""

from __future__ import annotations

from spinelab import __version__
from spinelab.course import a11y, style
from spinelab.course.display import static_mode
from spinelab.course.text import PlainText


class Ready(PlainText):
    """The line :func:`setup` returns; live, it also puts the course's widget stylesheet into the page.

    The ``text/plain`` output is the line itself. In JupyterLab and Voila the cell shows an empty HTML widget that
    carries :func:`spinelab.course.a11y.page_css` (focus ring, wrapping labels; in presenter mode, widget text and
    check boxes scaled with the figures), and no machine text. Static mode outputs the line only.
    """

    scale: float = 1.0

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, object]:
        bundle: dict[str, object] = {}
        if not static_mode():
            bundle = dict(a11y.page_style(self.scale)._repr_mimebundle_() or {})
        bundle["text/plain"] = str(self)
        return bundle


def setup(presenter: bool | None = None) -> PlainText:
    """Prepare a notebook: apply the course style.

    Parameters
    ----------
    presenter : bool or None
        Presenter mode (large fonts and lines, for figures and widget text); None reads ``SPINELAB_PRESENTER``.

    Returns
    -------
    PlainText
        A one-line confirmation, shown as the cell's output (with the page's widget stylesheet, when live).
    """
    on = style.use(presenter)
    ready = Ready(f"spinelab {__version__} ready ({'presenter' if on else 'desk'} style).")
    ready.scale = style.figure_scale()
    return ready
