"""The class store: one SQLite database per class session, holding the room's votes (issue 27).

Peer instruction runs in rounds: the instructor opens a vote on a self-check question, the room answers, the
instructor closes it, students discuss, and a second round opens on the same question. Each round is a *poll*;
each student has at most one vote per poll, and **the latest vote wins** while the poll is open (a student who
changes their mind before it closes is counted once, with their last choice). A closed poll refuses votes.

Students are pseudonymous: a random id their browser keeps. A name is stored only when the instructor started the
class with a roster and the student gave a name on it (:meth:`ClassStore.join`).

The database is a file outside the repository: by default ``<Jupyter data directory>/spinelab/classes/``, one file
per class session (:func:`session_path`); ``SPINELAB_CLASS_STORE`` names another (tests). It runs in WAL mode
with a busy timeout and ``synchronous = NORMAL`` (see :meth:`ClassStore._connect`); every write is a short
``BEGIN IMMEDIATE`` transaction retried with back-off while another process holds the lock, so 40 students voting
at once are all recorded and none sees "database is locked"; a lock held beyond :data:`LOCK_TIMEOUT` seconds is a
:class:`ClassStoreError` with a message, never another exception.
A file that is not a database (or fails SQLite's quick check) is moved aside (renamed with a timestamp, never
deleted), the instructor is told so (:attr:`ClassStore.notices`), and a fresh store starts, as in
:mod:`spinelab.course.progress`. The module is pure Python (``sqlite3``).
"""

from __future__ import annotations

import contextlib
import os
import random
import sqlite3
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from jupyter_core.paths import jupyter_data_dir

from spinelab.course import settings, wording

#: Environment variable naming the class database (tests and the benchmark set it).
ENV = settings.CLASS_STORE
SCHEMA_VERSION = 1
#: Seconds a write waits for another process's transaction before the caller is told to try again.
LOCK_TIMEOUT = 15.0
#: SQLite's own busy wait per attempt, ms (then :func:`_retry` backs off and tries again).
BUSY_TIMEOUT_MS = 2000
#: Longest student id, choice text and name kept.
MAX_ID_CHARS = 64
MAX_TEXT_CHARS = 2000

