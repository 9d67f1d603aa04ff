"""The course's one registry of sources.

Every source cited anywhere in the course lives in ``data/references.toml``
(authors, year, title, journal, volume, issue, pages, DOI, and where it was
verified). Code, data files and notebooks refer to a source by its key, for
example ``"hides1996"``; :func:`cite` gives the short in-text form and
:func:`reference_list` the full list a notebook ends with.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from IPython.display import Markdown

#: A DOI: the directory indicator 10., a registrant code, a slash and a suffix.
DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")

#: A citation key: lowercase name(s), a four-digit year and an optional letter.
KEY_PATTERN = re.compile(r"^[a-z][a-z_]*\d{4}[a-z]?$")

_REQUIRED = ("authors", "year", "title", "verified")


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


def _parse(key: str, row: dict[str, object]) -> Reference:
    if not KEY_PATTERN.match(key):
        raise ValueError(f"reference key {key!r} must be a lowercase name and a year, like 'hides1996'")
    missing = [field for field in _REQUIRED if field not in row]
    if missing:
        raise ValueError(f"reference {key!r} is missing field(s): {', '.join(missing)}")
    if "journal" not in row and "publisher" not in row:
        raise ValueError(f"reference {key!r} needs a journal or a publisher")
    doi = row.get("doi")
    if doi is not None and not DOI_PATTERN.match(str(doi)):
        raise ValueError(f"reference {key!r} has a malformed doi {doi!r}")
    known = set(Reference.__dataclass_fields__) - {"key"}
    unknown = set(row) - known
    if unknown:
        raise ValueError(f"reference {key!r} has unknown field(s): {', '.join(sorted(unknown))}")
    fields = {name: (str(value) if name in {"volume", "issue", "pages"} else value) for name, value in row.items()}
    fields["authors"] = tuple(row["authors"])  # type: ignore[arg-type]
    return Reference(key=key, **fields)  # type: ignore[arg-type]


def load(text: str) -> dict[str, Reference]:
    """Parse registry TOML text into references, validating every entry.

    Raises
    ------
    ValueError
        Naming the entry and the field that is missing or malformed.
    """
    return {key: _parse(key, row) for key, row in tomllib.loads(text).items()}


@cache
def registry() -> dict[str, Reference]:
    """All references of the course, by key."""
    text = resources.files("spinelab").joinpath("data/references.toml").read_text(encoding="utf-8")
    return load(text)


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
    """Short in-text citation for one or more keys: ``(Hides et al. 1996; Hides et al. 2001)``."""
    return "(" + "; ".join(get(key).short() for key in keys) + ")"


def reference_list(*keys: str) -> Markdown:
    """The Markdown reference list a notebook ends with, sorted by first author and year."""
    entries = sorted({get(key) for key in keys}, key=lambda ref: (ref.authors[0], ref.year, ref.title))
    return Markdown("\n".join(f"- {ref.full()}" for ref in entries))
