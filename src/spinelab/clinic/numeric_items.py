"""Parameterised numeric items: numbers drawn per student and attempt, graded by a formula (no widgets).

Each item of ``data/numeric_items.toml`` (format: ``schemas/numeric_items.schema.json``) is a template: a stem with
``{placeholders}``, the variables drawn into it, the id of its formula in :data:`FORMULAS`, a tolerance, a unit,
the sources of the method, the notebook it belongs to, its Bloom level and the misconceptions it recognises. A
variable is drawn uniformly from the grid ``min, min + 10**-decimals, ..., max``, the way Moodle's calculated
questions draw a dataset.

A misconception (an id of :data:`MISCONCEPTIONS`: a wrong method and the value it gives) is named in the item's data
with its feedback; each draw computes its value and hands it to the question's ``wrong_answers``, so a student who
used that method is told which mistake their answer matches. A draw is kept only if the item can tell the method
from every named misconception (no misconception value within the tolerance of the answer) and meets its formula's
requirement (the treated rate below the control rate for ARR and NNT); otherwise the same generator draws again, so
the kept draws stay uniform on the remaining grid and as reproducible as before.

:meth:`Template.draw` seeds the draw with the item id, the student's id and the attempt number, so a student sees the
same numbers again for the same attempt (and a notebook's stored output stays the same), another student or attempt
other numbers. The formulas and misconceptions live in :mod:`spinelab.clinic.numeric_formulas`.

::

    >>> item = template("nnt-from-event-rates")
    >>> item.answer({"control": 75, "treated": 35})
    3.0
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from spinelab.clinic.numeric_formulas import FORMULAS, MISCONCEPTIONS, Formula, Misconception
from spinelab.course import datafile, quiz, references
from spinelab.course.validation import check_integer, check_number, check_text

__all__ = ["FORMULAS", "MISCONCEPTIONS", "Draw", "Formula", "Misconception", "NamedMisconception", "Template",
           "Variable", "answer_decimals", "draw_values", "for_notebook", "parse", "template", "templates"]

DATA_FILE = "data/numeric_items.toml"
#: Draws tried before an item whose ranges leave (almost) nothing to ask is reported as a data error.
MAX_DRAWS = 1000
_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9]*)\}")


@dataclass(frozen=True)
class NamedMisconception:
    """A misconception as one item names it: the wrong method, its name and the feedback a student sees."""

    misconception: Misconception
    name: str
    feedback: str


@dataclass(frozen=True)
class Variable:
    """A number drawn into a stem: uniform on the grid from :attr:`low` to :attr:`high` in steps of 10**-decimals."""

    name: str
    label: str
    unit: str
    low: float
    high: float
    decimals: int

    @property
    def steps(self) -> int:
        """How many values the grid holds."""
        return round((self.high - self.low) * 10 ** self.decimals) + 1

    def value(self, step: int) -> float:
        """The grid's value number ``step`` (from 0)."""
        return round(self.low + step / 10 ** self.decimals, self.decimals)

    def check(self, value: object) -> float:
        """``value`` as a float if it is on the grid; else ``ValueError`` naming the variable and its range.

        Raises
        ------
        ValueError
            If ``value`` is not a number from :attr:`low` to :attr:`high` with at most :attr:`decimals` decimals.
        """
        number = check_number(self.name, value, self.low, self.high)
        if abs(round(number, self.decimals) - number) > 1e-9:
            raise ValueError(f"{self.name} must be a number in [{self.text(self.low)}, {self.text(self.high)}] "
                             f"with at most {self.decimals} decimal(s); got {value!r}")
        return round(number, self.decimals)

    def text(self, value: float) -> str:
        """The value as a stem shows it, with the variable's decimals."""
        return f"{value:.{self.decimals}f}"


