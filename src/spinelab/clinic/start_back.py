"""The Keele STarT Back Screening Tool: scores, risk strata and what each stratum is offered under stratified care.

The tool (Hill et al. 2008; © Keele University) has nine items, in this order: referred leg pain, shoulder or neck
pain, walking, dressing, fear of activity, anxiety, catastrophising, low mood, and bothersomeness. Items 1-8 are
agree/disagree; item 9 counts as positive when the back pain has been "very much" or "extremely" bothersome. The
**overall score** is the number of positive items (0-9); the **distress subscale** is the number of positive items
among 5-9 (0-5). Low risk: overall 0-3. High risk: subscale 4-5.
Otherwise medium risk. The course paraphrases each item by its domain (Keele's terms allow free non-commercial
use of the tool but do not say that its wording may be reprinted in teaching material).

The items, the strata, what each stratum received in the STarT Back trial (Hay et al. 2008; Hill et al. 2011), a
later trial in which stratified care was not superior (Rhon et al. 2023) and guideline recommendations on
stratification live in ``data/start_back.toml``, read on first use and validated against
``schemas/start_back.schema.json``. A stratum is a group's risk of a poor outcome, not one patient's prognosis.
:func:`official_form` gives the official form.

::

    >>> stratify([True, False, True, True, False, False, False, False, False])
    'low'
    >>> score([True] * 4 + [False] * 5).overall
    4
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from spinelab.course import datafile, references, wording
from spinelab.course.text import MarkdownText
from spinelab.guarding.treatments import Recommendation

DATA_FILE = "data/start_back.toml"
#: The table of ``data/wording.toml`` with this module's phrases (headers, collapsed-section titles, the brief).
WORDS = "start_back"

#: Number of items, and the (0-based) positions of the distress subscale: items 5 to 9.
ITEM_COUNT = 9
DISTRESS_ITEMS = range(4, 9)

LOW, MEDIUM, HIGH = "low", "medium", "high"
#: The three strata, lowest risk first.
STRATA = (LOW, MEDIUM, HIGH)

#: Highest overall score still at low risk, and lowest distress subscale score at high risk.
LOW_MAX_OVERALL = 3
HIGH_MIN_DISTRESS = 4

_EXPECTED = (f"answers must be a sequence of {ITEM_COUNT} booleans in the tool's item order (True for agree; "
             "item 9 True for 'very much' or 'extremely' bothersome)")


@dataclass(frozen=True)
class Item:
    """One item of the tool, paraphrased by its domain.

    Attributes
    ----------
    number : int
        Its position in the tool, 1 to 9.
    domain : str
        What it asks about, in the course's words.
    construct : str
        What Hill et al. (2008) call it (e.g. "fear", "catastrophising").
    distress : bool
        Whether it belongs to the distress subscale (items 5-9).
    answers : tuple of str
        The answer choices of a graded item (item 9); empty for agree/disagree items.
    positive : tuple of str
        The answers of a graded item that count as positive.
    """

    number: int
    domain: str
    construct: str
    distress: bool
    answers: tuple[str, ...] = ()
    positive: tuple[str, ...] = ()


@dataclass(frozen=True)
class Stratum:
    """One risk stratum: its rule and what it was offered in the STarT Back trial, with sources."""

    name: str
    label: str
    rule: str
    offer: str
    sources: tuple[str, ...]

    @property
    def citation(self) -> str:
        """In-text citation of the offer's sources."""
        return references.cite(*self.sources)


@dataclass(frozen=True)
class Scores:
    """The tool's two scores and the stratum they give.

    Attributes
    ----------
    overall : int
        Positive items, 0 to 9.
    distress : int
        Positive items among 5 to 9 (the distress, or psychosocial, subscale), 0 to 5.
    """

    overall: int
    distress: int

    @property
    def subscale(self) -> int:
        """The distress subscale score (another name for :attr:`distress`)."""
        return self.distress

    @property
    def stratum(self) -> str:
        """``"low"`` (overall 0-3), ``"high"`` (subscale 4-5) or ``"medium"``."""
        if self.overall <= LOW_MAX_OVERALL:
            return LOW
        return HIGH if self.distress >= HIGH_MIN_DISTRESS else MEDIUM


