"""The class kit of the instructor's guide, as data: sessions with pre-class, in-class and post-class parts.

``data/class_kit.toml`` (format: ``data/schemas/class_kit.schema.json``) holds three 50-minute sessions, one
90-minute session and a self-study route. Each session names the notebook cores students read before it, a
minute-by-minute plan for the room whose peer-instruction votes are self-check questions named by id (so they stay
in step with the items), and what students do after it: 8 to 10 named questions from the LMS banks and one
exercise. :func:`load` checks what the schema cannot: every name resolves, each plan fits its time, and every vote
tests misconceptions the students can meet by then. This module is pure Python: it imports no widgets.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from spinelab.course import datafile, quiz

#: The most a notebook's core may take (minutes); a pre-class part counts each core it names at this ceiling.
CORE_MINUTES = 20
#: The most a session's pre-class part may take (minutes).
PRE_CLASS_MINUTES = 20
#: Each session has at least this many peer-instruction questions.
MIN_PEER_INSTRUCTION = 5
#: The plans of the kit: their number of sessions and each session's length (minutes).
PLANS = {"three sessions": (3, 50), "one long session": (1, 90)}
SOURCE = "data/class_kit.toml"


@dataclass(frozen=True)
class Step:
    """One step of an in-class plan: its minutes, what happens, the notebook presented and any question voted on."""

    minutes: int
    activity: str
    notebook: str | None = None
    question: str | None = None


@dataclass(frozen=True)
class Reading:
    """A notebook core students work through before a session, or one step of the self-study route."""

    notebook: str
    task: str
    exercise: str | None = None


@dataclass(frozen=True)
class PostClass:
    """After a session: 8 to 10 questions (``items``) from the LMS banks of the ``quiz`` notebooks, and one exercise."""

    quiz: tuple[str, ...]
    items: tuple[str, ...]
    exercise_notebook: str
    exercise: str
    task: str


@dataclass(frozen=True)
class Session:
    """One class session of a plan."""

    id: str
    plan: str
    title: str
    length: int
    goal: str
    pre_class: tuple[Reading, ...]
    in_class: tuple[Step, ...]
    post_class: PostClass

    @property
    def pre_class_minutes(self) -> int:
        """The pre-class time: each notebook core at its ceiling, :data:`CORE_MINUTES`."""
        return CORE_MINUTES * len(self.pre_class)

    @property
    def in_class_minutes(self) -> int:
        """The sum of the in-class plan's steps."""
        return sum(step.minutes for step in self.in_class)

    @property
    def questions(self) -> tuple[str, ...]:
        """The ids of the peer-instruction questions, in the order they are voted on."""
        return tuple(step.question for step in self.in_class if step.question)


@dataclass(frozen=True)
class Kit:
    """The whole class kit."""

    before: tuple[str, ...]
    before_task: str
    sessions: tuple[Session, ...]
    self_study: tuple[Reading, ...]
    introduction: str = ""
    peer_instruction: str = ""

    def plan(self, name: str) -> tuple[Session, ...]:
        """The sessions of one plan (a key of :data:`PLANS`), in order."""
        return tuple(session for session in self.sessions if session.plan == name)


def _session(row: dict) -> Session:
    post = row["post_class"]
    return Session(
        id=row["id"], plan=row["plan"], title=row["title"], length=row["length"], goal=row["goal"],
        pre_class=tuple(Reading(item["notebook"], item["task"]) for item in row["pre_class"]),
        in_class=tuple(Step(item["minutes"], item["activity"], item.get("notebook"), item.get("question"))
                       for item in row["in_class"]),
        post_class=PostClass(tuple(post["quiz"]), tuple(post["items"]), post["exercise_notebook"], post["exercise"],
                             post["task"]))


def parse(text: str) -> Kit:
    """Parse and check a class-kit TOML document.

    Raises
    ------
    ValueError
        Naming the session, the step or the field at fault.
    """
    data = datafile.parse(text, "class_kit", SOURCE)
    kit = Kit(before=tuple(data["before"]["notebooks"]), before_task=data["before"]["task"],
              introduction=data["guide"]["introduction"], peer_instruction=data["guide"]["peer_instruction"],
              sessions=tuple(_session(row) for row in data["session"]),
              self_study=tuple(Reading(row["notebook"], row["task"], row.get("exercise"))
                               for row in data["self_study"]))
    check(kit)
    return kit


@cache
def load() -> Kit:
    """The course's class kit, ``data/class_kit.toml``, parsed and checked."""
    return parse(resources.files("spinelab").joinpath(SOURCE).read_text(encoding="utf-8"))


def _notebook(name: str, where: str) -> quiz.SelfCheck:
    if name not in quiz.available():
        raise ValueError(f"{SOURCE}: {where}: unknown notebook {name!r}; known: {', '.join(quiz.available())}")
    return quiz.load(name)


