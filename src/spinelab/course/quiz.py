"""Self-check questions and exercises, defined as data (shown by :mod:`spinelab.course.selfcheck`).

Each notebook has a file ``data/selfcheck/<notebook>.toml`` holding its learning
objectives, its questions and its exercises (format: ``data/schemas/selfcheck.schema.json``).
A question is multiple choice, true/false, select-all or numeric; it names the
objectives it measures, may open with a short clinical vignette, and ends with an
explanation. Every incorrect choice names the misconception it reveals; a numeric
question may list common wrong values with their own feedback. Every question names
its level in Bloom's revised taxonomy (``bloom``, one of :data:`BLOOM_LEVELS`), and
``novel_data`` marks one that gives a patient, table or abstract not in the notebook
to interpret. Keeping them as data
lets the instructor's guide list every answer without copying it.

This module is pure Python: it parses, checks and grades, and imports no widgets.
Choices are shown in an order shuffled with a seed taken from the question id
(:attr:`Question.shown_choices`), the same in every run; grading goes by the
choice itself, never by its position. The grading feedback's own words are in ``data/wording.toml`` ``[quiz]``.
"""

from __future__ import annotations

import math
import random
import tomllib
import zlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from spinelab.course import datafile, references, rubric, wording
from spinelab.course.rubric import RubricCriterion
from spinelab.course.validation import check_text

KINDS = ("multiple_choice", "true_false", "select_all", "numeric")
#: The kinds answered by choosing among choices; ``numeric`` is answered with a number.
CHOICE_KINDS = KINDS[:3]
#: Bloom's revised taxonomy, lowest level first: every question names its level in the field ``bloom``.
BLOOM_LEVELS = ("remember", "understand", "apply", "analyse", "evaluate", "create")
#: Every objective must be measured by at least this many questions.
MIN_QUESTIONS_PER_OBJECTIVE = 2


def _words(key: str, /, **values: object) -> str:
    return wording.phrase("quiz", key, **values)


@dataclass(frozen=True)
class Objective:
    """A learning objective of a notebook."""

    id: str
    text: str


@dataclass(frozen=True)
class Choice:
    """One answer option with the feedback shown when it is chosen; an incorrect one names its misconception."""

    text: str
    correct: bool
    feedback: str
    misconception: str | None = None


@dataclass(frozen=True)
class WrongAnswer:
    """A common wrong value of a numeric question, with its feedback and the misconception behind it."""

    value: float
    feedback: str
    misconception: str


