"""Self-check progress that is kept across kernel restarts and notebooks: a small JSON file per student.

The file is ``<Jupyter data directory>/spinelab/progress.json`` (see ``jupyter --paths``), never the
repository and never the notebook. ``SPINELAB_PROGRESS`` names another file
(read by :mod:`spinelab.course.settings`): the test suite's ``conftest.py`` points it at a temporary folder before
any test or nbval kernel starts, so tests never touch a student's record.

It holds, per notebook, for each question the number of attempts, the last answer and whether it was
correct, and for each exercise the answer the student wrote, each with when it was last written (``at``)::

    {"version": 1, "notebooks": {"00_start_here": {
        "questions": {"model-versus-data": {"attempts": 2, "answer": "…", "correct": true}},
        "exercises": {"half-way": {"answer": "…", "revealed": false}}}}}

Several notebooks may write at once: every change is a read-modify-write under an exclusive lock
(``fcntl.flock`` where available, else a lock file created with ``O_CREAT | O_EXCL``), written to a
temporary file and swapped in with :func:`os.replace`, so no answer is lost and no reader sees half a
file. A file that cannot be read or parsed is moved aside (renamed with a timestamp, never deleted),
the student is told so, and a fresh record starts; a single record with wrong field types (attempts that are
not a count, ``revealed`` that is not true or false) is moved to a side file and the rest is kept. A symlinked
file is written through to its target. Every failure to read, lock or write (a read-only folder, a folder
where the lock file should be) is a :class:`ProgressError` with a message for the student, never another
exception. The module is pure Python.
"""

from __future__ import annotations

import contextlib
import json
import os
import reprlib
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from jupyter_core.paths import jupyter_data_dir

from spinelab.course import settings, wording

try:
    import fcntl
except ImportError:  # Windows: the portable lock file
    fcntl = None  # type: ignore[assignment]

#: Environment variable naming the progress file (tests and nbval runs set it).
ENV = settings.PROGRESS
VERSION = 1
#: Seconds to wait for another notebook's write to finish before giving up.
LOCK_TIMEOUT = 10.0
#: A portable lock file older than this many seconds was left by a process that died: it is removed.
STALE_LOCK_SECONDS = 30.0
#: A kept attempt count above this is not a count a student made: the record is set aside.
MAX_ATTEMPTS = 1_000_000
#: Use ``fcntl.flock`` when the platform has it (tests switch to the portable lock file to check it too).
USE_FCNTL = fcntl is not None

T = TypeVar("T")


class ProgressError(RuntimeError):
    """The progress file could not be read, locked or written; the message says what to do."""


class ProgressWarning(UserWarning):
    """The progress file was unreadable and has been moved aside."""


@dataclass(frozen=True)
class QuestionRecord:
    """What is kept of one question: attempts, the last answer (JSON) and whether it was correct."""

    attempts: int = 0
    answer: Any = None
    correct: bool | None = None


@dataclass(frozen=True)
class ExerciseRecord:
    """What is kept of one exercise: the student's written answer and whether the solution was shown."""

    answer: str = ""
    revealed: bool = False


def default_path() -> Path:
    """The progress file: ``$SPINELAB_PROGRESS`` (the test suite's ``conftest.py`` sets it), else the Jupyter data
    directory."""
    return settings.progress_path() or Path(jupyter_data_dir()) / "spinelab" / "progress.json"


def _empty() -> dict[str, Any]:
    return {"version": VERSION, "notebooks": {}}


def _problem(document: object) -> str | None:
    """Why a parsed document is not a progress record, or None if it is one."""
    if not isinstance(document, dict) or document.get("version") != VERSION:
        return f"not a version-{VERSION} progress record"
    notebooks = document.get("notebooks")
    if not isinstance(notebooks, dict):
        return "no 'notebooks' table"
    for name, notebook in notebooks.items():
        if not isinstance(notebook, dict) or not all(isinstance(notebook.get(part, {}), dict)
                                                     for part in ("questions", "exercises")):
            return f"notebook {name!r} is malformed"
    return None


def _parse_int(digits: str) -> int | str:
    """A JSON integer; one too long for Python to read (thousands of digits) stays text, so its record is set aside."""
    return int(digits) if len(digits) <= 100 else digits


def _is_count(value: object) -> bool:
    return type(value) is int and 0 <= value <= MAX_ATTEMPTS


def _record_problem(part: str, record: object) -> str | None:
    """Why one kept question or exercise record is unusable, or None if it is fine."""
    if not isinstance(record, dict):
        return "it is not a table"
    if part == "questions":
        if not _is_count(record.get("attempts", 0)):
            return f"'attempts' is {reprlib.repr(record.get('attempts'))}, not a count from 0 to {MAX_ATTEMPTS}"
        if record.get("correct") not in (True, False, None):
            return f"'correct' is {reprlib.repr(record.get('correct'))}, not true, false or null"
        return None
    if not isinstance(record.get("answer", ""), str):
        return f"'answer' is {reprlib.repr(record.get('answer'))}, not text"
    if not isinstance(record.get("revealed", False), bool):
        return f"'revealed' is {reprlib.repr(record.get('revealed'))}, not true or false"
    return None


