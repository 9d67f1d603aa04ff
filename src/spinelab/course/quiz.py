"""Self-check questions and exercises, defined as data (shown by :mod:`spinelab.course.selfcheck`).

Each notebook has a file ``data/selfcheck/<notebook>.toml`` holding its
questions (multiple choice or true/false; every choice carries its own
feedback, every question an explanation) and its exercises (a prompt and a
solution that stays hidden until the student asks for it). Keeping them as
data lets the instructor's guide list every answer without copying it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from spinelab.course import datafile, references

KINDS = ("multiple_choice", "true_false")


@dataclass(frozen=True)
class Choice:
    """One answer option with the feedback shown when it is checked."""

    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class Question:
    """A self-check question: a prompt, its choices and an explanation."""

    id: str
    kind: str
    prompt: str
    choices: tuple[Choice, ...]
    explanation: str
    citations: tuple[str, ...] = ()

    @property
    def answer(self) -> Choice:
        """The correct choice."""
        return next(choice for choice in self.choices if choice.correct)


@dataclass(frozen=True)
class Exercise:
    """An exercise: a prompt and its solution (Markdown)."""

    id: str
    title: str
    prompt: str
    solution: str
    citations: tuple[str, ...] = ()


@dataclass(frozen=True)
class SelfCheck:
    """The questions and exercises of one notebook."""

    name: str
    questions: tuple[Question, ...]
    exercises: tuple[Exercise, ...]

    def question(self, question_id: str) -> Question:
        """The question with this id."""
        return _by_id(self.questions, question_id, f"{self.name} questions")

    def exercise(self, exercise_id: str) -> Exercise:
        """The exercise with this id."""
        return _by_id(self.exercises, exercise_id, f"{self.name} exercises")


def _by_id(items, item_id, what):
    for item in items:
        if item.id == item_id:
            return item
    raise KeyError(f"no {item_id!r} among {what}: {', '.join(i.id for i in items)}")


def _citations(row: dict, where: str) -> tuple[str, ...]:
    return references.require(row.get("citations", ()), f"{where}: field 'citations'")


def _question(row: dict, where: str) -> Question:
    choices = tuple(Choice(choice["text"], choice.get("correct", False), choice["feedback"])
                    for choice in row["choice"])
    if sum(choice.correct for choice in choices) != 1:
        raise ValueError(f"{where}: field 'choice': exactly one choice must be correct")
    if row["kind"] == "true_false" and sorted(choice.text for choice in choices) != ["False", "True"]:
        raise ValueError(f"{where}: field 'choice': a true_false question has the choices 'True' and 'False'")
    return Question(id=row["id"], kind=row["kind"], prompt=row["prompt"], choices=choices,
                    explanation=row["explanation"], citations=_citations(row, where))


def _exercise(row: dict, where: str) -> Exercise:
    return Exercise(id=row["id"], title=row["title"], prompt=row["prompt"], solution=row["solution"],
                    citations=_citations(row, where))


def parse(name: str, text: str) -> SelfCheck:
    """Parse a self-check TOML document, validated against ``selfcheck.schema.json``.

    Raises
    ------
    ValueError
        Naming the file, the question or exercise and the field at fault.
    """
    source = f"data/selfcheck/{name}.toml"
    return _selfcheck(name, datafile.parse(text, "selfcheck", source), source)


def _selfcheck(name: str, data: dict, source: str) -> SelfCheck:
    questions = tuple(_question(row, f"{source}: {datafile.entry('question', i, row)}")
                      for i, row in enumerate(data.get("question", [])))
    exercises = tuple(_exercise(row, f"{source}: {datafile.entry('exercise', i, row)}")
                      for i, row in enumerate(data.get("exercise", [])))
    return SelfCheck(name=name, questions=questions, exercises=exercises)


def available() -> list[str]:
    """Names of the self-check files shipped with the package."""
    folder = resources.files("spinelab").joinpath("data/selfcheck")
    return sorted(item.name.removesuffix(".toml") for item in folder.iterdir() if item.name.endswith(".toml"))


@cache
def load(name: str) -> SelfCheck:
    """Load the self-check of one notebook, e.g. ``load("01_muscle_layers")``."""
    if name not in available():
        raise ValueError(f"name must be one of {', '.join(available())}; got {name!r}")
    return _selfcheck(name, datafile.load(f"selfcheck/{name}"), f"data/selfcheck/{name}.toml")