@dataclass(frozen=True)
class Template:
    """A parameterised numeric item (see the module docstring)."""

    id: str
    notebook: str
    title: str
    bloom: str
    formula: Formula
    stem: str
    unit: str
    tolerance: float
    method: str
    citations: tuple[str, ...]
    variables: tuple[Variable, ...]
    misconceptions: tuple[NamedMisconception, ...] = ()

    def variable(self, name: str) -> Variable:
        """The variable with this name."""
        for variable in self.variables:
            if variable.name == name:
                return variable
        raise KeyError(f"item {self.id!r} has no variable {name!r}; it has {', '.join(self.names)}")

    @property
    def names(self) -> tuple[str, ...]:
        """The variables' names, in file order."""
        return tuple(variable.name for variable in self.variables)

    def check_values(self, values: Mapping[str, object]) -> dict[str, float]:
        """The values of every variable, checked against its range and grid.

        Raises
        ------
        ValueError
            Naming the missing or unknown variable, the variable out of its range (with the range), or the
            formula's requirement the values do not meet.
        """
        if not isinstance(values, Mapping):
            raise ValueError(f"values must be a mapping of {', '.join(self.names)} to numbers; got {values!r}")
        unknown = sorted(set(values) - set(self.names))
        if unknown:
            raise ValueError(f"item {self.id!r} has no variable {unknown[0]!r}; it has {', '.join(self.names)}")
        missing = [name for name in self.names if name not in values]
        if missing:
            raise ValueError(f"item {self.id!r}: variable {missing[0]!r} is missing")
        checked = {variable.name: variable.check(values[variable.name]) for variable in self.variables}
        requires = self.formula.requires
        if requires is not None and not requires(checked):
            got = ", ".join(f"{name} = {self.variable(name).text(value)}" for name, value in checked.items())
            raise ValueError(f"item {self.id!r}: {self.formula.requirement}; got {got}")
        return checked

    def answer(self, values: Mapping[str, object]) -> float:
        """The correct answer for these values, by the item's formula (see :meth:`check_values` for errors)."""
        return float(self.formula.compute(self.check_values(values)))

    def wrong_answers(self, values: Mapping[str, object]) -> tuple[quiz.WrongAnswer, ...]:
        """The value each named misconception gives for these values, with its feedback (see :meth:`check_values`
        for errors); a value within the tolerance of the answer is left out, since it would grade correct."""
        checked = self.check_values(values)
        key = self.formula.compute(checked)
        wrong = ((float(named.misconception.compute(checked)), named) for named in self.misconceptions)
        return tuple(quiz.WrongAnswer(value, named.feedback, named.name) for value, named in wrong
                     if abs(value - key) > self.tolerance)

    def admits(self, values: Mapping[str, float]) -> bool:
        """Whether a draw of values on the grid can be asked: it meets the formula's requirement and tells the
        answer from every named misconception (none within the tolerance of the answer)."""
        requires = self.formula.requires
        if requires is not None and not requires(values):
            return False
        return len(self.wrong_answers(values)) == len(self.misconceptions)

    def stem_text(self, values: Mapping[str, object]) -> str:
        """The stem with each placeholder replaced by its value (Markdown)."""
        checked = self.check_values(values)
        return _PLACEHOLDER.sub(lambda match: self.variable(match[1]).text(checked[match[1]]), self.stem)

    def draw(self, student: str = "", attempt: int = 0) -> Draw:
        """The numbers of one student's attempt: the same for the same student and attempt, on any computer.

        Raises
        ------
        ValueError
            Naming ``student`` if it is not text, or ``attempt`` if it is not a whole number from 0 to 10**9.
        """
        student = check_text("student", student)
        attempt = check_integer("attempt", attempt, 0, 10 ** 9)
        return Draw(self, draw_values(self, f"{self.id}|{student}|{attempt}"), student, attempt)

    def question(self, values: Mapping[str, object]) -> quiz.Question:
        """The item with these numbers as a numeric self-check question (graded as every numeric question is)."""
        return quiz.Question(id=self.id, kind="numeric", prompt=self.stem_text(values), explanation=self.method,
                             citations=self.citations, answer=self.answer(values), tolerance=self.tolerance,
                             unit=self.unit, wrong_answers=self.wrong_answers(values))

    def grade(self, values: Mapping[str, object], response: str | float | None) -> tuple[bool | None, str]:
        """Grade a response for these values: ``(correct, feedback)``; ``correct`` is None when it is no number."""
        return self.question(values).grade_numeric(response)


def draw_values(item: Template, seed: str) -> dict[str, float]:
    """Values for every variable of ``item``, drawn uniformly on each grid from a text seed, drawn again until
    :meth:`Template.admits` them.

    Raises
    ------
    ValueError
        Naming the item if :data:`MAX_DRAWS` draws in a row are not admitted (its ranges leave too little).
    """
    generator = random.Random(int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest()[:8], "big"))
    for _ in range(MAX_DRAWS):
        values = {variable.name: variable.value(generator.randrange(variable.steps)) for variable in item.variables}
        if item.admits(values):
            return values
    raise ValueError(f"item {item.id!r}: none of {MAX_DRAWS} draws meets the formula's requirement and tells the "
                     "answer from every named misconception; widen the variables' ranges")


@dataclass(frozen=True)
class Draw:
    """One student's numbers for one attempt at an item."""

    template: Template
    values: dict[str, float]
    student: str
    attempt: int

    @property
    def stem(self) -> str:
        """The stem with this draw's numbers."""
        return self.template.stem_text(self.values)

    @property
    def answer(self) -> float:
        """The correct answer for this draw."""
        return self.template.answer(self.values)

    @property
    def question(self) -> quiz.Question:
        """This draw as a numeric self-check question."""
        return self.template.question(self.values)

    def grade(self, response: str | float | None) -> tuple[bool | None, str]:
        """Grade a response (see :meth:`Template.grade`)."""
        return self.template.grade(self.values, response)


