"""The bedside tests of notebook 04 and the evidence for them, as validated data.

``data/bedside_tests.toml`` holds, for each test or rule (the multifidus lift test, the prone instability
test, the clinical prediction rule for stabilisation exercise), what it is for, how it is done, its limits
and every figure shown from its studies. Each figure carries its citation key, the sentence it was read
from (``quote``) and where that was checked (``verified``, instructor-facing). ``schemas/bedside_tests.schema.json``
states the structure; this module checks what a schema cannot: citation keys resolve, each value appears in
its quote, ranges run forwards and ids are unique. The module is pure Python: no widget or plotting import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from spinelab.course import datafile, references, wording
from spinelab.course.text import MarkdownText

DATA_FILE = "data/bedside_tests.toml"
LIKELIHOOD_RATIOS = ("positive likelihood ratio", "negative likelihood ratio")

_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
          "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = {2: "twenty", 3: "thirty", 4: "forty", 5: "fifty", 6: "sixty", 7: "seventy", 8: "eighty", 9: "ninety"}


def number_words(number: int) -> str:
    """A whole number from 0 to 99 in words, as an abstract spells it: ``54`` -> ``"fifty-four"``."""
    if not 0 <= number <= 99:
        raise ValueError(f"number must be a whole number from 0 to 99; got {number!r}")
    if number < 20:
        return _UNITS[number]
    tens, units = divmod(number, 10)
    return _TENS[tens] + (f"-{_UNITS[units]}" if units else "")


def written_forms(value: float) -> tuple[str, ...]:
    """The ways a source may print a number: ``0.18`` -> ``("0.18", ".18")``, ``4.0`` -> ``("4.0", "4")``."""
    forms = {f"{value:g}", repr(float(value)).removesuffix(".0") if value != int(value) else f"{value:.1f}"}
    forms |= {form[1:] for form in list(forms) if form.startswith("0.")}
    if value == int(value) and 0 <= value <= 99:
        forms.add(number_words(int(value)))
    return tuple(sorted(forms))


def appears_in(value: float, quote: str) -> bool:
    """Whether ``value`` is written in ``quote`` as a whole number or word (``0.18`` is not found in ``0.185``)."""
    text = quote.lower()
    return any(re.search(rf"(?<![\d.]){re.escape(form)}(?![\d])", text) for form in written_forms(value))


@dataclass(frozen=True)
class Figure:
    """One number from a study of a bedside test, with its provenance."""

    id: str
    quantity: str
    kind: str
    value: float
    source: str
    quote: str
    verified: str
    high: float | None = None
    target: str | None = None
    result: str | None = None
    note: str | None = None

    def number(self) -> str:
        """The value, or the range ``0.75–0.81``, as text."""
        if self.kind in LIKELIHOOD_RATIOS and self.value == int(self.value):
            return f"{self.value:.1f}"  # as the source prints it: 4.0, not 4
        return f"{self.value:g}" if self.high is None else f"{self.value:g}–{self.high:g}"

    def sentence(self) -> str:
        """The figure in words with its citation, e.g. ``kappa 0.75–0.81 (Hebert et al. 2015)``."""
        label = {"kappa": "κ", "biserial correlation": "biserial r", "count": "",
                 "positive likelihood ratio": "+LR", "negative likelihood ratio": "−LR"}[self.kind]
        applies = f" for {self.target}" if self.target else ""
        return f"{self.quantity}{applies}: {label} {self.number()} {references.cite(self.source)}".replace("  ", " ")


@dataclass(frozen=True)
class Validation:
    """A later study that tested a test or rule in new patients."""

    source: str
    design: str
    finding: str
    quote: str
    verified: str


@dataclass(frozen=True)
class BedsideTest:
    """One bedside test or rule, with the figures shown from its studies."""

    id: str
    name: str
    kind: str
    what: str
    procedure: str
    citations: tuple[str, ...]
    limits: str
    verified: str
    figures: tuple[Figure, ...] = ()
    validations: tuple[Validation, ...] = ()

    def citation_keys(self) -> tuple[str, ...]:
        """Every key :meth:`describe` cites, without repeats."""
        return tuple(dict.fromkeys([*self.citations, *(item.source for item in (*self.figures, *self.validations))]))

    def describe(self) -> str:
        """Markdown: what it is, how it is done, the figures with citations, later validation, limits."""
        lines = [f"**{self.name}** ({self.kind}) {references.cite(*self.citations)}", "",
                 f"- *What it is for:* {self.what}", f"- *How:* {self.procedure}"]
        shown = [figure.sentence() for figure in self.figures]
        lines.append("- *Evidence:* " + ("; ".join(shown) + "." if shown
                                          else wording.phrase("bedside", "no_figure")))
        lines += [f"- *Tested again:* {item.finding} {references.cite(item.source)}" for item in self.validations]
        lines.append(f"- *Limits:* {self.limits}")
        return "\n".join(lines)


def _figure(row: dict, where: str) -> Figure:
    references.require(row["source"], f"{where}: field 'source'")
    high = row.get("high")
    if high is not None and high < row["value"]:
        raise ValueError(f"{where}: field 'high' must be at least value ({row['value']:g}); got {high!r}")
    for field in ("value", "high"):
        if field in row and not appears_in(row[field], row["quote"]):
            raise ValueError(f"{where}: field {field!r} ({row[field]:g}) must appear in the quote; "
                             f"written forms looked for: {', '.join(written_forms(row[field]))}")
    return Figure(**{**row, "value": float(row["value"]), "high": None if high is None else float(high)})


def _test(row: dict, where: str) -> BedsideTest:
    citations = references.require(row["citations"], f"{where}: field 'citations'")
    figures = tuple(_figure(item, f"{where} {datafile.entry('figure', n, item)}")
                    for n, item in enumerate(row.get("figure", [])))
    validations = []
    for n, item in enumerate(row.get("validation", [])):
        references.require(item["source"], f"{where} {datafile.entry('validation', n)}: field 'source'")
        validations.append(Validation(**item))
    fields = {key: value for key, value in row.items() if key not in ("figure", "validation", "citations")}
    return BedsideTest(**fields, citations=citations, figures=figures, validations=tuple(validations))


def parse(text: str, source: str = DATA_FILE) -> tuple[BedsideTest, ...]:
    """Parse bedside-test TOML text, validated against ``bedside_tests.schema.json``.

    Parameters
    ----------
    text : str
        The TOML text.
    source : str
        The file name given in error messages.

    Returns
    -------
    tuple of BedsideTest
        The tests, in file order.

    Raises
    ------
    ValueError
        Naming the file, the test or figure and the field at fault.
    """
    return _tests(datafile.parse(text, "bedside_tests", source), source)


def _tests(data: dict, source: str) -> tuple[BedsideTest, ...]:
    tests = tuple(_test(row, f"{source}: {datafile.entry('test', n, row)}") for n, row in enumerate(data["test"]))
    ids = [test.id for test in tests] + [figure.id for test in tests for figure in test.figures]
    duplicates = sorted({item for item in ids if ids.count(item) > 1})
    if duplicates:
        raise ValueError(f"{source}: duplicate id(s): {', '.join(duplicates)}")
    return tests


@cache
def tests() -> tuple[BedsideTest, ...]:
    """The bedside tests shipped with the package (``data/bedside_tests.toml``)."""
    return _tests(datafile.load("bedside_tests"), DATA_FILE)


def test(test_id: str) -> BedsideTest:
    """One test by id, e.g. ``test("multifidus-lift-test")``."""
    for item in tests():
        if item.id == test_id:
            return item
    raise ValueError(f"test_id must be one of {', '.join(item.id for item in tests())}; got {test_id!r}")


test.__test__ = False  # type: ignore[attr-defined]  # not a pytest test when imported into a test module


def figure(figure_id: str) -> Figure:
    """One figure by id, e.g. ``figure("cpr_success_plr")``."""
    for item in tests():
        for found in item.figures:
            if found.id == figure_id:
                return found
    raise ValueError(f"figure_id {figure_id!r} is not in {DATA_FILE}")


def likelihood_ratios() -> tuple[Figure, ...]:
    """Every likelihood ratio in the data, each with the target condition and the result it applies to."""
    return tuple(found for item in tests() for found in item.figures if found.kind in LIKELIHOOD_RATIOS)


@references.shows(lambda *test_ids: (key for item in (map(test, test_ids) if test_ids else tests())
                                     for key in item.citation_keys()))
def describe(*test_ids: str) -> MarkdownText:
    """The given tests (all when none is given) in plain words, with their figures and citations."""
    chosen = [test(test_id) for test_id in test_ids] if test_ids else list(tests())
    return MarkdownText("\n\n".join(item.describe() for item in chosen))