@dataclass(frozen=True)
class Question:
    """A self-check question.

    Choice questions (:data:`CHOICE_KINDS`) have :attr:`choices`; numeric questions have
    :attr:`answer`, :attr:`tolerance`, :attr:`unit`, :attr:`correct_feedback` and
    :attr:`wrong_answers`.
    """

    id: str
    kind: str
    prompt: str
    explanation: str
    objectives: tuple[str, ...] = ()
    vignette: str | None = None
    choices: tuple[Choice, ...] = ()
    citations: tuple[str, ...] = ()
    answer: float | None = None
    tolerance: float | None = None
    unit: str = ""
    correct_feedback: str = ""
    wrong_answers: tuple[WrongAnswer, ...] = ()
    bloom: str = "remember"
    novel_data: bool = False

    @property
    def applies_or_higher(self) -> bool:
        """Whether the item asks for apply, analyse, evaluate or create rather than recall or understanding."""
        return BLOOM_LEVELS.index(self.bloom) >= BLOOM_LEVELS.index("apply")

    @property
    def correct_choices(self) -> tuple[Choice, ...]:
        """The correct choices, in file order (one for multiple choice and true/false)."""
        return tuple(choice for choice in self.choices if choice.correct)

    @property
    def shown_choices(self) -> tuple[Choice, ...]:
        """The choices in the order students see them.

        Shuffled with a seed taken from the question id, so the order is the same in
        every run and on every computer; true/false keeps "True" before "False".
        """
        if self.kind == "true_false":
            return tuple(sorted(self.choices, key=lambda choice: choice.text != "True"))
        order = list(self.choices)
        random.Random(zlib.crc32(self.id.encode("utf-8"))).shuffle(order)
        return tuple(order)

    def choice(self, text: str) -> Choice:
        """The choice with this text."""
        for choice in self.choices:
            if choice.text == text:
                return choice
        raise KeyError(f"question {self.id!r} has no choice {text!r}")

    def answer_text(self) -> str:
        """The correct answer in words: a choice, the correct set, or the value ± tolerance with its unit."""
        if self.kind == "numeric":
            unit = f" {self.unit}" if self.unit else ""
            return f"{self.answer:g}{unit} (± {self.tolerance:g}{unit})"
        return "; ".join(choice.text for choice in self.correct_choices)

    def grade_choices(self, chosen: Choice | Collection[Choice] | None) -> tuple[bool | None, str]:
        """Grade chosen choices: ``(correct, feedback)``; ``correct`` is None when nothing was chosen.

        Parameters
        ----------
        chosen : Choice, collection of Choice or None
            The choice (multiple choice, true/false) or the set of choices (select all) the student picked.
            A select-all answer is correct when the chosen set equals the set of correct choices.
        """
        if self.kind not in CHOICE_KINDS:
            raise ValueError(f"question {self.id!r} is {self.kind}: grade it with grade_numeric")
        picked = (chosen,) if isinstance(chosen, Choice) else tuple(chosen or ())
        unknown = [choice for choice in picked if choice not in self.choices]
        if unknown:
            raise ValueError(f"question {self.id!r} has no choice {unknown[0].text!r}")
        if not picked:
            return None, _words("choose_first" if self.kind != "select_all" else "tick_first")
        if self.kind != "select_all":
            if len(picked) > 1:
                raise ValueError(f"question {self.id!r} takes one choice; got {len(picked)}")
            return picked[0].correct, picked[0].feedback
        wrong = [choice for choice in picked if not choice.correct]
        missed = [choice for choice in self.correct_choices if choice not in picked]
        if not wrong and not missed:
            return True, " ".join(choice.feedback for choice in self.shown_choices if choice in picked)
        lines = [f"*{choice.text}*: {choice.feedback}" for choice in wrong]
        if missed:
            lines.append(_words("missed_many" if len(missed) > 1 else "missed_one", count=len(missed)))
        return False, "\n\n".join(lines)

    def grade_numeric(self, value: str | float | None) -> tuple[bool | None, str]:
        """Grade a numeric answer: ``(correct, feedback)``; ``correct`` is None when ``value`` is not a number.

        A value within :attr:`tolerance` of :attr:`answer` is correct; one within the same
        tolerance of a known wrong value gets that wrong value's feedback. Text such as
        ``"12.5"``, ``"12,5"`` or ``"12.5 mm"`` (the question's unit) is read as a number.
        """
        if self.kind != "numeric" or self.answer is None or self.tolerance is None:
            raise ValueError(f"question {self.id!r} is {self.kind}: grade it with grade_choices")
        number = read_number(value, self.unit)
        if number is None:
            unit = _words("in_unit", unit=self.unit) if self.unit else ""
            text = "" if value is None else str(value).strip()
            if not text:
                return None, _words("number_first", unit=unit)
            return None, _words("not_a_number", text=repr(text), unit=unit)
        if abs(number - self.answer) <= self.tolerance:
            return True, self.correct_feedback
        for wrong in self.wrong_answers:
            if abs(number - wrong.value) <= self.tolerance:
                return False, wrong.feedback
        return False, _words("not_within", number=f"{number:g}", tolerance=f"{self.tolerance:g}")