@dataclass(frozen=True)
class Tool:
    """Everything read from the data file."""

    name: str
    attribution: str
    official_form: str
    sources: tuple[str, ...]
    items: tuple[Item, ...]
    strata: dict[str, Stratum]
    trial_finding: str
    trial_sources: tuple[str, ...]
    replication_finding: str
    replication_sources: tuple[str, ...]
    recommendations: tuple[Recommendation, ...]


def load(text: str, source: str = DATA_FILE) -> Tool:
    """Parse STarT Back TOML text, validated against ``start_back.schema.json``.

    Raises
    ------
    ValueError
        Naming the file, the entry and the field at fault: the schema's rules, citation keys that must resolve,
        the distress subscale (items 5-9 exactly) and a graded item's positive answers (among its answers).
    """
    return _tool(datafile.parse(text, "start_back", source), source)


def _keys(row: dict, where: str, field: str = "sources") -> tuple[str, ...]:
    return references.require(row[field], f"{where}: field '{field}'")


def _tool(data: dict, source: str) -> Tool:
    tool = data["tool"]
    items = []
    for number, row in enumerate(data["item"]):
        where = f"{source}: {datafile.entry('item', number)}"
        if row["distress"] != (number in DISTRESS_ITEMS):
            raise ValueError(f"{where}: field 'distress' must be {number in DISTRESS_ITEMS} (the distress subscale "
                             f"is items 5 to 9)")
        answers, positive = tuple(row.get("answers", ())), tuple(row.get("positive", ()))
        if any(answer not in answers for answer in positive):
            raise ValueError(f"{where}: field 'positive' must list only answers of field 'answers' "
                             f"({', '.join(answers)}); got {list(positive)!r}")
        items.append(Item(number + 1, row["domain"], row["construct"], row["distress"], answers, positive))
    strata = {name: Stratum(name, row["label"], row["rule"], row["offer"],
                            _keys(row, f"{source}: {datafile.entry('stratum', name)}"))
              for name, row in ((name, data["stratum"][name]) for name in STRATA)}
    recs = []
    for number, row in enumerate(data["recommendation"]):
        where = f"{source}: {datafile.entry('recommendation', number)}"
        guideline = references.require(row["guideline"], f"{where}: field 'guideline'")[0]
        recs.append(Recommendation(**{**row, "guideline": guideline, "stages": tuple(row["stages"]),
                                      "topics": tuple(row["topics"])}))
    return Tool(tool["name"], tool["attribution"], tool["official_form"], _keys(tool, f"{source}: tool"),
                tuple(items), strata, data["trial"]["finding"], _keys(data["trial"], f"{source}: trial"),
                data["replication"]["finding"], _keys(data["replication"], f"{source}: replication"), tuple(recs))


@cache
def tool() -> Tool:
    """The tool as the course teaches it, read from ``data/start_back.toml`` on first use."""
    return _tool(datafile.load("start_back"), DATA_FILE)


def items() -> tuple[Item, ...]:
    """The nine items in the tool's order."""
    return tool().items


def official_form() -> str:
    """Where the official form (Keele University's own wording) is."""
    return tool().official_form


def attribution() -> str:
    """The copyright and funding statement Keele asks users to keep."""
    return tool().attribution


def bothersome(answer: str) -> bool:
    """Whether an answer to item 9 counts as positive ("very much" or "extremely").

    Raises
    ------
    ValueError
        If the answer is not one of item 9's five answers; the message lists them.
    """
    graded = items()[-1]
    if answer not in graded.answers:
        raise ValueError(f"item 9 answer must be one of {', '.join(graded.answers)}; got {answer!r}")
    return answer in graded.positive


def _checked(answers: object) -> tuple[bool, ...]:
    if isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
        raise ValueError(f"{_EXPECTED}; got {type(answers).__name__} {answers!r}")
    if len(answers) != ITEM_COUNT:
        raise ValueError(f"{_EXPECTED}; got {len(answers)} answers")
    for number, answer in enumerate(answers, start=1):
        # bool is checked by type, not truthiness: 1, "yes" or None would hide a data-entry mistake.
        if not isinstance(answer, bool):
            raise ValueError(f"{_EXPECTED}; item {number} is {type(answer).__name__} {answer!r}")
    return tuple(answers)


