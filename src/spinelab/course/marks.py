"""Status marks for widgets: a small inline SVG drawn by the browser, always followed by words.

Emoji such as ✅ and ❌ show as empty boxes on a computer without an emoji font (many lab and classroom machines),
so no widget uses them: :func:`mark` draws the status as an inline SVG (no font needed), in an Okabe-Ito colour
and with a shape of its own (colour is never the only cue), and always with the words that say it. The SVG is
hidden from screen readers (``aria-hidden``): the words are what they read.
"""

from __future__ import annotations

import html
import re

_BLUE, _GREEN, _ORANGE, _VERMILLION, _GREY = "#0072B2", "#009E73", "#E69F00", "#D55E00", "#6E6E6E"
_TICK = "<path d='M4.5 8.4l2.3 2.3 4.7-5' fill='none' stroke='#fff' stroke-width='2' stroke-linecap='round'/>"
_CROSS = ("<path d='M5.2 5.2l5.6 5.6M10.8 5.2l-5.6 5.6' fill='none' stroke='#fff' stroke-width='2'"
          " stroke-linecap='round'/>")

#: The shape of each mark, in a 16 x 16 box.
SHAPES: dict[str, str] = {
    "correct": f"<circle cx='8' cy='8' r='7.5' fill='{_GREEN}'/>{_TICK}",
    "best": f"<circle cx='8' cy='8' r='7.5' fill='{_GREEN}'/>{_TICK}",
    "acceptable": f"<rect x='0.5' y='0.5' width='15' height='15' rx='3' fill='{_BLUE}'/>{_TICK}",
    "wrong": f"<circle cx='8' cy='8' r='7.5' fill='{_VERMILLION}'/>{_CROSS}",
    "unhelpful": (f"<path d='M8 0.8L15.4 14.6H0.6z' fill='{_ORANGE}'/>"
                  "<path d='M8 5.5v4.5' stroke='#000' stroke-width='1.8' stroke-linecap='round'/>"
                  "<circle cx='8' cy='12.4' r='1' fill='#000'/>"),
    "harmful": (f"<path d='M5 0.5h6l4.5 4.5v6L11 15.5H5L0.5 11V5z' fill='{_VERMILLION}'/>"
                "<path d='M4.2 8h7.6' stroke='#fff' stroke-width='2.2' stroke-linecap='round'/>"),
    "unsure": (f"<circle cx='8' cy='8' r='7.5' fill='{_GREY}'/>"
               "<text x='8' y='12' font-size='11' font-family='sans-serif' font-weight='bold' fill='#fff' "
               "text-anchor='middle'>?</text>"),
}
#: A warning looks like an unhelpful choice: an orange triangle with an exclamation mark.
SHAPES["warning"] = SHAPES["unhelpful"]


def mark_svg(kind: str) -> str:
    """The inline SVG of a mark alone, sized to the text around it and hidden from screen readers.

    Raises
    ------
    ValueError
        If ``kind`` is not one of :data:`SHAPES`.
    """
    if kind not in SHAPES:
        raise ValueError(f"kind must be one of {', '.join(SHAPES)}; got {kind!r}")
    return ("<svg class='spinelab-mark' aria-hidden='true' focusable='false' viewBox='0 0 16 16' width='1em' "
            "height='1em' style='vertical-align: -0.15em; margin-right: 0.3em; flex: none'>"
            f"{SHAPES[kind]}</svg>")


def mark(kind: str, words: str, escape: bool = True) -> str:
    """A status as HTML: the mark of ``kind``, then ``words`` (escaped unless ``escape`` is False).

    Raises
    ------
    ValueError
        If ``kind`` is unknown, or ``words`` is empty: a mark is never shown without words.
    """
    if not words.strip():
        raise ValueError(f"words must say the status in words; got {words!r}")
    return f"{mark_svg(kind)}{html.escape(words) if escape else words}"


def with_mark(kind: str, html_text: str) -> str:
    """HTML (rendered Markdown, say) with the mark of ``kind`` at the start of its first paragraph.

    Raises
    ------
    ValueError
        If ``kind`` is unknown, or ``html_text`` has no words.
    """
    if not re.sub(r"<[^>]+>", "", html_text).strip():
        raise ValueError(f"html_text must say the status in words; got {html_text!r}")
    svg = mark_svg(kind)
    return html_text.replace("<p>", f"<p>{svg}", 1) if html_text.startswith("<p>") else f"{svg}{html_text}"
