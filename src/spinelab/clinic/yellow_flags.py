"""Yellow flags: psychosocial risk factors for persistent disability in low back pain, with the evidence behind them.

Red flags (:mod:`spinelab.clinic.red_flags`) raise suspicion of serious pathology; yellow flags raise the risk of
long-term pain, disability and work loss (Kendall et al. 1997) and can be addressed within a physical therapist's
own care (Nicholas et al. 2011). Two bodies of evidence sit beside the flags: the predictors of persistent disabling
low back pain as likelihood ratios (Chou & Shekelle 2010), and how common degenerative imaging findings are in
people *without* back pain (Brinjikji et al. 2015), which is why tissue findings predict so little. A worked
example (:func:`worked_example`) explains guarding and pain to the worried warehouse worker of
``data/vignettes.toml``, each sentence with the evidence behind it; its safety-netting advice is the red-flag
triage's own (:func:`spinelab.clinic.red_flags.level`); :func:`education_guidance` quotes the guidelines on
education and reassurance from ``data/treatments.toml``; :func:`recurrence_talk` puts the recurrence cohort of
:mod:`spinelab.multifidus.studies` into words for a patient (its figures are drawn by
:func:`spinelab.multifidus.evidence_figures.cohort_recurrence_panel`).

Everything is read from ``data/yellow_flags.toml`` on first use, validated against
``schemas/yellow_flags.schema.json``; this module checks what a schema cannot (citation keys, unique flag names,
each median inside its range). The words around the data (table headers, collapsed-section titles, the worked
example's opening line) are the ``[yellow_flags]`` phrases of ``data/wording.toml`` (:mod:`spinelab.course.wording`).
Pure Python: it returns values and :class:`~spinelab.course.text.MarkdownText`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from spinelab.clinic import case_study, red_flags
from spinelab.course import datafile, references, wording
from spinelab.course.text import MarkdownText
from spinelab.guarding import treatments
from spinelab.multifidus import studies

DATA_FILE = "data/yellow_flags.toml"
#: The table of ``data/wording.toml`` with this module's phrases.
WORDS = "yellow_flags"

#: Which way a predictor's likelihood ratio points for the review's one outcome, persistent disabling low back pain
#: at 1 year: above 1 towards it, below 1 away from it (towards recovery).
OUTCOMES = ("persistent disabling pain", "recovery")


@dataclass(frozen=True)
class Statement:
    """A sentence the course teaches, with its sources."""

    text: str
    sources: tuple[str, ...]

    def markdown(self) -> MarkdownText:
        """The sentence followed by its citation."""
        return MarkdownText(f"{self.text} {references.cite(*self.sources)}")


@dataclass(frozen=True)
class YellowFlag:
    """One yellow flag: what it is, what a patient might say, and its sources.

    Attributes
    ----------
    name : str
        Short name, e.g. ``"fear-avoidance"``.
    kind : str
        ``"psychological"`` or ``"work"``.
    description : str
        What the flag is, in the source's terms.
    listen_for : str
        An illustrative thing a patient might say (written by the course).
    sources : tuple of str
        Citation keys.
    """

    name: str
    kind: str
    description: str
    listen_for: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Predictor:
    """One predictor: its median likelihood ratio across studies, and range, for persistent disabling pain at 1 year.

    ``predicts`` says which way the ratio points (one of :data:`OUTCOMES`). The ratios are kept as printed in the
    review (``"3.0"``, ``"0.40"``); :attr:`median` gives the number.
    """

    name: str
    predicts: str
    median_lr: str
    low: str
    high: str

    @property
    def median(self) -> float:
        """The median likelihood ratio as a number."""
        return float(self.median_lr)


@dataclass(frozen=True)
class ImagingFinding:
    """A degenerative imaging finding and its prevalence (%) in people without back pain at 20 and 80 years."""

    finding: str
    at_20: int
    at_80: int


@dataclass(frozen=True)
class Explanation:
    """One step of the worked example: what the therapist says, the evidence behind it, and its sources."""

    say: str
    why: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class YellowFlagData:
    """Everything read from the data file."""

    definition: Statement
    contrast: Statement
    targeting: Statement
    reassurance: Statement
    flags: tuple[YellowFlag, ...]
    predictors: tuple[Predictor, ...]
    predictor_population: str
    predictor_outcome: str
    predictor_reading: str
    less_useful: Statement
    imaging: tuple[ImagingFinding, ...]
    imaging_population: str
    imaging_conclusion: Statement
    explanations: tuple[Explanation, ...]


def load(text: str, source: str = DATA_FILE) -> YellowFlagData:
    """Parse yellow-flag TOML text, validated against ``yellow_flags.schema.json``.

    Raises
    ------
    ValueError
        Naming the file, the entry and the field at fault: the schema's rules, citation keys that must resolve,
        flag names that must be unique (ignoring case), and a median likelihood ratio outside its range.
    """
    return _parsed(datafile.parse(text, "yellow_flags", source), source)


def _statement(row: dict, where: str, text_field: str = "text") -> Statement:
    return Statement(row[text_field], references.require(row["sources"], f"{where}: field 'sources'"))


def _parsed(data: dict, source: str) -> YellowFlagData:
    flags: list[YellowFlag] = []
    for number, row in enumerate(data["flag"]):
        where = f"{source}: {datafile.entry('flag', number, row)}"
        if any(item.name.casefold() == row["name"].casefold() for item in flags):
            raise ValueError(f"{where}: field 'name' repeats an earlier flag")
        keys = references.require(row["sources"], f"{where}: field 'sources'")
        flags.append(YellowFlag(row["name"], row["kind"], row["description"], row["listen_for"], keys))
    predictors = []
    for number, row in enumerate(data["predictor"]):
        if not float(row["low"]) <= float(row["median_lr"]) <= float(row["high"]):
            raise ValueError(f"{source}: {datafile.entry('predictor', number, row)}: field 'median_lr' must lie "
                             f"between 'low' ({row['low']}) and 'high' ({row['high']}); got {row['median_lr']}")
        predictors.append(Predictor(row["name"], row["predicts"], row["median_lr"], row["low"], row["high"]))
    about, imaging = data["predictors"], data["imaging_source"]
    return YellowFlagData(
        _statement(data["definition"], f"{source}: definition"), _statement(data["contrast"], f"{source}: contrast"),
        _statement(data["targeting"], f"{source}: targeting"),
        _statement(data["reassurance"], f"{source}: reassurance"), tuple(flags), tuple(predictors), about["population"],
        about["outcome"], about["reading"],
        _statement(about, f"{source}: predictors", "less_useful"),
        tuple(ImagingFinding(row["finding"], row["at_20"], row["at_80"]) for row in data["imaging"]),
        imaging["population"], _statement(imaging, f"{source}: imaging_source", "conclusion"),
        tuple(Explanation(row["say"], row["why"], references.require(
            row["sources"], f"{source}: {datafile.entry('explanation', number)}: field 'sources'"))
              for number, row in enumerate(data["explanation"])))


@cache
def data() -> YellowFlagData:
    """The course's yellow-flag data, read from ``data/yellow_flags.toml`` on first use."""
    return _parsed(datafile.load("yellow_flags"), DATA_FILE)