T = TypeVar("T")

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS roster (name TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS students (
    id TEXT PRIMARY KEY, name TEXT, joined REAL NOT NULL);
CREATE TABLE IF NOT EXISTS polls (
    id INTEGER PRIMARY KEY AUTOINCREMENT, question TEXT NOT NULL, round INTEGER NOT NULL,
    opened REAL NOT NULL, closed REAL, revealed INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS votes (
    poll INTEGER NOT NULL REFERENCES polls(id), student TEXT NOT NULL, choice TEXT NOT NULL,
    correct INTEGER NOT NULL, misconception TEXT, at REAL NOT NULL, changes INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (poll, student));
"""


class ClassStoreError(RuntimeError):
    """The class store could not be opened, locked or written; the message says what to do."""


class ClassStoreWarning(UserWarning):
    """The class database was unusable and has been moved aside."""


class VoteRefusedError(ValueError):
    """A vote that cannot be taken (no such poll, poll closed, bad student id); the message says why."""


@dataclass(frozen=True)
class Poll:
    """One round of a vote on a question."""

    id: int
    question: str
    round: int
    opened: float
    closed: float | None
    revealed: bool

    @property
    def is_open(self) -> bool:
        """Whether votes are taken."""
        return self.closed is None


def session_path(notebook: str, when: datetime | None = None) -> Path:
    """A new session's database: ``$SPINELAB_CLASS_STORE``, else ``<data dir>/spinelab/classes/<date>-<nb>.sqlite``."""
    override = settings.text(settings.CLASS_STORE)
    if override:
        return Path(override).expanduser()
    folder = settings.text(settings.CLASS_STORE_DIR)
    base = Path(folder).expanduser() if folder else Path(jupyter_data_dir()) / "spinelab" / "classes"
    stamp = (when or datetime.now()).strftime("%Y%m%dT%H%M%S")
    return base / f"{stamp}-{Path(notebook).stem}.sqlite"


def check_student_id(student: object) -> str:
    """A student id: 8 to :data:`MAX_ID_CHARS` letters, digits, ``-`` or ``_``; else :class:`VoteRefusedError`."""
    if (not isinstance(student, str) or not 8 <= len(student) <= MAX_ID_CHARS
            or not all(char.isascii() and (char.isalnum() or char in "-_") for char in student)):
        raise VoteRefusedError(f"student must be 8 to {MAX_ID_CHARS} letters, digits, - or _, not {student!r:.80}")
    return student


def _is_busy(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


def _retry(action: Callable[[], T], timeout: float, path: Path) -> T:
    """Run ``action``, retrying with jittered back-off while the database is locked, up to ``timeout`` s."""
    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        try:
            return action()
        except sqlite3.OperationalError as error:
            if not _is_busy(error):
                raise ClassStoreError(f"The class store {path} cannot be used ({error}).") from None
            if time.monotonic() > deadline:
                raise ClassStoreError(f"The class store {path} stayed locked by another process for {timeout:.0f} s; "
                                      "try again.") from None
            time.sleep(delay * (1 + random.random()))
            delay = min(delay * 2, 0.2)


class ClassStore:
    """A class session's votes in one SQLite file.

    Parameters
    ----------
    path : path-like
        The database file (created with its folder if missing).
    lock_timeout : float
        Seconds a write waits for another process's lock.
    """

    def __init__(self, path: str | os.PathLike[str], lock_timeout: float = LOCK_TIMEOUT) -> None:
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        #: Messages for the instructor (a corrupt database moved aside), newest last.
        self.notices: list[str] = []
        self._open()

    # --- the file ------------------------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA foreign_keys = ON")
        # In WAL mode, NORMAL syncs at checkpoints, not at every commit: a committed vote survives the server being
        # killed, and the file stays consistent after a power cut (which may lose the last moments' votes); FULL
        # took 24 ms a vote, so 40 students voting at once waited a second for the last one.
        connection.execute("PRAGMA synchronous = NORMAL")
        return connection

    def _open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ClassStoreError(f"The class store's folder {self.path.parent} cannot be created "
                                  f"({error.strerror or error}). Give another with --class-store.") from None
        try:
            _retry(self._initialise, self.lock_timeout, self.path)
        except sqlite3.DatabaseError as error:  # not a database, or a damaged one (locks are ClassStoreError)
            self._move_aside(str(error))
            _retry(self._initialise, self.lock_timeout, self.path)

    def _initialise(self) -> None:
        with contextlib.closing(self._connect()) as connection:
            check = connection.execute("PRAGMA quick_check").fetchone()
            if check is None or check[0] != "ok":
                raise sqlite3.DatabaseError(f"SQLite's quick check failed: {check and check[0]}")
            if connection.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
                raise ClassStoreError(f"The class store {self.path} cannot use write-ahead logging; give a file on "
                                      "a local disk with --class-store.")
            connection.execute("BEGIN IMMEDIATE")
            try:
                for statement in filter(str.strip, SCHEMA.split(";")):
                    connection.execute(statement)
                version = connection.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
                if version is None:
                    connection.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
                elif version[0] != str(SCHEMA_VERSION):
                    raise sqlite3.DatabaseError(f"schema version {version[0]}, not {SCHEMA_VERSION}")
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise

    def _move_aside(self, reason: str) -> None:
        stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        number = 1
        while aside.exists():
            number += 1
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{number}")
        try:
            os.rename(self.path, aside)
            for suffix in ("-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.rename(f"{self.path}{suffix}", f"{aside}{suffix}")
        except OSError as error:
            raise ClassStoreError(f"The class store {self.path} is unusable ({reason}) and could not be moved aside "
                                  f"({error.strerror or error}). Move or delete it by hand.") from None
        message = wording.phrase("class_store", "moved_aside", path=self.path, reason=reason, aside=aside.name)
        self.notices.append(message)
        warnings.warn(message, ClassStoreWarning, stacklevel=4)

    @contextlib.contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        connection = self._connect()
        try:
            yield connection
        except sqlite3.DatabaseError as error:
            if isinstance(error, sqlite3.OperationalError) and _is_busy(error):
                raise ClassStoreError(f"The class store {self.path} is busy; try again.") from None
            raise ClassStoreError(f"The class store {self.path} cannot be read ({error}).") from None
        finally:
            connection.close()

    def _write(self, change: Callable[[sqlite3.Connection], T]) -> T:
        def attempt() -> T:
            with contextlib.closing(self._connect()) as connection:
                connection.execute("BEGIN IMMEDIATE")
                try:
                    result = change(connection)
                except BaseException:
                    connection.execute("ROLLBACK")
                    raise
                connection.execute("COMMIT")
                return result
        try:
            return _retry(attempt, self.lock_timeout, self.path)
        except sqlite3.DatabaseError as error:
            raise ClassStoreError(f"The class store {self.path} cannot be written ({error}).") from None

    # --- the class -----------------------------------------------------------------------------------------
    def set_meta(self, **values: str) -> None:
        """Keep facts about the session (course version, notebook), as text."""
        self._write(lambda db: db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                              [(key, str(value)) for key, value in values.items()]))

    def meta(self) -> dict[str, str]:
        """The session's facts."""
        with self._reading() as db:
            return dict(db.execute("SELECT key, value FROM meta").fetchall())

    def set_roster(self, names: Iterable[str]) -> int:
        """Keep the class's roster (names, stripped, blank lines skipped); returns how many names it holds."""
        clean = sorted({name.strip()[:MAX_TEXT_CHARS] for name in names if name.strip()})

        def change(db: sqlite3.Connection) -> int:
            db.execute("DELETE FROM roster")
            db.executemany("INSERT INTO roster VALUES (?)", [(name,) for name in clean])
            return len(clean)
        return self._write(change)

    def has_roster(self) -> bool:
        """Whether the class was started with a roster."""
        with self._reading() as db:
            return db.execute("SELECT 1 FROM roster LIMIT 1").fetchone() is not None

    def join(self, student: str, name: str | None = None) -> None:
        """Register a student id; with a roster, tie it to ``name`` (which must be on it)."""
        check_student_id(student)

        def change(db: sqlite3.Connection) -> None:
            if name is not None and db.execute("SELECT 1 FROM roster WHERE name = ?",
                                               (name.strip(),)).fetchone() is None:
                raise VoteRefusedError("name is not on the class's roster")
            db.execute("INSERT INTO students VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                       "name = COALESCE(excluded.name, students.name)",
                       (student, name.strip() if name is not None else None, time.time()))
        self._write(change)

    # --- polls ---------------------------------------------------------------------------------------------
    def open_poll(self, question: str, round_number: int = 1) -> Poll:
        """Open a vote on ``question`` (round 1, or 2 after discussion); any other open poll is closed first."""
        if not isinstance(round_number, int) or isinstance(round_number, bool) or not 1 <= round_number <= 9:
            raise VoteRefusedError(f"round must be a whole number from 1 to 9, not {round_number!r}")
        if not isinstance(question, str) or not question or len(question) > MAX_ID_CHARS * 2:
            raise VoteRefusedError(f"question must be a question id, not {question!r:.80}")

        def change(db: sqlite3.Connection) -> int:
            now = time.time()
            db.execute("UPDATE polls SET closed = ? WHERE closed IS NULL", (now,))
            return db.execute("INSERT INTO polls (question, round, opened) VALUES (?, ?, ?)",
                              (question, round_number, now)).lastrowid
        return self.poll(self._write(change))

    def close_poll(self) -> Poll | None:
        """Close the open poll (if any) and return it."""
        current = self.current_poll()
        if current is None or not current.is_open:
            return current
        self._write(lambda db: db.execute("UPDATE polls SET closed = ? WHERE id = ? AND closed IS NULL",
                                          (time.time(), current.id)))
        return self.poll(current.id)

    def reveal(self) -> Poll | None:
        """Close the latest poll and reveal the answer on every round of its question."""
        current = self.close_poll()
        if current is not None:
            self._write(lambda db: db.execute("UPDATE polls SET revealed = 1 WHERE question = ?", (current.question,)))
            return self.poll(current.id)
        return None

    def poll(self, poll_id: int) -> Poll:
        """The poll ``poll_id``; :class:`VoteRefusedError` if there is none."""
        with self._reading() as db:
            row = db.execute("SELECT id, question, round, opened, closed, revealed FROM polls WHERE id = ?",
                             (poll_id,)).fetchone()
        if row is None:
            raise VoteRefusedError(f"there is no vote {poll_id!r}")
        return Poll(row[0], row[1], row[2], row[3], row[4], bool(row[5]))

    def current_poll(self) -> Poll | None:
        """The latest poll (open, closed or revealed), or None before the first."""
        with self._reading() as db:
            row = db.execute("SELECT id, question, round, opened, closed, revealed FROM polls "
                             "ORDER BY id DESC LIMIT 1").fetchone()
        return None if row is None else Poll(row[0], row[1], row[2], row[3], row[4], bool(row[5]))

    def polls(self, question: str | None = None) -> list[Poll]:
        """Every poll (of one question), oldest first."""
        query = "SELECT id, question, round, opened, closed, revealed FROM polls"
        with self._reading() as db:
            rows = (db.execute(query + " WHERE question = ? ORDER BY id", (question,)) if question
                    else db.execute(query + " ORDER BY id")).fetchall()
        return [Poll(row[0], row[1], row[2], row[3], row[4], bool(row[5])) for row in rows]

    # --- votes ---------------------------------------------------------------------------------------------
    def vote(self, poll_id: int, student: str, choice: str, correct: bool, misconception: str | None = None) -> None:
        """Record ``student``'s choice in an open poll; a later vote in the same poll replaces it (latest wins).

        Raises
        ------
        VoteRefusedError
            When the poll does not exist or is closed, or the student id is malformed.
        """
        check_student_id(student)
        if not isinstance(choice, str) or not choice or len(choice) > MAX_TEXT_CHARS:
            raise VoteRefusedError(f"choice must be a choice's text, not {choice!r:.80}")

        def change(db: sqlite3.Connection) -> None:
            row = db.execute("SELECT closed FROM polls WHERE id = ?", (poll_id,)).fetchone()
            if row is None:
                raise VoteRefusedError(f"there is no vote {poll_id!r}")
            if row[0] is not None:
                raise VoteRefusedError("this vote is closed")
            db.execute("INSERT OR IGNORE INTO students VALUES (?, NULL, ?)", (student, time.time()))
            db.execute("INSERT INTO votes VALUES (?, ?, ?, ?, ?, ?, 0) ON CONFLICT(poll, student) DO UPDATE SET "
                       "choice = excluded.choice, correct = excluded.correct, misconception = excluded.misconception, "
                       "at = excluded.at, changes = votes.changes + 1",
                       (poll_id, student, choice, int(bool(correct)), misconception, time.time()))
        self._write(change)

    def my_vote(self, poll_id: int, student: str) -> str | None:
        """The choice ``student`` made in a poll, or None."""
        with self._reading() as db:
            row = db.execute("SELECT choice FROM votes WHERE poll = ? AND student = ?", (poll_id, student)).fetchone()
        return None if row is None else row[0]

    def choices(self, poll_id: int) -> list[str]:
        """Every vote's choice in a poll, as kept (no names): a select-all vote's is a JSON list of texts."""
        with self._reading() as db:
            return [row[0] for row in db.execute("SELECT choice FROM votes WHERE poll = ?", (poll_id,))]

    def counts(self, poll_id: int) -> dict[str, int]:
        """How many students chose each choice in a poll (no names)."""
        with self._reading() as db:
            return dict(db.execute("SELECT choice, COUNT(*) FROM votes WHERE poll = ? GROUP BY choice",
                                   (poll_id,)).fetchall())

    def overview(self) -> list[dict[str, Any]]:
        """Per question (in the order first polled): rounds, voters and % correct in its latest round, and the
        most common misconception among all its wrong votes (None if there is none)."""
        result = []
        with self._reading() as db:
            questions = [row[0] for row in db.execute("SELECT question FROM polls GROUP BY question ORDER BY MIN(id)")]
            for question in questions:
                latest = db.execute("SELECT id, round FROM polls WHERE question = ? ORDER BY id DESC LIMIT 1",
                                    (question,)).fetchone()
                voters, right = db.execute("SELECT COUNT(*), COALESCE(SUM(correct), 0) FROM votes WHERE poll = ?",
                                           (latest[0],)).fetchone()
                wrong = Counter(reason for row in db.execute(  # a select-all vote may hold several, one a line
                    "SELECT misconception FROM votes JOIN polls ON polls.id = votes.poll "
                    "WHERE polls.question = ? AND votes.correct = 0 AND misconception IS NOT NULL", (question,))
                    for reason in row[0].split("\n") if reason)
                rounds = db.execute("SELECT COUNT(*) FROM polls WHERE question = ?", (question,)).fetchone()[0]
                result.append({"question": question, "rounds": rounds, "voters": voters,
                               "percent_correct": round(100 * right / voters) if voters else None,
                               "misconception": wrong.most_common(1)[0][0] if wrong else None})
        return result

    def export_rows(self) -> list[dict[str, Any]]:
        """Every vote for the instructor's CSV: pseudonymous id, the name only if a roster gave one."""
        with self._reading() as db:
            rows = db.execute(
                "SELECT votes.student, students.name, polls.question, polls.round, votes.choice, votes.correct, "
                "votes.misconception, votes.at, votes.changes FROM votes JOIN polls ON polls.id = votes.poll "
                "LEFT JOIN students ON students.id = votes.student ORDER BY polls.id, votes.student").fetchall()
        return [{"student": row[0], "name": row[1] or "", "question": row[2], "round": row[3], "choice": row[4],
                 "correct": bool(row[5]), "misconception": row[6] or "",
                 "time": datetime.fromtimestamp(row[7]).isoformat(timespec="seconds"), "changes": row[8]}
                for row in rows]

    def student_votes(self, student: str) -> list[dict[str, Any]]:
        """One student's own votes (for their "my work"), oldest first."""
        check_student_id(student)
        return [row for row in self.export_rows() if row["student"] == student]