def _exercise(notebook: str, exercise_id: str, where: str) -> None:
    check = _notebook(notebook, where)
    if exercise_id not in {exercise.id for exercise in check.exercises}:
        raise ValueError(f"{SOURCE}: {where}: notebook {notebook!r} has no exercise {exercise_id!r}; it has "
                         f"{', '.join(exercise.id for exercise in check.exercises) or 'none'}")


def names_misconceptions(question: quiz.Question) -> bool:
    """Whether a question can serve a peer-instruction vote: it has wrong answers, each naming the misconception it
    reveals."""
    wrong = [choice.misconception for choice in question.choices if not choice.correct]
    wrong += [item.misconception for item in question.wrong_answers]
    return bool(wrong) and all(wrong)


def check(kit: Kit) -> None:
    """Check a kit against the course: names resolve, times fit, votes test misconceptions already met.

    Raises
    ------
    ValueError
        Naming the session, the step or the field at fault.
    """
    questions = {question.id: (name, question) for name, question in quiz.all_questions()}
    for name in kit.before:
        _notebook(name, "before")
    ids = [session.id for session in kit.sessions]
    for session_id in ids:
        if ids.count(session_id) > 1:
            raise ValueError(f"{SOURCE}: session {session_id!r}: the id is used twice")
    for plan, (count, length) in PLANS.items():
        sessions = kit.plan(plan)
        if len(sessions) != count or any(session.length != length for session in sessions):
            raise ValueError(f"{SOURCE}: plan {plan!r} must have {count} session(s) of {length} minutes; got "
                             f"{[session.length for session in sessions]}")
        met = set(kit.before)
        for session in sessions:
            met |= _check_session(session, questions, met)
    for number, step in enumerate(kit.self_study, start=1):
        if step.exercise:
            _exercise(step.notebook, step.exercise, f"self-study step {number}")
        else:
            _notebook(step.notebook, f"self-study step {number}")
    missing = [name for name in quiz.available() if name not in {step.notebook for step in kit.self_study}]
    if missing:
        raise ValueError(f"{SOURCE}: the self-study route leaves out {', '.join(missing)}")


def _check_session(session: Session, questions: dict, met: set[str]) -> set[str]:
    """Check one session, given the notebooks met before it; return the notebooks met by its end."""
    where = f"session {session.id!r}"
    if session.pre_class_minutes > PRE_CLASS_MINUTES:
        raise ValueError(f"{SOURCE}: {where}: field 'pre_class' takes {session.pre_class_minutes} minutes "
                         f"({len(session.pre_class)} notebook cores of up to {CORE_MINUTES}); at most "
                         f"{PRE_CLASS_MINUTES}")
    if session.in_class_minutes > session.length:
        raise ValueError(f"{SOURCE}: {where}: field 'in_class' sums to {session.in_class_minutes} minutes; the "
                         f"session has {session.length}")
    met = met | {reading.notebook for reading in session.pre_class}
    for reading in session.pre_class:
        _notebook(reading.notebook, f"{where}: pre-class")
    for number, step in enumerate(session.in_class, start=1):
        if step.notebook:
            _notebook(step.notebook, f"{where}: in-class step {number}")
            met.add(step.notebook)
        if step.question is None:
            continue
        if step.question not in questions:
            raise ValueError(f"{SOURCE}: {where}: in-class step {number}: field 'question': no question "
                             f"{step.question!r} in data/selfcheck/")
        notebook, question = questions[step.question]
        if not names_misconceptions(question):
            raise ValueError(f"{SOURCE}: {where}: in-class step {number}: question {step.question!r}: every wrong "
                             "answer must name the misconception it reveals, and it needs at least one")
        if notebook not in met:
            raise ValueError(f"{SOURCE}: {where}: in-class step {number}: question {step.question!r} is from "
                             f"{notebook}, which students have not met by then")
    if len(session.questions) < MIN_PEER_INSTRUCTION:
        raise ValueError(f"{SOURCE}: {where}: {len(session.questions)} peer-instruction questions; at least "
                         f"{MIN_PEER_INSTRUCTION}")
    if len(set(session.questions)) != len(session.questions):
        raise ValueError(f"{SOURCE}: {where}: a peer-instruction question is voted on twice")
    for name in session.post_class.quiz:
        _notebook(name, f"{where}: post-class quiz")
    _check_items(session.post_class, questions, where)
    _exercise(session.post_class.exercise_notebook, session.post_class.exercise, f"{where}: post-class")
    return met


def _check_items(post: PostClass, questions: dict, where: str) -> None:
    """Check that each of a post-class part's LMS items (8 to 10 by the schema) is a question of its quiz notebooks."""
    for item in post.items:
        if item not in questions or questions[item][0] not in post.quiz:
            raise ValueError(f"{SOURCE}: {where}: field 'items': {item!r} is not a question of the post-class "
                             f"quiz notebooks ({', '.join(post.quiz)})")
