"""Text that displays itself in a notebook, for data and model modules (pure Python: no IPython import).

A cell that ends with a :class:`PlainText` shows the text as it is, without the
quotes of a string's repr; a :class:`MarkdownText` is rendered as Markdown. Both
are strings, so they can be searched, joined and compared like any other.
"""

from __future__ import annotations

from typing import Any


class PlainText(str):
    """A string that a notebook shows as plain text (its ``text/plain`` output is the text itself)."""

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))


class MarkdownText(PlainText):
    """A string that a notebook renders as Markdown (``text/markdown``; ``text/plain`` is the Markdown source)."""

    def _repr_markdown_(self) -> str:
        return str(self)
