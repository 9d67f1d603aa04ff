"""The class store (issue 27): votes per question per round, latest vote wins, 40 processes at once, damage handled."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from spinelab.course.class_store import (
    ClassStore,
    ClassStoreError,
    ClassStoreWarning,
    VoteRefusedError,
    session_path,
)

STUDENTS = 40


@pytest.fixture
def store(tmp_path: Path) -> ClassStore:
    return ClassStore(tmp_path / "class.sqlite")


def test_a_vote_is_counted_and_the_latest_vote_of_a_round_wins(store: ClassStore) -> None:
    poll = store.open_poll("map-order")
    store.vote(poll.id, "student-aaaa", "True", correct=True)
    store.vote(poll.id, "student-bbbb", "True", correct=True)
    store.vote(poll.id, "student-aaaa", "False", correct=False, misconception="m1")
    assert store.counts(poll.id) == {"True": 1, "False": 1}
    assert store.my_vote(poll.id, "student-aaaa") == "False"
    assert [row["changes"] for row in store.export_rows() if row["student"] == "student-aaaa"] == [1]


def test_round_two_keeps_round_one_and_a_closed_round_refuses_votes(store: ClassStore) -> None:
    first = store.open_poll("map-order", 1)
    store.vote(first.id, "student-aaaa", "False", correct=False, misconception="m1")
    store.close_poll()
    with pytest.raises(VoteRefusedError, match="closed"):
        store.vote(first.id, "student-aaaa", "True", correct=True)
    second = store.open_poll("map-order", 2)
    store.vote(second.id, "student-aaaa", "True", correct=True)
    assert store.counts(first.id) == {"False": 1}
    assert store.counts(second.id) == {"True": 1}
    assert [(poll.round, poll.is_open) for poll in store.polls("map-order")] == [(1, False), (2, True)]
    revealed = store.reveal()
    assert revealed is not None and revealed.revealed and not revealed.is_open
    assert all(poll.revealed for poll in store.polls("map-order"))


def test_opening_a_poll_closes_the_one_before(store: ClassStore) -> None:
    first = store.open_poll("q-one")
    store.open_poll("q-two")
    assert not store.poll(first.id).is_open


def test_overview_gives_percent_correct_of_the_latest_round_and_the_commonest_misconception(store: ClassStore) -> None:
    first = store.open_poll("q-one", 1)
    for number, (choice, correct, why) in enumerate([("A", True, None), ("B", False, "m-b"), ("B", False, "m-b"),
                                                     ("C", False, "m-c")]):
        store.vote(first.id, f"student-{number:04d}", choice, correct, why)
    second = store.open_poll("q-one", 2)
    for number in range(3):
        store.vote(second.id, f"student-{number:04d}", "A", True)
    store.vote(second.id, "student-0003", "C", False, "m-c")
    [row] = store.overview()
    assert row == {"question": "q-one", "rounds": 2, "voters": 4, "percent_correct": 75, "misconception": "m-b"}


def test_a_select_all_vote_counts_each_of_its_misconceptions_in_the_overview(store: ClassStore) -> None:
    poll = store.open_poll("q-all")
    store.vote(poll.id, "student-0000", '["A", "D"]', False, "m-d")
    store.vote(poll.id, "student-0001", '["C", "D"]', False, "m-c\nm-d")  # two wrong ticks, one line each
    store.vote(poll.id, "student-0002", '["A", "C", "D"]', False, "m-c\nm-d")
    store.vote(poll.id, "student-0003", '["A", "B"]', True)
    assert sorted(store.choices(poll.id)) == ['["A", "B"]', '["A", "C", "D"]', '["A", "D"]', '["C", "D"]']
    [row] = store.overview()
    assert (row["voters"], row["percent_correct"], row["misconception"]) == (4, 25, "m-d")


def test_export_has_no_names_without_a_roster_and_names_only_from_it(store: ClassStore) -> None:
    poll = store.open_poll("q-one")
    store.vote(poll.id, "student-aaaa", "A", True)
    assert store.export_rows()[0]["name"] == ""
    assert not store.has_roster()
    assert store.set_roster(["Ada Lovelace", " ", "Grace Hopper\n"]) == 2
    with pytest.raises(VoteRefusedError, match="roster"):
        store.join("student-aaaa", "Someone Else")
    store.join("student-aaaa", "Ada Lovelace")
    assert store.export_rows()[0]["name"] == "Ada Lovelace"


@pytest.mark.parametrize("student", ["", "short", "x" * 65, "bad id!", 42])
def test_a_malformed_student_id_is_refused(store: ClassStore, student: object) -> None:
    poll = store.open_poll("q-one")
    with pytest.raises(VoteRefusedError, match="student must be"):
        store.vote(poll.id, student, "A", True)  # type: ignore[arg-type]


def test_a_vote_in_no_poll_and_a_bad_round_are_refused(store: ClassStore) -> None:
    with pytest.raises(VoteRefusedError, match="no vote"):
        store.vote(99, "student-aaaa", "A", True)
    with pytest.raises(VoteRefusedError, match="round"):
        store.open_poll("q-one", 0)


def test_a_corrupt_database_is_moved_aside_and_a_fresh_one_starts(tmp_path: Path) -> None:
    path = tmp_path / "class.sqlite"
    path.write_bytes(b"this is not a database, it is a note someone saved here" * 100)
    with pytest.warns(ClassStoreWarning, match="moved aside|kept as"):
        store = ClassStore(path)
    aside = list(tmp_path.glob("class.sqlite.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not a database")
    assert store.notices and "fresh store" in store.notices[0]
    assert store.current_poll() is None
    poll = store.open_poll("q-one")
    store.vote(poll.id, "student-aaaa", "A", True)
    assert store.counts(poll.id) == {"A": 1}


def test_a_database_locked_too_long_is_a_message_not_a_sqlite_error(tmp_path: Path) -> None:
    path = tmp_path / "class.sqlite"
    store = ClassStore(path, lock_timeout=0.3)
    poll = store.open_poll("q-one")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(ClassStoreError, match="locked by another process"):
            store.vote(poll.id, "student-aaaa", "A", True)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    store.vote(poll.id, "student-aaaa", "A", True)
    assert store.counts(poll.id) == {"A": 1}


def test_an_unwritable_folder_is_a_message(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ClassStoreError, match="cannot be created"):
        ClassStore(blocker / "class.sqlite")


def test_new_sessions_go_to_the_folder_set_for_them_or_to_the_named_file(monkeypatch: pytest.MonkeyPatch,
                                                                          tmp_path: Path) -> None:
    monkeypatch.delenv("SPINELAB_CLASS_STORE", raising=False)
    monkeypatch.setenv("SPINELAB_CLASS_STORE_DIR", str(tmp_path))
    assert session_path("02_protective_guarding").parent == tmp_path
    monkeypatch.setenv("SPINELAB_CLASS_STORE", "/somewhere/x.sqlite")
    assert session_path("02_protective_guarding") == Path("/somewhere/x.sqlite")


def _vote_as(path: str, poll_id: int, number: int, start: multiprocessing.synchronize.Event) -> None:
    store = ClassStore(path)
    start.wait()
    for change in range(3):  # each student changes their mind twice: 120 writes at once, 40 votes kept
        store.vote(poll_id, f"student-{number:04d}", f"choice-{(number + change) % 4}", correct=change == 2)


def test_forty_processes_voting_at_once_are_all_recorded(tmp_path: Path) -> None:
    path = tmp_path / "class.sqlite"
    store = ClassStore(path)
    poll = store.open_poll("q-one")
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    workers = [context.Process(target=_vote_as, args=(str(path), poll.id, number, start)) for number in range(STUDENTS)]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(120)
    assert [worker.exitcode for worker in workers] == [0] * STUDENTS
    rows = store.export_rows()
    assert len(rows) == STUDENTS
    assert sum(store.counts(poll.id).values()) == STUDENTS
    assert all(row["correct"] and row["changes"] == 2 for row in rows)
    assert {row["choice"] for row in rows if row["student"] == "student-0001"} == {"choice-3"}
