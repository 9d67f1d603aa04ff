"""Clinic treatments as ILLUSTRATIVE changes of the guarding model, with what guidelines and reviews say.

Each treatment acts on one part of the model (:mod:`spinelab.guarding.guarding`): the drive from pain to guarding, the
pain-spasm-pain loop, or a decay of guarding. The *size* of every change is made up and the same for all five
(:data:`ILLUSTRATIVE_STRENGTH`), so the model says nothing about which treatment works better. What the research
says lives in ``data/treatments.toml`` (read on first use and validated against ``schemas/treatments.schema.json``;
this module checks that citation keys resolve and topics are known): guideline recommendations quoted word for
word with their strength and population, review findings quoted from the reference registry, and guidelines that
cover a topic whose wording could not be read word for word (shown with a link, never paraphrased as a
recommendation).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from spinelab.course import datafile, references, wording
from spinelab.course.text import MarkdownText
from spinelab.course.validation import check_text
from spinelab.guarding.guarding import ParameterChange

#: The same made-up strength for every treatment: it removes 30 % of the mechanism it acts on.
ILLUSTRATIVE_STRENGTH = 0.3

#: The three ways a treatment can act in the model (what each does, in words: :func:`mechanism_text`).
MECHANISMS = ("drive", "loop", "decay")
#: The table of ``data/wording.toml`` with this module's phrases.
WORDS = "treatments"

#: Names of the model treatments, in the order shown (checked against the data file by the tests).
NAMES: tuple[str, ...] = ("gentle motion (stay active)", "manual therapy", "dry needling", "corrective exercise",
                          "movement retraining")

#: Durations of low back pain a recommendation can apply to.
STAGES = ("acute", "subacute", "chronic")

DATA_FILE = "data/treatments.toml"


@dataclass(frozen=True)
class Evidence:
    """One statement about a treatment from a review or guideline in the registry."""

    key: str
    statement: str

    @property
    def citation(self) -> str:
        """Short in-text citation, e.g. ``(Hu et al. 2018)``."""
        return references.cite(self.key)


@dataclass(frozen=True)
class Recommendation:
    """One guideline recommendation, quoted word for word.

    Attributes
    ----------
    guideline : str
        Citation key of the guideline.
    quote : str
        The recommendation's own words.
    strength : str
        Its strength or grade as the guideline states it.
    stages : tuple of str
        Durations of low back pain it applies to (see :data:`STAGES`).
    population : str
        Who it is for, as the guideline words it.
    topics : tuple of str
        Treatments (see :data:`NAMES`) or other topics it concerns.
    verified : str
        Where and when the wording and the grade were read.
    number : str
        The guideline's number for it where one was seen, else empty.
    """

    guideline: str
    quote: str
    strength: str
    stages: tuple[str, ...]
    population: str
    topics: tuple[str, ...]
    verified: str
    number: str = ""

    def markdown(self) -> str:
        """The recommendation as one Markdown line: citation, quote, strength and population."""
        where = ", ".join(filter(None, (references.get(self.guideline).short(), self.number)))
        return f"{where}: “{self.quote}” (*{self.strength}*; {self.population})"


@dataclass(frozen=True)
class Coverage:
    """A guideline that covers a topic, shown with a link instead of a quote (its wording was not read word for word).

    Attributes
    ----------
    guideline : str
        Citation key of the guideline.
    statement : str
        What it covers, in plain words.
    population : str
        Who it is for.
    topics : tuple of str
        Treatments (see :data:`NAMES`) or other topics it covers.
    verified : str
        Where and how far it was checked.
    """

    guideline: str
    statement: str
    population: str
    topics: tuple[str, ...]
    verified: str

    def markdown(self) -> str:
        """The entry as one Markdown line: citation, statement, population and a link to the guideline."""
        source = references.get(self.guideline)
        link = f" [doi:{source.doi}](https://doi.org/{source.doi})" if source.doi else ""
        return f"{source.short()} {self.statement} ({self.population}).{link}"


@dataclass(frozen=True)
class Treatment:
    """A clinic treatment as an illustrative model input, with its evidence.

    Attributes
    ----------
    name : str
        Name shown to students.
    mechanism : str
        One of :data:`MECHANISMS`: what the treatment changes in the model.
    rationale : str
        Why the clinic expects it to act that way (a hypothesis, not a finding).
    evidence_summary : str
        The evidence in one line, from the cited sources, by population.
    evidence : tuple of Evidence
        Guideline recommendations (quoted) and review findings, with their citation keys.
    """

    name: str
    mechanism: str
    rationale: str
    evidence_summary: str
    evidence: tuple[Evidence, ...]

    def __post_init__(self) -> None:
        if self.mechanism not in MECHANISMS:
            raise ValueError(f"mechanism must be one of {', '.join(MECHANISMS)}; got {self.mechanism!r}")
        for item in self.evidence:
            references.get(item.key)

    def change_for(self, guarding_days: float) -> ParameterChange:
        """The parameter change for a model whose guarding time constant is ``guarding_days``.

        A decay acting on guarding is scaled by that time constant so that it shifts
        the threshold exactly as much as the other mechanisms do.
        """
        keep = 1.0 - ILLUSTRATIVE_STRENGTH
        if self.mechanism == "drive":
            return ParameterChange(drive_factor=keep)
        if self.mechanism == "loop":
            return ParameterChange(gain_factor=keep)
        return ParameterChange(extra_decay_per_day=(1.0 / keep - 1.0) / guarding_days)

    @property
    def keys(self) -> tuple[str, ...]:
        """Citation keys of the evidence."""
        return tuple(item.key for item in self.evidence)

    def evidence_markdown(self) -> str:
        """The evidence as Markdown bullet points with citations."""
        lines = [f"**{self.name}**: {self.evidence_summary}"]
        lines += [f"- {item.statement} {item.citation}" for item in self.evidence]
        return "\n".join(lines)


@dataclass(frozen=True)
class Catalogue:
    """Everything read from the data file; a review is ``(key, population, topics)``, quoting the key's finding."""

    treatments: dict[str, Treatment]
    topics: tuple[str, ...]
    recommendations: tuple[Recommendation, ...]
    reviews: tuple[tuple[str, str, tuple[str, ...]], ...]
    coverage: tuple[Coverage, ...] = ()