def flags() -> tuple[YellowFlag, ...]:
    """The yellow flags the course teaches, in the data file's order."""
    return data().flags


def flag(name: str) -> YellowFlag:
    """The yellow flag with this name (case-insensitive).

    Raises
    ------
    ValueError
        If the name is not one of the flags; the message lists them.
    """
    key = str(name).strip().casefold()
    for item in flags():
        if item.name.casefold() == key:
            return item
    raise ValueError(f"flag must be one of {', '.join(item.name for item in flags())}; got {name!r}")


def predictors(predicts: str | None = None) -> tuple[Predictor, ...]:
    """The predictors, or only those pointing one way (one of :data:`OUTCOMES`).

    Raises
    ------
    ValueError
        If ``predicts`` is not None or one of :data:`OUTCOMES`.
    """
    if predicts is not None and predicts not in OUTCOMES:
        raise ValueError(f"predicts must be one of {', '.join(OUTCOMES)}; got {predicts!r}")
    return tuple(item for item in data().predictors if predicts is None or item.predicts == predicts)


def imaging_findings() -> tuple[ImagingFinding, ...]:
    """Degenerative imaging findings and their prevalence in people without back pain."""
    return data().imaging


def citation_keys() -> tuple[str, ...]:
    """Every citation key the yellow-flag data uses, without repeats."""
    found = data()
    statements = (found.definition, found.contrast, found.targeting, found.reassurance, found.less_useful,
                  found.imaging_conclusion)
    keys = [*(key for item in statements for key in item.sources),
            *(key for item in (*found.flags, *found.explanations) for key in item.sources)]
    return tuple(dict.fromkeys(keys))


@references.shows(citation_keys)
def flags_table() -> MarkdownText:
    """The flags as a Markdown table: name, what it is, what a patient might say, and sources."""
    rows = [f"| **{item.name}** | {item.description} | {item.listen_for} | {references.cite(*item.sources)} |"
            for item in flags()]
    return MarkdownText("\n".join([*_header(wording.phrases(WORDS, "flags_header")), *rows]))


def _header(columns: list[str]) -> list[str]:
    """A Markdown table's header row and rule."""
    return [f"| {' | '.join(columns)} |", f"|{'---|' * len(columns)}"]


