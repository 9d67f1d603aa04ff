"""The course's one registry of sources.

Every source cited anywhere in the course lives in ``data/references.toml``
(authors, year, title, journal, volume, issue, pages, DOI, and where it was
verified). Code, data files and notebooks refer to a source by its key, for
example ``"hides1996"``; :func:`cite` gives the short in-text form and
:func:`reference_list` the full list a notebook ends with. Functions and widgets a notebook calls declare
with :func:`shows` which sources they can show, so that the build computes each notebook's list.
"""

from __future__ import annotations

import difflib
import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import TypeVar

from spinelab.course import datafile
from spinelab.course.text import MarkdownText


@dataclass(frozen=True)
class Reference:
    """One source, as stored in the registry."""

    key: str
    authors: tuple[str, ...]
    year: int
    title: str
    verified: str
    journal: str | None = None
    publisher: str | None = None
    edition: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    isbn: str | None = None
    finding: str | None = None
    et_al: bool = False

    def short(self) -> str:
        """In-text form: ``Hides et al. 1996``, ``Hodges & Tucker 2011``."""
        # "van Dieën JH" -> "van Dieën": everything before the initials.
        surnames = [author.rsplit(" ", 1)[0] if " " in author else author for author in self.authors]
        if len(surnames) == 1 and not self.et_al:
            names = surnames[0]
        elif len(surnames) == 2 and not self.et_al:
            names = f"{surnames[0]} & {surnames[1]}"
        else:
            names = f"{surnames[0]} et al."
        return f"{names} {self.year}"

    def full(self) -> str:
        """Vancouver-style entry in Markdown, with the DOI as a link."""
        authors = ", ".join(self.authors) + (", et al" if self.et_al else "")
        if self.journal:
            where = f"*{self.journal}*. {self.year}"
            if self.volume:
                where += f";{self.volume}"
                if self.issue:
                    where += f"({self.issue})"
            if self.pages:
                where += f":{self.pages}"
        else:
            edition = f" {self.edition} ed." if self.edition else ""
            where = f"{edition} {self.publisher or ''}; {self.year}".strip()
        title = self.title if self.title.endswith(("?", "!")) else self.title.rstrip(".") + "."
        entry = f"{authors}. {title} {where}."
        if self.doi:
            entry += f" [doi:{self.doi}](https://doi.org/{self.doi})"
        elif self.isbn:
            entry += f" ISBN {self.isbn}."
        return entry


def load(text: str, source: str = "data/references.toml") -> dict[str, Reference]:
    """Parse registry TOML text into references, validated against ``references.schema.json``.

    Raises
    ------
    ValueError
        Naming the file, the entry and the field that is missing or malformed.
    """
    return _references(datafile.parse(text, "references", source))


def _references(data: dict[str, dict]) -> dict[str, Reference]:
    return {key: Reference(key=key, **{**row, "authors": tuple(row["authors"])}) for key, row in data.items()}


@cache
def registry() -> dict[str, Reference]:
    """All references of the course, by key."""
    return _references(datafile.load("references"))


def get(key: str) -> Reference:
    """Look a reference up by key.

    Raises
    ------
    KeyError
        If the key is not in the registry; the message suggests close keys.
    """
    try:
        return registry()[key]
    except KeyError:
        close = difflib.get_close_matches(key, registry(), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise KeyError(f"unknown citation key {key!r}{hint}") from None


def require(keys: object, where: str) -> tuple[str, ...]:
    """Check citation keys read from a data file: every key must be in the registry.

    Parameters
    ----------
    keys : str or sequence of str
        One key or a list of keys.
    where : str
        The data row, named in the error (e.g. ``"muscle row 3 (multifidus): field 'citations'"``).

    Raises
    ------
    ValueError
        Naming ``where`` and the unknown key, with close keys suggested.
    """
    found = (keys,) if isinstance(keys, str) else tuple(keys)  # type: ignore[arg-type]
    for key in found:
        try:
            get(key)
        except KeyError as error:
            raise ValueError(f"{where}: {error.args[0]}") from None
    return found


def cite(*keys: str) -> str:
    """Short in-text citation for one or more keys: ``(Hides et al. 1996; Hides et al. 2001)``.

    Pure: a notebook's reference list is computed from its cells by :mod:`spinelab.publish.reference_lists`.
    """
    return "(" + "; ".join(get(key).short() for key in keys) + ")"


#: What a notebook-facing function or widget class can show: ``__cites__`` returns citation keys.
CITES_ATTRIBUTE = "__cites__"

_Shown = TypeVar("_Shown")


def shows(keys: Callable[..., Iterable[str]]) -> Callable[[_Shown], _Shown]:
    """Declare the citation keys a notebook-facing function or widget can show, clicks included.

    Parameters
    ----------
    keys : callable
        Returns the keys. With no parameters it is called as is; otherwise with the arguments of the
        notebook's call (``show_questions("01_muscle_layers")`` lists that notebook's question sources).
    """
    def declare(target: _Shown) -> _Shown:
        setattr(target, CITES_ATTRIBUTE, keys)
        return target
    return declare


def declared(target: object, *args: object, **kwargs: object) -> tuple[str, ...] | None:
    """The keys ``target`` declared with :func:`shows` for a call with these arguments; None if it declared none.

    Raises
    ------
    KeyError
        If a declared key is not in the registry.
    """
    keys = getattr(target, CITES_ATTRIBUTE, None)
    if keys is None:
        return None
    found = keys() if not inspect.signature(keys).parameters else keys(*args, **kwargs)
    return tuple(get(key).key for key in dict.fromkeys(found))


def _citation_pattern(reference: Reference) -> re.Pattern[str]:
    """'Hides et al. 1996', 'Hides et al. (1996)', 'Hides 1996', 'MacDonald, Moseley & Hodges 2006', year exact."""
    surname = r"\s+".join(map(re.escape, reference.short().rsplit(" ", 1)[0].removesuffix(" et al.")
                                .split(" & ")[0].split()))
    coauthors = r"(?:\s+et\s+al\.|(?:,\s*[^\s,;()]+)*\s*&\s*[^\s,;()]+)?"
    return re.compile(rf"\b{surname}{coauthors},?\s+\(?{reference.year}\b")


def keys_in(text: str) -> tuple[str, ...]:
    """Registry keys whose author-year citation appears in prose (``Hides et al. (1996)``, ``Hodges & Tucker 2011``).

    Two sources with the same citation (``Saragiotto et al. 2016``) are both returned: the reader cannot tell
    which one is meant, so the reference list holds both.
    """
    return tuple(key for key, reference in registry().items() if _citation_pattern(reference).search(text))


def reference_list(keys: Iterable[str]) -> MarkdownText:
    """The reference list a notebook ends with: these sources, in full.

    Sorted by first author and year, inside a collapsed ``<details>`` section whose summary gives the number of
    sources (the blank line after the summary lets JupyterLab render the Markdown list inside).
    """
    entries = sorted({get(key) for key in keys}, key=lambda ref: (ref.authors[0], ref.year, ref.title))
    listed = "\n".join(f"- {ref.full()}" for ref in entries)
    noun = "source" if len(entries) == 1 else "sources"
    return MarkdownText(f"<details><summary>References ({len(entries)} {noun})</summary>\n\n{listed}\n\n</details>")