def parse(text: str, source: str = DATA_FILE) -> tuple[Template, ...]:
    """Parse numeric-item TOML, validated against ``numeric_items.schema.json`` and the checks below.

    Raises
    ------
    ValueError
        Naming the file, the item and the field at fault: the schema's rules, a repeated id, an unknown formula,
        variables other than the formula's, a stem placeholder without a variable (or a variable not in the stem),
        ``min`` not below ``max``, an unknown notebook, a citation key that does not resolve, or a misconception
        that is unknown, named twice or made for another formula.
    """
    return _templates(datafile.parse(text, "numeric_items", source), source)


def _templates(data: dict, source: str) -> tuple[Template, ...]:
    items, seen = [], set()
    for index, row in enumerate(data["item"]):
        where = f"{source}: {datafile.entry('item', index, row)}"
        if row["id"] in seen:
            raise ValueError(f"{where}: field 'id': the id is used twice")
        seen.add(row["id"])
        items.append(_template(row, where))
    return tuple(items)


def _template(row: dict, where: str) -> Template:
    formula = FORMULAS.get(row["formula"])
    if formula is None:
        raise ValueError(f"{where}: field 'formula' must be one of {', '.join(FORMULAS)}; got {row['formula']!r}")
    variables = tuple(Variable(v["name"], v["label"], v["unit"], float(v["min"]), float(v["max"]), v["decimals"])
                      for v in row["variable"])
    names = [variable.name for variable in variables]
    if sorted(names) != sorted(formula.variables):
        raise ValueError(f"{where}: field 'variable': formula {formula.id!r} needs the variables "
                         f"{', '.join(formula.variables)}; got {', '.join(names)}")
    for variable in variables:
        if not variable.low < variable.high:
            raise ValueError(f"{where}: variable {variable.name!r}: field 'min' ({variable.low:g}) must be below "
                             f"field 'max' ({variable.high:g})")
    placeholders = set(_PLACEHOLDER.findall(row["stem"]))
    if placeholders != set(names):
        odd = sorted(placeholders ^ set(names))[0]
        raise ValueError(f"{where}: field 'stem': every placeholder must be a variable and every variable in the "
                         f"stem; {odd!r} is not")
    if row["notebook"] not in quiz.available():
        raise ValueError(f"{where}: field 'notebook' must be one of {', '.join(quiz.available())}; "
                         f"got {row['notebook']!r}")
    citations = references.require(row["citations"], f"{where}: field 'citations'")
    return Template(row["id"], row["notebook"], row["title"], row["bloom"], formula, row["stem"], row["unit"],
                    float(row["tolerance"]), row["method"], citations, variables,
                    _misconceptions(row.get("misconception", []), formula, where))


def _misconceptions(rows: list[dict], formula: Formula, where: str) -> tuple[NamedMisconception, ...]:
    named: list[NamedMisconception] = []
    for index, row in enumerate(rows, start=1):
        misconception = MISCONCEPTIONS.get(row["formula"])
        allowed = [m.id for m in MISCONCEPTIONS.values() if formula.id in m.formulas]
        if misconception is None or formula.id not in misconception.formulas:
            raise ValueError(f"{where}: misconception {index}: field 'formula' must be one of "
                             f"{', '.join(allowed) or 'none (no misconception is known for this formula)'}; "
                             f"got {row['formula']!r}")
        if any(other.misconception is misconception for other in named):
            raise ValueError(f"{where}: misconception {index}: field 'formula': {row['formula']!r} is named twice")
        named.append(NamedMisconception(misconception, row["name"], row["feedback"]))
    return tuple(named)


@cache
def templates() -> tuple[Template, ...]:
    """Every numeric item of the course, read from ``data/numeric_items.toml`` on first use."""
    return _templates(datafile.load("numeric_items"), DATA_FILE)


def template(item_id: str) -> Template:
    """The item with this id.

    Raises
    ------
    ValueError
        If no item has this id; the message lists the ids.
    """
    for item in templates():
        if item.id == item_id:
            return item
    raise ValueError(f"item_id must be one of {', '.join(item.id for item in templates())}; got {item_id!r}")


def for_notebook(name: str) -> tuple[Template, ...]:
    """The numeric items that belong to a notebook, in file order (none for most notebooks)."""
    return tuple(item for item in templates() if item.notebook == name)


def answer_decimals(item: Template) -> int:
    """Decimals an LMS shows the answer with: enough for the tolerance, at least the formula's."""
    if item.tolerance <= 0:
        return item.formula.decimals
    return max(item.formula.decimals, max(0, -math.floor(math.log10(item.tolerance))))