def score(answers: Sequence[bool]) -> Scores:
    """The overall and distress subscale scores of nine answers.

    Parameters
    ----------
    answers : sequence of bool
        Nine booleans in the tool's item order: True for agree, and for item 9 True when the back pain has been
        "very much" or "extremely" bothersome (see :func:`bothersome`).

    Raises
    ------
    ValueError
        If ``answers`` is not a sequence (a string is not accepted), does not have nine items, or has an item
        that is not ``True`` or ``False`` (ints, None and strings are refused); the message names the problem.
    """
    checked = _checked(answers)
    return Scores(sum(checked), sum(checked[index] for index in DISTRESS_ITEMS))


def stratify(answers: Sequence[bool]) -> str:
    """The risk stratum of nine answers: ``"low"``, ``"medium"`` or ``"high"`` (see :func:`score`)."""
    return score(answers).stratum


def stratum(name: str) -> Stratum:
    """The stratum with this name (one of :data:`STRATA`).

    Raises
    ------
    ValueError
        If the name is not one of :data:`STRATA`.
    """
    if name not in STRATA:
        raise ValueError(f"stratum must be one of {', '.join(STRATA)}; got {name!r}")
    return tool().strata[name]


def offer(name: str) -> str:
    """What a stratum was offered under stratified care in the STarT Back trial, with its citation.

    Raises
    ------
    ValueError
        If the name is not one of :data:`STRATA`.
    """
    found = stratum(name)
    return f"{found.label.capitalize()}: {found.offer} {found.citation}."


def recommendations() -> tuple[Recommendation, ...]:
    """Guideline recommendations on risk stratification, quoted word for word."""
    return tool().recommendations


def citation_keys() -> tuple[str, ...]:
    """Every citation key the tool's data uses, without repeats."""
    data = tool()
    keys = [*data.sources, *(key for item in data.strata.values() for key in item.sources), *data.trial_sources,
            *data.replication_sources, *(item.guideline for item in data.recommendations)]
    return tuple(dict.fromkeys(keys))


@references.shows(citation_keys)
def strata_table() -> MarkdownText:
    """The three strata as a Markdown table: rule and what each was offered in the trial, with citations."""
    rows = [f"| {item.label} | {item.rule} | {item.offer} {item.citation} |" for item in tool().strata.values()]
    header = wording.phrases(WORDS, "strata_header")
    return MarkdownText("\n".join([f"| {' | '.join(header)} |", f"|{'---|' * len(header)}", *rows]))


@references.shows(citation_keys)
def trial_result() -> MarkdownText:
    """The STarT Back trial's main result with its citation, then a later trial in a collapsed section."""
    data = tool()
    return MarkdownText("\n\n".join([
        f"{data.trial_finding} {references.cite(*data.trial_sources)}",
        f"<details><summary>{wording.phrase(WORDS, 'replication_summary')}</summary>",
        f"{data.replication_finding} {references.cite(*data.replication_sources)}", "</details>"]))


@references.shows(citation_keys)
def guidance() -> MarkdownText:
    """The recommendations on stratification in one line, then each quoted word for word in a collapsed section."""
    recs = recommendations()
    numbers: dict[str, list[str]] = {}
    for item in recs:
        numbers.setdefault(references.get(item.guideline).short(), []).append(item.number)
    where = "; ".join(f"{guideline}, {' and '.join(found)}" for guideline, found in numbers.items())
    strengths = " and ".join(dict.fromkeys(f"*{item.strength}*" for item in recs))
    return MarkdownText("\n".join([
        wording.phrase(WORDS, "guidance_brief", where=where, strengths=strengths), "",
        f"<details><summary>{wording.phrase(WORDS, 'guidance_summary')}</summary>", "",
        *(f"- {item.markdown()}" for item in recs), "", "</details>"]))


@references.shows(citation_keys)
def items_markdown() -> MarkdownText:
    """The nine items by domain, the subscale marked, with the attribution and the official form."""
    data = tool()
    lines = [f"{item.number}. "
             + (wording.phrase(WORDS, "distress_item", domain=item.domain) if item.distress else item.domain)
             for item in data.items]
    return MarkdownText("\n".join([*lines, "", wording.phrase(WORDS, "official_form", attribution=data.attribution,
                                                                url=data.official_form,
                                                                citation=references.cite(*data.sources))]))
