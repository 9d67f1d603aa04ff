"""Text that displays itself in a notebook, for data and model modules (no IPython import).

A cell that ends with a :class:`PlainText` shows the text as it is, without the
quotes of a string's repr; a :class:`MarkdownText` is rendered as Markdown. Both
are strings, so they can be searched, joined and compared like any other.

Text from the data files reaches the page as HTML, so HTML is sanitised with nh3 (a maintained sanitiser):
:func:`sanitize_html` for the HTML rendered from Markdown, :func:`sanitize_markdown` for Markdown handed to the
notebook to render. The tags the course's Markdown renders to (paragraphs, emphasis, code, lists, links, tables,
footnotes, details/summary, sup/sub, abbr...) stay; scripts, event handlers and ``javascript:`` links go.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import nh3

#: Tags kept: nh3's defaults (text-level and structural tags, tables, details/summary) and the footnotes' section.
ALLOWED_TAGS = frozenset(nh3.ALLOWED_TAGS | {"section"})
_ATTRIBUTES = copy.deepcopy(nh3.ALLOWED_ATTRIBUTES)
_ATTRIBUTES["*"] = {"class", "lang", "title"}
for _tag in ("th", "td"):  # a table column's alignment
    _ATTRIBUTES[_tag] = _ATTRIBUTES.get(_tag, set()) | {"style"}
for _tag in ("sup", "li", "section"):  # footnotes link to their ids
    _ATTRIBUTES[_tag] = _ATTRIBUTES.get(_tag, set()) | {"id"}
_CLEANER = nh3.Cleaner(tags=set(ALLOWED_TAGS), attributes=_ATTRIBUTES, link_rel=None,
                       clean_content_tags={"script", "style"}, filter_style_properties={"text-align"})
#: Something in Markdown an HTML parser would read as a tag, comment or declaration.
_TAG_LIKE = re.compile(r"<[A-Za-z!/?]")
#: A Markdown autolink to a web or mail address, kept through sanitising (an HTML parser would drop it as a tag).
_AUTOLINK = re.compile(r"<(?:https?://|mailto:)[^\s<>\"'`]+>", re.IGNORECASE)
#: A Markdown link or image whose address uses a scheme other than http, https or mailto.
_UNSAFE_LINK = re.compile(r"(\]\(\s*<?)(?!https?:|mailto:)[A-Za-z][A-Za-z0-9+.\-]*:(?:[^()\s>]|\([^()\s]*\))*",
                          re.IGNORECASE)


def sanitize_html(html: str) -> str:
    """``html`` with everything but the allowed tags and attributes removed (scripts with their content)."""
    return _CLEANER.clean(html)


def sanitize_markdown(text: str) -> str:
    """Markdown made safe to render: raw HTML in it sanitised, links with unsafe schemes pointed nowhere.

    Markdown without raw HTML (all of the course's data) comes back unchanged apart from such links.
    """
    text = _UNSAFE_LINK.sub(r"\1#", text)
    autolinks = _AUTOLINK.findall(text)
    if not _TAG_LIKE.search(_AUTOLINK.sub("", text)):
        return text
    for number, link in enumerate(autolinks):
        text = text.replace(link, f"\ue000{number}\ue001", 1)
    # The sanitiser escapes text as HTML; give Markdown back its ">" (quotes) and "&" (which, at worst, spells an
    # entity such as "&lt;", shown as text): neither can open a tag.
    clean = sanitize_html(text).replace("&gt;", ">").replace("&amp;", "&")
    for number, link in enumerate(autolinks):
        clean = clean.replace(f"\ue000{number}\ue001", link, 1)
    return clean


class PlainText(str):
    """A string that a notebook shows as plain text (its ``text/plain`` output is the text itself)."""

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))


class MarkdownText(PlainText):
    """A string that a notebook renders as Markdown (``text/markdown``; ``text/plain`` is the Markdown source)."""

    def _repr_markdown_(self) -> str:
        return sanitize_markdown(str(self))
