"""The multifidus studies of notebook 03, as validated data.

``data/studies.toml`` holds, for each study, what it did and found in plain
words (with its limits, and an instructor-facing ``verified`` note on where it
was read), and every number the course uses from it. Each number carries its citation key, how it was obtained
(:data:`HOW_OBTAINED`) and the sentence it was read from, so a plotted point
can always be traced back to its source. ``schemas/studies.schema.json`` states
the fields, allowed values and ranges; this module checks what a schema cannot:
citation keys that resolve, a confidence interval that contains its value, a
period that runs forwards and unique value ids.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from spinelab.course import datafile, references
from spinelab.course.text import MarkdownText
from spinelab.course.validation import check_text

#: The two ways a number may have been obtained.
HOW_OBTAINED = ("reported in the text/abstract", "read off a published figure, approximate")

#: The groups of the Hides et al. trials, spelled as in :data:`spinelab.course.style.GROUP_COLOURS`.
GROUPS = ("control", "specific exercise")

DATA_FILE = "data/studies.toml"


@dataclass(frozen=True)
class Study:
    """One study: design, participants, what was measured and found, its limits, and where it was checked."""

    key: str
    title: str
    design: str
    participants: str
    measured: str
    found: str
    limits: str
    verified: str
    how: str

    def describe(self) -> str:
        """A few plain sentences in Markdown, ending with the citation."""
        return (
            f"**{self.title}** {references.cite(self.key)}\n\n"
            f"- *Design:* {self.design}\n- *Who:* {self.participants}\n- *Measured:* {self.measured}\n"
            f"- *Found:* {self.found}\n- *Limits:* {self.limits}"
        )


@dataclass(frozen=True)
class Value:
    """One number from a study, with its provenance.

    ``period`` is the time the value refers to (start, end) in ``time_unit``
    (start == end for a single follow-up); it is None for values without a time
    (such as a sample size). ``ci`` is the reported 95 % confidence interval,
    ``group`` the trial arm or cohort, ``note`` what a reader of the number must know.
    """

    id: str
    study: str
    quantity: str
    value: float
    unit: str
    how: str
    quote: str
    verified: str
    group: str | None = None
    period: tuple[float, float] | None = None
    time_unit: str | None = None
    ci: tuple[float, float] | None = None
    note: str | None = None

    @property
    def proportion(self) -> float:
        """The value as a proportion in [0, 1] (for values in %)."""
        if self.unit != "%":
            raise ValueError(f"value {self.id!r} is in {self.unit!r}, not %")
        return self.value / 100.0

    def provenance(self) -> str:
        """Citation and how the number was obtained, for captions and printouts."""
        return f"{references.cite(self.study)}, {self.how}"


def _value(row: dict, where: str) -> Value:
    references.require(row["study"], f"{where}: field 'study'")
    number = row["value"]
    if not math.isfinite(number):
        raise ValueError(f"{where}: field 'value' must be a finite number; got {number!r}")
    ci = row.get("ci")
    if ci is not None and not ci[0] <= number <= ci[1]:
        raise ValueError(f"{where}: field 'ci' must be [low, high] with low <= value ({number:g}) <= high; got {ci!r}")
    period = row.get("period")
    if period is not None and period[0] > period[1]:
        raise ValueError(f"{where}: field 'period' must be [start, end] with start <= end; got {period!r}")
    return Value(**{**row, "value": float(number),
                    "ci": None if ci is None else (float(ci[0]), float(ci[1])),
                    "period": None if period is None else (float(period[0]), float(period[1]))})


@dataclass(frozen=True)
class StudyData:
    """All studies and values of the data file."""

    studies: dict[str, Study]
    values: tuple[Value, ...]


def parse(text: str, source: str = DATA_FILE) -> StudyData:
    """Parse study TOML text, validated against ``studies.schema.json``.

    Raises
    ------
    ValueError
        Naming the file, the study or value and the field at fault.
    """
    return _study_data(datafile.parse(text, "studies", source), source)


def _study_data(data: dict, source: str) -> StudyData:
    studies = {}
    for key, row in data.get("study", {}).items():
        studies[key] = Study(key=references.require(key, f"{source}: {datafile.entry('study', key)}")[0], **row)
    values = tuple(_value(row, f"{source}: {datafile.entry('value', number, row)}")
                   for number, row in enumerate(data.get("value", [])))
    ids = [value.id for value in values]
    duplicates = sorted({value_id for value_id in ids if ids.count(value_id) > 1})
    if duplicates:
        raise ValueError(f"{source}: duplicate value id(s): {', '.join(duplicates)}")
    return StudyData(studies=studies, values=values)


@cache
def load() -> StudyData:
    """The studies shipped with the package (``data/studies.toml``)."""
    return _study_data(datafile.load("studies"), DATA_FILE)


def study(key: str) -> Study:
    """One study by citation key, e.g. ``study("hides1996")``."""
    found = load().studies
    if check_text("key", key) not in found:
        raise ValueError(f"key must be one of {', '.join(found)}; got {key!r}")
    return found[key]


def value(value_id: str) -> Value:
    """One value by id, e.g. ``value("hides2001_recurrence_1y_control")``."""
    for item in load().values:
        if item.id == value_id:
            return item
    raise ValueError(f"value_id must be one of {', '.join(v.id for v in load().values)}; got {value_id!r}")


def values(study_key: str | None = None, quantity: str | None = None, group: str | None = None) -> list[Value]:
    """The values matching every filter given (None matches anything)."""
    return [
        item for item in load().values
        if (study_key is None or item.study == study_key)
        and (quantity is None or item.quantity == quantity)
        and (group is None or item.group == group)
    ]


def reported_recurrence(group: str) -> tuple[Value, Value]:
    """Hides et al. 2001: the group's recurrence at the one-year and the two-to-three-year follow-up, in time order."""
    if group not in GROUPS:
        raise ValueError(f"group must be one of {GROUPS}; got {group!r}")
    found = sorted(values("hides2001", "recurrence", group), key=lambda item: item.period or (0.0, 0.0))
    if len(found) != 2:
        raise ValueError(f"expected two recurrence values for {group!r} in hides2001; found {len(found)}")
    return found[0], found[1]


def years_label(period: tuple[float, float]) -> str:
    """A reported time in years: (1, 1) -> "1 year", (2, 3) -> "2–3 years"."""
    start, end = period
    if start != end:
        return f"{start:g}–{end:g} years"
    return f"{start:g} year" + ("" if start == 1 else "s")


@references.shows(lambda study_key: (study_key,))
def table(study_key: str) -> str:
    """The numbers recorded for one study, one line each, with interval, citation and how each was obtained."""
    rows = values(study_key)
    if not rows:
        return f"{references.cite(study_key)}: no numbers recorded."
    lines = []
    for item in rows:
        context = [item.group] if item.group else []
        if item.period:
            start, end = item.period
            context.append(f"{item.time_unit}: {start:g}" + ("" if start == end else f"-{end:g}"))
        where = f" ({', '.join(context)})" if context else ""
        interval = f" (95 % CI {item.ci[0]:g}-{item.ci[1]:g})" if item.ci else ""
        lines.append(f"{item.quantity}{where}: {item.value:g} {item.unit}".rstrip() + interval
                     + f" - {item.provenance()}")
    return "\n".join(lines)


@references.shows(lambda *keys: keys)
def describe(*keys: str) -> MarkdownText:
    """Plain-language summaries of the given studies (all when no key is given)."""
    chosen = keys or tuple(load().studies)
    return MarkdownText("\n\n".join(study(key).describe() for key in chosen))
