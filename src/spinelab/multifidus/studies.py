"""The multifidus studies of notebook 03, as validated data.

``data/studies.toml`` holds, for each study, what it did and found in plain
words (with its limits, and an instructor-facing ``verified`` note on where it
was read), and every number the course uses from it. Each number carries its citation key, how it was obtained
(:data:`HOW_OBTAINED`) and the sentence it was read from, so a plotted point
can always be traced back to its source.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from IPython.display import Markdown

from spinelab.course import references

#: The two ways a number may have been obtained.
HOW_OBTAINED = ("reported in the text/abstract", "read off a published figure, approximate")

#: The groups of the Hides et al. trials, spelled as in :data:`spinelab.course.style.GROUP_COLOURS`.
GROUPS = ("control", "specific exercise")

_STUDY_FIELDS = ("title", "design", "participants", "measured", "found", "limits", "verified", "how")
_VALUE_FIELDS = ("id", "study", "quantity", "value", "unit", "how", "quote", "verified")


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


def _require(row: dict, fields: tuple[str, ...], where: str) -> None:
    # A unit may be empty (a P value has none); every other field needs content.
    missing = [field for field in fields if field not in row or (row[field] == "" and field != "unit")]
    if missing:
        raise ValueError(f"{where}: missing field(s) {', '.join(missing)}")


def _check_how(how: object, where: str) -> None:
    if how not in HOW_OBTAINED:
        raise ValueError(f"{where}: how must be one of {HOW_OBTAINED}; got {how!r}")


def _study(key: str, row: dict) -> Study:
    where = f"study {key!r}"
    _require(row, _STUDY_FIELDS, where)
    references.require(key, where)
    _check_how(row["how"], where)
    unknown = set(row) - set(_STUDY_FIELDS)
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    return Study(key=key, **{field: str(row[field]) for field in _STUDY_FIELDS})


def _value(row: dict, number: int) -> Value:
    where = f"value {row.get('id', number)!r}"
    _require(row, _VALUE_FIELDS, where)
    references.require(row["study"], where)
    _check_how(row["how"], where)
    number_value = row["value"]
    if isinstance(number_value, bool) or not isinstance(number_value, int | float) or not math.isfinite(number_value):
        raise ValueError(f"{where}: value must be a finite number; got {number_value!r}")
    if row["unit"] == "%" and not 0 <= number_value <= 100:
        raise ValueError(f"{where}: a percentage must lie in [0, 100]; got {number_value!r}")
    group = row.get("group")
    if group is not None and (not isinstance(group, str) or not group.strip()):
        raise ValueError(f"{where}: group must be a non-empty string; got {group!r}")
    ci = row.get("ci")
    if ci is not None:
        if len(ci) != 2 or not all(isinstance(x, int | float) for x in ci) or not ci[0] <= number_value <= ci[1]:
            raise ValueError(f"{where}: ci must be [low, high] with low <= value <= high; got {ci!r}")
        ci = (float(ci[0]), float(ci[1]))
    period = row.get("period")
    if period is not None:
        if len(period) != 2 or not 0 <= period[0] <= period[1] or "time_unit" not in row:
            raise ValueError(f"{where}: period must be [start, end] with 0 <= start <= end, and needs a time_unit")
        period = (float(period[0]), float(period[1]))
    unknown = set(row) - set(_VALUE_FIELDS) - {"group", "period", "time_unit", "ci", "note"}
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    return Value(
        id=str(row["id"]), study=str(row["study"]), quantity=str(row["quantity"]), value=float(number_value),
        unit=str(row["unit"]), how=str(row["how"]), quote=str(row["quote"]), verified=str(row["verified"]),
        group=group, period=period, time_unit=row.get("time_unit"), ci=ci, note=row.get("note"),
    )


@dataclass(frozen=True)
class StudyData:
    """All studies and values of the data file."""

    studies: dict[str, Study]
    values: tuple[Value, ...]


def parse(text: str) -> StudyData:
    """Parse and validate study TOML text.

    Raises
    ------
    ValueError
        Naming the study or value and the field at fault.
    """
    data = tomllib.loads(text)
    studies = {key: _study(key, row) for key, row in data.get("study", {}).items()}
    values = tuple(_value(row, number) for number, row in enumerate(data.get("value", []), start=1))
    ids = [value.id for value in values]
    duplicates = sorted({value_id for value_id in ids if ids.count(value_id) > 1})
    if duplicates:
        raise ValueError(f"duplicate value id(s): {', '.join(duplicates)}")
    return StudyData(studies=studies, values=values)


@cache
def load() -> StudyData:
    """The studies shipped with the package (``data/studies.toml``)."""
    return parse(resources.files("spinelab").joinpath("data/studies.toml").read_text(encoding="utf-8"))


def study(key: str) -> Study:
    """One study by citation key, e.g. ``study("hides1996")``."""
    found = load().studies
    if key not in found:
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


def describe(*keys: str) -> Markdown:
    """Plain-language summaries of the given studies (all when no key is given)."""
    chosen = keys or tuple(load().studies)
    return Markdown("\n\n".join(study(key).describe() for key in chosen))
