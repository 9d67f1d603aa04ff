"""The words around the data: headers, collapsed-section titles and connecting sentences, from ``data/wording.toml``.

Student-facing words live in notebook Markdown or in the TOML data, never in Python strings. The modules that lay
out a table or a worked example take the words from here: :func:`phrase` fills a phrase's ``{placeholders}`` and
refuses a phrase whose placeholders differ from the values given, so an edit to the words can neither drop a citation
nor ask for a value the module does not have. Read on first use, validated against ``schemas/wording.schema.json``.
Pure Python.
"""

from __future__ import annotations

import re
import string
from functools import cache

from spinelab.course import datafile

DATA_FILE = "data/wording.toml"


@cache
def _data() -> dict[str, dict[str, str | list[str]]]:
    return datafile.load("wording")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def fill(template: str, where: str, /, **values: object) -> str:
    """Fill ``template``'s placeholders with ``values``.

    Raises
    ------
    ValueError
        Naming ``where``, when the template's placeholders are not exactly the names of ``values``.
    """
    used = _fields(template)
    if used != set(values):
        raise ValueError(f"{where} must use the placeholders {', '.join(f'{{{name}}}' for name in sorted(values))}"
                         f"{' (none)' if not values else ''}; it uses {', '.join(sorted(used)) or 'none'}")
    return template.format(**values)


def _raw(section: str, key: str) -> str | list[str]:
    try:
        return _data()[section][key]
    except KeyError:
        raise ValueError(f"{DATA_FILE} has no phrase [{section}] {key!r}") from None


def phrase(section: str, key: str, /, **values: object) -> str:
    """The phrase ``key`` of table ``section``, its placeholders filled with ``values`` (see :func:`fill`)."""
    text = _raw(section, key)
    if not isinstance(text, str):
        raise ValueError(f"{DATA_FILE}: [{section}] {key!r} is a list of phrases; use phrases()")
    return fill(text, f"{DATA_FILE}: [{section}] field {key!r}", **values)


def phrases(section: str, key: str, /, **values: object) -> list[str]:
    """The list of phrases ``key`` of table ``section`` (a table's header), each filled with the ``values`` it uses.

    Every value must be used by at least one of the phrases.
    """
    texts = _raw(section, key)
    if isinstance(texts, str):
        texts = [texts]
    where = f"{DATA_FILE}: [{section}] field {key!r}"
    used = set().union(*(_fields(text) for text in texts))
    if used != set(values):
        fill("".join(f"{{{name}}}" for name in sorted(used)), where, **values)  # raises, naming both sets
    return [text.format(**{name: values[name] for name in _fields(text)}) for text in texts]


def pattern(section: str, key: str, /, **patterns: str) -> re.Pattern[str]:
    """A regular expression matching the phrase ``key`` of table ``section`` as shown, each placeholder matched by
    the pattern given for it, e.g. ``pattern("reading_time", "stamp", core=r"\\d+", full=r"\\d+")``.

    Raises
    ------
    ValueError
        As :func:`phrase`, when the phrase's placeholders are not exactly the names of ``patterns``.
    """
    marks = {name: f"\0{name}\0" for name in patterns}
    parts = phrase(section, key, **marks).split("\0")
    # The marks split the phrase into its words (even indexes) and the names of its placeholders (odd ones).
    return re.compile("".join(f"(?:{patterns[part]})" if index % 2 else re.escape(part)
                              for index, part in enumerate(parts)))