def read_number(value: str | float | None, unit: str = "") -> float | None:
    """A finite number from a student's text (``"12,5"`` and ``"12.5 mm"`` included), or None."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value) if math.isfinite(value) else None
    text = str(value or "").strip()
    if unit and text.endswith(unit):
        text = text.removesuffix(unit).strip()
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


@dataclass(frozen=True)
class Exercise:
    """An exercise: a prompt and its solution (Markdown), the objectives it practises and its analytic rubric."""

    id: str
    title: str
    prompt: str
    solution: str
    citations: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()
    rubric: tuple[RubricCriterion, ...] = ()

    @property
    def max_points(self) -> float:
        """The points of an answer at the best level of every criterion (0 without a rubric)."""
        return sum(criterion.max_points for criterion in self.rubric)


@dataclass(frozen=True)
class SelfCheck:
    """The learning objectives, questions and exercises of one notebook."""

    name: str
    questions: tuple[Question, ...]
    exercises: tuple[Exercise, ...]
    objectives: tuple[Objective, ...] = ()

    @property
    def source(self) -> str:
        """The file, as error messages name it."""
        return f"data/selfcheck/{self.name}.toml"

    def question(self, question_id: str) -> Question:
        """The question with this id."""
        return _by_id(self.questions, question_id, f"{self.name} questions")

    def exercise(self, exercise_id: str) -> Exercise:
        """The exercise with this id."""
        return _by_id(self.exercises, exercise_id, f"{self.name} exercises")

    def objective(self, objective_id: str) -> Objective:
        """The objective with this id."""
        return _by_id(self.objectives, objective_id, f"{self.name} objectives")

    def questions_for(self, objective_id: str) -> tuple[Question, ...]:
        """The questions that measure an objective."""
        return tuple(question for question in self.questions if objective_id in question.objectives)


def _by_id(items, item_id, what):
    for item in items:
        if item.id == item_id:
            return item
    raise KeyError(f"no {item_id!r} among {what}: {', '.join(i.id for i in items)}")


def _citations(row: dict, where: str) -> tuple[str, ...]:
    return references.require(row.get("citations", ()), f"{where}: field 'citations'")


def _check_choices(kind: str, choices: tuple[Choice, ...], where: str) -> None:
    correct = sum(choice.correct for choice in choices)
    texts = [choice.text for choice in choices]
    if len(set(texts)) != len(texts):
        raise ValueError(f"{where}: field 'choice': two choices have the same text")
    if kind in ("multiple_choice", "true_false") and correct != 1:
        raise ValueError(f"{where}: field 'choice': exactly one choice must be correct; {correct} are")
    if kind == "select_all" and not 0 < correct < len(choices):
        raise ValueError(f"{where}: field 'choice': a select_all question needs at least one correct and one "
                         f"incorrect choice; {correct} of {len(choices)} are correct")
    if kind == "true_false" and sorted(texts) != ["False", "True"]:
        raise ValueError(f"{where}: field 'choice': a true_false question has the choices 'True' and 'False'")
    missing = next((choice for choice in choices if not choice.correct and not choice.misconception), None)
    if missing is not None:
        raise ValueError(f"{where}: choice {missing.text!r}: field 'misconception' is missing (every incorrect "
                         "choice names the misconception it reveals)")


def _question(row: dict, where: str) -> Question:
    kind = row["kind"]
    common = {"id": row["id"], "kind": kind, "prompt": row["prompt"], "explanation": row["explanation"],
              "objectives": tuple(row.get("objectives", ())), "vignette": row.get("vignette"),
              "citations": _citations(row, where), "bloom": row["bloom"],
              "novel_data": row.get("novel_data", False)}
    if kind != "numeric":
        choices = tuple(Choice(choice["text"], choice.get("correct", False), choice["feedback"],
                               choice.get("misconception")) for choice in row["choice"])
        _check_choices(kind, choices, where)
        return Question(**common, choices=choices)
    answer, tolerance = float(row["answer"]), float(row["tolerance"])
    wrong_answers = tuple(WrongAnswer(float(item["value"]), item["feedback"], item["misconception"])
                          for item in row.get("wrong_answer", ()))
    for wrong in wrong_answers:
        if abs(wrong.value - answer) <= tolerance:
            raise ValueError(f"{where}: wrong_answer {wrong.value:g}: within the tolerance ({tolerance:g}) of the "
                             f"answer ({answer:g}), so it could never be matched")
    return Question(**common, answer=answer, tolerance=tolerance, unit=row.get("unit", ""),
                    correct_feedback=row["correct_feedback"], wrong_answers=wrong_answers)


def _exercise(row: dict, where: str) -> Exercise:
    return Exercise(id=row["id"], title=row["title"], prompt=row["prompt"], solution=row["solution"],
                    citations=_citations(row, where), objectives=tuple(row.get("objectives", ())),
                    rubric=rubric.parse(row.get("rubric", ()), where))


def parse(name: str, text: str) -> SelfCheck:
    """Parse a self-check TOML document, validated against ``selfcheck.schema.json`` and the checks above.

    Raises
    ------
    ValueError
        Naming the file, the question, exercise or objective and the field at fault.
    """
    source = f"data/selfcheck/{name}.toml"
    try:
        data = datafile.parse(text, "selfcheck", source)
    except ValueError as error:
        raise ValueError(_no_correct_choice(text, source) or str(error)) from None
    return _selfcheck(name, data, source)


def _no_correct_choice(text: str, source: str) -> str | None:
    """The real problem behind a schema error, when a question marks no choice correct.

    The schema then asks every choice for a misconception (it sees only incorrect ones); the author needs to
    hear that the correct answer is not marked.
    """
    try:
        questions = tomllib.loads(text).get("question", [])
    except tomllib.TOMLDecodeError:
        return None
    for index, row in enumerate(questions if isinstance(questions, list) else []):
        choices = row.get("choice") if isinstance(row, dict) else None
        if isinstance(choices, list) and choices and all(isinstance(c, dict) for c in choices) \
                and not any(choice.get("correct") is True for choice in choices):
            return (f"{source}: {datafile.entry('question', index, row)}: field 'choice': no choice is marked "
                    "correct; mark the right answer with correct = true")
    return None


def _unique(ids: list[str], what: str, source: str) -> None:
    seen: set[str] = set()
    for item_id in ids:
        if item_id in seen:
            raise ValueError(f"{source}: {what} {item_id!r}: the id is used twice")
        seen.add(item_id)


def _selfcheck(name: str, data: dict, source: str) -> SelfCheck:
    objectives = tuple(Objective(row["id"], row["text"]) for row in data.get("objective", []))
    questions = tuple(_question(row, f"{source}: {datafile.entry('question', i, row)}")
                      for i, row in enumerate(data.get("question", [])))
    exercises = tuple(_exercise(row, f"{source}: {datafile.entry('exercise', i, row)}")
                      for i, row in enumerate(data.get("exercise", [])))
    for ids, what in (([o.id for o in objectives], "objective"), ([q.id for q in questions], "question"),
                      ([e.id for e in exercises], "exercise")):
        _unique(ids, what, source)
    known = {objective.id for objective in objectives}
    for what, items in (("question", questions), ("exercise", exercises)):
        for number, item in enumerate(items, start=1):
            unknown = [objective for objective in item.objectives if objective not in known]
            if unknown:
                raise ValueError(f"{source}: {what} {number} ({item.id!r}): field 'objectives': unknown objective "
                                 f"{unknown[0]!r}; known: {', '.join(sorted(known))}")
    for number, objective in enumerate(objectives, start=1):
        measuring = [question.id for question in questions if objective.id in question.objectives]
        if len(measuring) < MIN_QUESTIONS_PER_OBJECTIVE:
            raise ValueError(f"{source}: objective {number} ({objective.id!r}): measured by "
                             f"{len(measuring)} question(s) ({', '.join(measuring) or 'none'}); every objective "
                             f"needs at least {MIN_QUESTIONS_PER_OBJECTIVE}")
    return SelfCheck(name=name, questions=questions, exercises=exercises, objectives=objectives)


def check_course(checks: Iterable[SelfCheck]) -> None:
    """Check what no single file can: question ids are unique across the course.

    Raises
    ------
    ValueError
        Naming the question and both files that use its id.
    """
    owner: dict[str, str] = {}
    for check in checks:
        for question in check.questions:
            if question.id in owner:
                raise ValueError(f"question {question.id!r} is in both {owner[question.id]} and {check.source}: "
                                 "question ids must be unique across the course")
            owner[question.id] = check.source


def available() -> list[str]:
    """Names of the self-check files shipped with the package."""
    folder = resources.files("spinelab").joinpath("data/selfcheck")
    return sorted(item.name.removesuffix(".toml") for item in folder.iterdir() if item.name.endswith(".toml"))


def load(name: str) -> SelfCheck:
    """Load the self-check of one notebook, e.g. ``load("01_muscle_layers")``."""
    return _load(check_text("name", name))


@cache
def _load(name: str) -> SelfCheck:
    if name not in available():
        raise ValueError(f"name must be one of {', '.join(available())}; got {name!r}")
    source = f"data/selfcheck/{name}.toml"
    try:
        data = datafile.load(f"selfcheck/{name}")
    except ValueError as error:
        text = resources.files("spinelab").joinpath(source).read_text(encoding="utf-8")
        raise ValueError(_no_correct_choice(text, source) or str(error)) from None
    return _selfcheck(name, data, source)


def all_questions() -> list[tuple[str, Question]]:
    """Every question of the course as ``(notebook, question)``, after checking ids are unique across files."""
    checks = [load(name) for name in available()]
    check_course(checks)
    return [(check.name, question) for check in checks for question in check.questions]