def _topics(row: dict, where: str, known: tuple[str, ...]) -> tuple[str, ...]:
    """The ``topics`` of an entry: each a treatment name or one of the file's other topics."""
    wrong = [topic for topic in row["topics"] if topic not in known]
    if wrong:
        raise ValueError(f"{where}: field 'topics' must list only {', '.join(known)}; got {wrong!r}")
    return tuple(row["topics"])


def load(text: str, source: str = DATA_FILE) -> Catalogue:
    """Parse treatments TOML text, validated against ``treatments.schema.json``.

    Parameters
    ----------
    text : str
        The TOML text.
    source : str
        The file name named in errors.

    Raises
    ------
    ValueError
        Naming the file, the entry and the field that is missing or wrong.
    """
    return _catalogue(datafile.parse(text, "treatments", source), source)


def _catalogue(data: dict, source: str) -> Catalogue:
    rows, topics = data["treatment"], tuple(data["topics"])
    known = (*(row["name"] for row in rows), *topics)
    recs = []
    for number, row in enumerate(data.get("recommendation", [])):
        where = f"{source}: {datafile.entry('recommendation', number)}"
        guideline = references.require(row["guideline"], f"{where}: field 'guideline'")[0]
        recs.append(Recommendation(**{**row, "guideline": guideline, "stages": tuple(row["stages"]),
                                      "topics": _topics(row, where, known)}))
    reviews = []
    for number, row in enumerate(data.get("review", [])):
        where = f"{source}: {datafile.entry('review', number)}"
        key = references.require(row["key"], f"{where}: field 'key'")[0]
        if not references.get(key).finding:
            raise ValueError(f"{where}: field 'key': reference {key!r} has no finding to quote")
        reviews.append((key, row["population"], _topics(row, where, known)))
    coverage = []
    for number, row in enumerate(data.get("coverage", [])):
        where = f"{source}: {datafile.entry('coverage', number)}"
        guideline = references.require(row["guideline"], f"{where}: field 'guideline'")[0]
        coverage.append(Coverage(guideline, row["statement"], row["population"], _topics(row, where, known),
                                 row["verified"]))
    treatments = {}
    for row in rows:
        name = row["name"]
        quoted = [Evidence(item.guideline, f"“{item.quote}” ({item.strength}; {item.population})")
                  for item in recs if name in item.topics]
        found = [Evidence(key, str(references.get(key).finding)) for key, _, about in reviews if name in about]
        treatments[name] = Treatment(name, row["mechanism"], row["rationale"], row["summary"], (*quoted, *found))
    return Catalogue(treatments, topics, tuple(recs), tuple(reviews), tuple(coverage))


def mechanism_text(mechanism: str) -> str:
    """What a mechanism of :data:`MECHANISMS` does in the model, in words (e.g. "weakens the pain-spasm-pain loop").

    Raises
    ------
    ValueError
        If ``mechanism`` is not one of :data:`MECHANISMS`.
    """
    if mechanism not in MECHANISMS:
        raise ValueError(f"mechanism must be one of {', '.join(MECHANISMS)}; got {mechanism!r}")
    return wording.phrase(WORDS, f"mechanism_{mechanism}")


def illustrative_note() -> str:
    """The one sentence that says the model's treatment effects are made up (the strength filled in)."""
    return wording.phrase(WORDS, "illustrative_note", strength=f"{ILLUSTRATIVE_STRENGTH:.0%}")