def _bad_records(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Remove the unusable records from a well-formed document; return them with where they were and why."""
    bad = []
    for name, notebook in document["notebooks"].items():
        for part in ("questions", "exercises"):
            records = notebook.get(part, {})
            for key in list(records):
                problem = _record_problem(part, records[key])
                if problem is not None:
                    bad.append({"notebook": name, "part": part, "id": key, "problem": problem,
                                "record": records.pop(key)})
    return bad


class ProgressStore:
    """The student's self-check record in one JSON file.

    Parameters
    ----------
    path : path-like, optional
        The file; by default :func:`default_path`.
    lock_timeout : float
        Seconds to wait for the lock.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, lock_timeout: float = LOCK_TIMEOUT) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.lock_timeout = lock_timeout
        #: Messages for the student (a corrupt file moved aside), newest last.
        self.notices: list[str] = []

    # --- reading ---------------------------------------------------------------------------------------------
    def read(self) -> dict[str, Any]:
        """The whole record (a fresh one if there is none yet)."""
        return self._transaction(lambda document: document, write=False)

    def question(self, notebook: str, question_id: str) -> QuestionRecord:
        """What is kept of a question (attempts 0 if never answered)."""
        row = self.read()["notebooks"].get(notebook, {}).get("questions", {}).get(question_id, {})
        return QuestionRecord(attempts=int(row.get("attempts", 0)), answer=row.get("answer"),
                              correct=row.get("correct"))

    def exercise(self, notebook: str, exercise_id: str) -> ExerciseRecord:
        """What is kept of an exercise (empty answer if never written)."""
        row = self.read()["notebooks"].get(notebook, {}).get("exercises", {}).get(exercise_id, {})
        return ExerciseRecord(answer=str(row.get("answer", "")), revealed=bool(row.get("revealed", False)))

    def counts(self, notebook: str, question_ids: Iterable[str]) -> tuple[int, int]:
        """``(answered, correct)`` among these questions of a notebook (ids no longer in it are ignored)."""
        kept = self.read()["notebooks"].get(notebook, {}).get("questions", {})
        rows = [kept[question_id] for question_id in question_ids if question_id in kept]
        return (sum(int(row.get("attempts", 0)) > 0 for row in rows),
                sum(row.get("correct") is True for row in rows))

    # --- writing ---------------------------------------------------------------------------------------------
    def record_attempt(self, notebook: str, question_id: str, answer: Any, correct: bool) -> QuestionRecord:
        """Count one more attempt at a question, keeping its answer (JSON-serialisable) and result."""
        def change(document: dict[str, Any]) -> QuestionRecord:
            questions = _part(document, notebook, "questions")
            attempts = min(int(questions.get(question_id, {}).get("attempts", 0)) + 1, MAX_ATTEMPTS)
            record = QuestionRecord(attempts=attempts, answer=answer, correct=bool(correct))
            questions[question_id] = {**asdict(record), "at": _now()}
            return record
        return self._transaction(change)

    def save_exercise(self, notebook: str, exercise_id: str, answer: str, revealed: bool | None = None
                      ) -> ExerciseRecord:
        """Keep the student's written answer to an exercise (and, if given, whether the solution was shown)."""
        def change(document: dict[str, Any]) -> ExerciseRecord:
            exercises = _part(document, notebook, "exercises")
            shown = bool(exercises.get(exercise_id, {}).get("revealed", False)) if revealed is None else revealed
            record = ExerciseRecord(answer=answer, revealed=shown)
            exercises[exercise_id] = {**asdict(record), "at": _now()}
            return record
        return self._transaction(change)

    def reset(self, notebook: str | None = None) -> None:
        """Forget every answer (of one notebook, or of the whole course)."""
        def change(document: dict[str, Any]) -> None:
            if notebook is None:
                document["notebooks"].clear()
            else:
                document["notebooks"].pop(notebook, None)
        self._transaction(change)

    # --- the file ------------------------------------------------------------------------------------------
    def _transaction(self, change: Callable[[dict[str, Any]], T], write: bool = True) -> T:
        # A symlinked file is read and written through to its target, never replaced by a plain file.
        real = Path(os.path.realpath(self.path))
        if not write and not real.exists():  # nothing kept yet: reading creates no folder and no lock
            return change(_empty())
        try:
            real.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ProgressError(f"Your progress cannot be saved: the folder {real.parent} cannot be created "
                                f"({error.strerror or error}). Set {ENV} to a file in a folder you can write to.") \
                from None
        try:
            with self._locked(real):
                document = self._load(real)
                result = change(document)
                if write:
                    self._write(real, document)
        except OSError as error:  # the lock file cannot be opened: a read-only folder, a folder in its place
            raise ProgressError(f"Your progress cannot be kept in {self.path}: {error.filename or real} cannot be "
                                f"used ({error.strerror or error}). Set {ENV} to a file in a folder you can write "
                                "to.") from None
        return result

    def _load(self, real: Path) -> dict[str, Any]:
        try:
            text = real.read_text(encoding="utf-8")
        except FileNotFoundError:
            return _empty()
        except (OSError, UnicodeDecodeError) as error:
            return self._move_aside(real, f"it could not be read ({error})")
        try:
            document = json.loads(text, parse_int=_parse_int)
        except json.JSONDecodeError as error:
            return self._move_aside(real, f"it is not valid JSON ({error.msg}, line {error.lineno})")
        except RecursionError as error:  # nesting too deep to read
            return self._move_aside(real, f"it is not a usable JSON document ({type(error).__name__})")
        problem = _problem(document)
        if problem is not None:
            return self._move_aside(real, f"it is {problem}")
        bad = _bad_records(document)
        if bad:
            self._set_aside(real, document, bad)
        return document

    def _aside_name(self, real: Path, kind: str) -> Path:
        stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
        aside = real.with_name(f"{real.name}.{kind}-{stamp}")
        number = 1
        while aside.exists():
            number += 1
            aside = real.with_name(f"{real.name}.{kind}-{stamp}-{number}")
        return aside

    def _notify(self, message: str) -> None:
        self.notices.append(message)
        warnings.warn(message, ProgressWarning, stacklevel=5)

    def _move_aside(self, real: Path, reason: str) -> dict[str, Any]:
        aside = self._aside_name(real, "corrupt")
        try:
            os.rename(real, aside)
        except OSError as error:
            raise ProgressError(f"Your saved self-check progress in {self.path} is unusable: {reason}, and it could "
                                f"not be moved aside ({error.strerror or error}). Move or delete it by hand.") from None
        self._notify(wording.phrase("progress", "moved_aside", path=self.path, reason=reason, aside=aside.name))
        return _empty()

    def _set_aside(self, real: Path, document: dict[str, Any], bad: list[dict[str, Any]]) -> None:
        """Keep unusable records in a side file and the rest in the progress file."""
        aside = self._aside_name(real, "bad-records")
        try:
            aside.write_text(json.dumps(bad, indent=1, ensure_ascii=False, default=repr) + "\n", encoding="utf-8")
            self._write(real, document)
        except (OSError, ProgressError) as error:
            raise ProgressError(f"Your saved self-check progress in {self.path} holds unusable records, and they "
                                f"could not be set aside ({error}). Move or delete the file by hand.") from None
        where = "; ".join(f"{row['notebook']} {row['id']}: {row['problem']}" for row in bad)
        self._notify(wording.phrase("progress", "set_aside", path=self.path, where=where, aside=aside.name))

    def _write(self, real: Path, document: dict[str, Any]) -> None:
        temporary = None
        try:
            handle, temporary = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(document, out, indent=1, sort_keys=True, ensure_ascii=False)
                out.write("\n")
                out.flush()
                os.fsync(out.fileno())
            for attempt in range(50):  # on Windows a reader holding the file open blocks the swap for a moment
                try:
                    os.replace(temporary, real)
                    break
                except PermissionError:
                    if attempt == 49:
                        raise
                    time.sleep(0.02)
        except (OSError, TypeError, ValueError, RecursionError) as error:  # cannot write; an answer not JSON
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            raise ProgressError(f"Your progress could not be saved to {self.path} ({reason}).") from None

    @contextlib.contextmanager
    def _locked(self, real: Path) -> Iterator[None]:
        lock = real.with_name(f"{real.name}.lock")
        deadline = time.monotonic() + self.lock_timeout
        if USE_FCNTL:
            with open(lock, "a") as handle:
                while True:
                    try:
                        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        _wait(deadline, lock)
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
            return
        while True:
            try:
                os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
                break
            except FileExistsError:
                with contextlib.suppress(OSError):  # left by a process that died while writing
                    if time.time() - lock.stat().st_mtime > STALE_LOCK_SECONDS:
                        os.unlink(lock)
                        continue
                _wait(deadline, lock)
        try:
            yield
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(lock)


def _wait(deadline: float, lock: Path) -> None:
    if time.monotonic() > deadline:
        raise ProgressError(f"Your progress could not be saved: another notebook kept {lock} locked. Try again; "
                            "if it keeps happening, delete that file.")
    time.sleep(0.005)


def _now() -> str:
    """When a record was written (local time, to the second), for the student's "my work" export."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _part(document: dict[str, Any], notebook: str, part: str) -> dict[str, Any]:
    return document["notebooks"].setdefault(notebook, {}).setdefault(part, {})