@references.shows(citation_keys)
def predictors_table() -> MarkdownText:
    """The predictors as a Markdown table: the one outcome every likelihood ratio is for, how to read a ratio above
    and below 1, then each finding with the way its ratio points, its median and range, and what was less useful."""
    found = data()
    rows = [f"| {item.name} | {item.predicts} | {item.median_lr} "
            f"| {wording.phrase(WORDS, 'ratio_range', low=item.low, high=item.high)} |" for item in found.predictors]
    intro = wording.phrase(WORDS, "predictors_intro", outcome=found.predictor_outcome,
                           population=found.predictor_population,
                           citation=references.cite(*found.less_useful.sources))
    return MarkdownText("\n".join([
        f"{intro} {found.predictor_reading}", "",
        *_header(wording.phrases(WORDS, "predictors_header", outcome=found.predictor_outcome)),
        *rows, "", found.less_useful.text]))


@references.shows(citation_keys)
def imaging_table() -> MarkdownText:
    """The review's conclusion on degenerative imaging findings in people without back pain, then their prevalence
    at 20 and 80 years as a Markdown table in a collapsed section (the figure beside it shows the same numbers)."""
    found = data()
    rows = [f"| {item.finding} | {item.at_20} % | {item.at_80} % |" for item in found.imaging]
    return MarkdownText("\n".join([
        found.imaging_conclusion.markdown(), "",
        f"<details><summary>{wording.phrase(WORDS, 'imaging_summary')}</summary>", "",
        wording.phrase(WORDS, "imaging_intro", population=found.imaging_population), "",
        *_header(wording.phrases(WORDS, "imaging_header")), *rows, "", "</details>"]))


@references.shows(citation_keys)
def summary() -> MarkdownText:
    """What yellow flags are and how they differ from red flags; what targeting them achieves in a collapsed section."""
    found = data()
    return MarkdownText("\n\n".join([found.definition.markdown(), found.contrast.markdown(),
                                       f"<details><summary>{wording.phrase(WORDS, 'targeting_summary')}</summary>",
                                       found.targeting.markdown(), "</details>"]))


#: The patient of the worked example (an id of ``data/vignettes.toml``).
WORKED_PATIENT = "warehouse"


def explanations() -> tuple[Explanation, ...]:
    """The steps of the worked example, in order."""
    return data().explanations


@references.shows(lambda: (*(key for step in explanations() for key in step.sources),
                           *red_flags.level(red_flags.NONE).sources))
def worked_example() -> MarkdownText:
    """Explaining guarding and pain to the worried warehouse worker: what to say, with the evidence collapsed below.

    The safety-netting advice read out in the first step is the red-flag triage's own for a clear screen.
    """
    patient = case_study.vignette(WORKED_PATIENT)
    clear = red_flags.level(red_flags.NONE)
    flags = (wording.phrase(WORDS, "red_flags_found", flags="; ".join(patient.red_flags)) if patient.red_flags
             else wording.phrase(WORDS, "no_red_flags"))
    lines = [wording.phrase(WORDS, "worked_patient", title=patient.title, red_flags=flags), ""]
    steps = explanations()
    lines += [f"{number}. *“{step.say}”* {references.cite(*step.sources)}" for number, step in enumerate(steps, 1)]
    lines += ["", f"<details><summary>{wording.phrase(WORDS, 'evidence_summary')}</summary>", "",
              *(f"{number}. {step.why}" for number, step in enumerate(steps, 1)), "", "</details>", "",
              f"<details><summary>{wording.phrase(WORDS, 'safety_netting_summary')}</summary>", "",
              f"{clear.safety_netting} {references.cite(*clear.sources)}", "", "</details>"]
    return MarkdownText("\n".join(lines))


#: The recurrence cohort of ``data/studies.toml`` whose figures :func:`recurrence_talk` puts into words.
RECURRENCE_KEY = "dasilva2019"


@references.shows(lambda: (RECURRENCE_KEY,))
def recurrence_talk() -> MarkdownText:
    """What to tell a patient about recurrence, after the cohort's figures.

    The figures are drawn by :func:`spinelab.multifidus.evidence_figures.cohort_recurrence_panel`; this gives the
    median time to a recurrence, then the words.
    """
    median = studies.value(f"{RECURRENCE_KEY}_median_days")
    return MarkdownText(wording.phrase(WORDS, "recurrence", days=f"{median.value:g}",
                                       citation=references.cite(RECURRENCE_KEY)))


#: The topic of ``data/treatments.toml`` whose recommendations :func:`education_guidance` quotes.
EDUCATION_TOPIC = "education and reassurance"


@references.shows(lambda: (*(item.guideline for item in treatments.recommendations() if EDUCATION_TOPIC in item.topics),
                           *data().reassurance.sources))
def education_guidance() -> MarkdownText:
    """Guideline recommendations on education and reassurance, quoted word for word, and what the advice contains."""
    quoted = [f"- {item.markdown()}" for item in treatments.recommendations() if EDUCATION_TOPIC in item.topics]
    return MarkdownText("\n".join([*quoted, "", data().reassurance.markdown()]))