@cache
def catalogue() -> Catalogue:
    """The course's treatments and their evidence, read from the data file on first use."""
    return _catalogue(datafile.load("treatments"), DATA_FILE)


def all_treatments() -> dict[str, Treatment]:
    """The model treatments by name, in the order of :data:`NAMES`."""
    return catalogue().treatments


def get(name: str) -> Treatment:
    """The treatment with this name (see :data:`NAMES`).

    Raises
    ------
    ValueError
        If the name is not one of :data:`NAMES`.
    """
    if check_text("name", name) not in all_treatments():
        raise ValueError(f"treatment must be one of {', '.join(NAMES)}; got {name!r}")
    return all_treatments()[name]


def citation_keys() -> tuple[str, ...]:
    """Every citation key used by the treatments and the other topics, without repeats."""
    data = catalogue()  # the treatments' keys are among these
    return tuple(dict.fromkeys([*(item.guideline for item in data.recommendations), *(k for k, *_ in data.reviews),
                                *(item.guideline for item in data.coverage)]))


def recommendations(population: str | None = None) -> tuple[Recommendation, ...]:
    """The guideline recommendations, or only those for one duration of low back pain.

    Parameters
    ----------
    population : str, optional
        One of :data:`STAGES` (``"acute"``, ``"subacute"``, ``"chronic"``); None for all.

    Raises
    ------
    ValueError
        If the population is not one of :data:`STAGES`.
    """
    if population is not None and population not in STAGES:
        raise ValueError(f"population must be one of {', '.join(STAGES)}; got {population!r}")
    return tuple(item for item in catalogue().recommendations if population is None or population in item.stages)


@references.shows(citation_keys)
def _quote_once(item: Recommendation, title: str, quoted: dict[Recommendation, str]) -> str:
    """The recommendation quoted in full the first time; after that, where it was quoted."""
    if item in quoted:
        where = ", ".join(filter(None, (references.get(item.guideline).short(), item.number)))
        return wording.phrase(WORDS, "quoted_above", where=where, topic=quoted[item], population=item.population)
    quoted[item] = title
    return item.markdown()


def evidence_table(population: str | None = None) -> MarkdownText:
    """For each topic one line on the main path, then the guideline quotes and review findings in a collapsed section.

    The line says what the model does with a treatment and the evidence in brief (a treatment's
    :attr:`Treatment.evidence_summary`; for another topic the guidelines' grades and the reviews' citations). The
    collapsed ``<details>`` section quotes every recommendation word for word with its strength and population (once,
    under the first topic it covers; later topics point back to it), names
    the guidelines that cover the topic without a quote (with a link to read them), then what the reviews found.

    Parameters
    ----------
    population : str, optional
        Show only the recommendations for this duration of pain (see :data:`STAGES`).
    """
    data = catalogue()
    lines = [f"*{illustrative_note()}*"]
    quoted: dict[Recommendation, str] = {}  # a recommendation is quoted once, under the first topic it covers
    for topic in (*data.treatments, *data.topics):
        title = f"{topic[0].upper()}{topic[1:]}"
        recs = [item for item in recommendations(population) if topic in item.topics]
        reviews = [(key, who) for key, who, about in data.reviews if topic in about]
        covered = [item for item in data.coverage if topic in item.topics]
        if topic in data.treatments:
            treatment = data.treatments[topic]
            brief = " " + wording.phrase(WORDS, "in_the_model", mechanism=mechanism_text(treatment.mechanism),
                                         summary=treatment.evidence_summary)
        else:
            grades = [f"{references.get(item.guideline).short()} *{item.strength.split(';')[0]}* ({item.population})"
                      for item in recs]
            also = [wording.phrase(WORDS, "covers", guideline=references.get(item.guideline).short(),
                                   population=item.population) for item in covered]
            cited = [wording.phrase(WORDS, "review", citation=references.cite(key)) for key, _ in reviews]
            brief = f": {'; '.join([*grades, *also, *cited])}." if grades or also or cited else ""
        lines += ["", f"**{title}**{brief}"]
        if not recs and not reviews and not covered:
            continue
        lines += ["", f"<details><summary>{wording.phrase(WORDS, 'details_summary', topic=title)}</summary>"]
        lines += ["", wording.phrase(WORDS, "guidelines_heading"),
                  *(f"- {_quote_once(item, title, quoted)}" for item in recs)] if recs else []
        lines += ["", wording.phrase(WORDS, "covering_heading"),
                  *(f"- {item.markdown()}" for item in covered)] if covered else []
        found = [f"- *{who}*: {references.get(key).finding} {references.cite(key)}" for key, who in reviews]
        lines += ["", wording.phrase(WORDS, "reviews_heading"), *found] if found else []
        lines += ["", "</details>"]
    return MarkdownText("\n".join(lines))
