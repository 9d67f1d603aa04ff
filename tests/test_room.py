"""The room's HTTP API (issue 27): the class secret for students, the instructor's token, votes graded, CSV export."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from tornado.testing import AsyncHTTPTestCase

from spinelab.course import quiz
from spinelab.course.class_store import ClassStore
from spinelab.publish.room import INSTRUCTOR_COOKIE, PREFIX, ROOM_COOKIE, Room, make_app
from spinelab.publish.room_votes import kit_question_ids

QUESTION = "map-order"  # notebook 00, true/false
SELECT_ALL = "working-in-notebooks"  # notebook 00: four right choices, one wrong
NUMERIC = "half-way-day"  # notebook 00


@pytest.fixture(autouse=True)
def _store_dir(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    if request.instance is not None:
        request.instance.store_path = tmp_path / "class.sqlite"


class RoomCase(AsyncHTTPTestCase):
    store_path: Path

    def get_app(self) -> Any:
        self.room = Room(ClassStore(self.store_path))
        return make_app(self.room)

    def call(self, path: str, body: object = None, who: str = "student", headers: dict[str, str] | None = None
             ) -> tuple[int, Any]:
        sent = dict(headers or {})
        if who == "student":
            sent["X-Spinelab-Room"] = self.room.secret
        elif who == "instructor":
            sent["Authorization"] = f"token {self.room.instructor_token}"
        kwargs: dict[str, Any] = {"method": "GET"}
        if body is not None:
            kwargs = {"method": "POST", "body": json.dumps(body)}
            sent.setdefault("Content-Type", "application/json")
        response = self.fetch(PREFIX + path, headers=sent, follow_redirects=False, **kwargs)
        try:
            return response.code, json.loads(response.body)
        except ValueError:
            return response.code, response.body.decode()

    def vote(self, poll: int, student: str, choice: object) -> tuple[int, Any]:
        return self.call("/api/vote", {"poll": poll, "student": student, "choice": choice})


class TestRoomApi(RoomCase):
    def test_a_full_peer_instruction_round_trip(self) -> None:
        code, opened = self.call("/api/instructor/open", {"question": QUESTION, "round": 1}, who="instructor")
        assert code == 200 and opened["open"] and opened["round"] == 1
        code, view = self.call("/api/poll?student=student-0001")
        assert code == 200 and view["choices"] == ["True", "False"] and view["mine"] is None
        assert "answer" not in view and "explanation" not in view  # nothing given away before the reveal
        assert self.vote(opened["poll"], "student-0001", "False")[0] == 200
        assert self.vote(opened["poll"], "student-0002", "True")[0] == 200
        assert self.call("/api/poll?student=student-0001")[1]["mine"] == "False"
        self.call("/api/instructor/close", {}, who="instructor")
        assert self.vote(opened["poll"], "student-0003", "True")[0] == 409
        _, second = self.call("/api/instructor/open", {"question": QUESTION, "round": 2}, who="instructor")
        for number in (1, 2, 3):
            self.vote(second["poll"], f"student-000{number}", "True")
        _, results = self.call(f"/api/instructor/results?question={QUESTION}", who="instructor")
        assert [(row["round"], row["counts"], row["total"]) for row in results["rounds"]] == [(1, [1, 1], 2),
                                                                                               (2, [3, 0], 3)]
        false = results["choices"][1]
        assert not false["correct"] and false["misconception"]
        self.call("/api/instructor/reveal", {}, who="instructor")
        _, view = self.call("/api/poll?student=student-0001")
        assert view["revealed"] and view["answer"] == ["True"] and view["counts"] == [3, 0] and view["explanation"]
        _, overview = self.call("/api/instructor/overview", who="instructor")
        assert overview[0]["question"] == QUESTION and overview[0]["percent_correct"] == 100
        assert overview[0]["misconception"] == false["misconception"]

    def test_a_select_all_item_is_voted_on_with_ticks_counted_per_choice_and_revealed_with_misconceptions(
            self) -> None:
        question = quiz.load("00_start_here").question(SELECT_ALL)
        right = [choice.text for choice in question.shown_choices if choice.correct]
        wrong = next(choice for choice in question.shown_choices if not choice.correct)
        _, catalogue = self.call("/api/instructor/questions", who="instructor")
        kinds = {row["id"]: row["kind"] for row in catalogue}
        assert kinds[SELECT_ALL] == "select_all" and NUMERIC not in kinds
        code, opened = self.call("/api/instructor/open", {"question": SELECT_ALL}, who="instructor")
        assert code == 200
        _, view = self.call("/api/poll?student=student-0001")
        assert view["kind"] == "select_all" and view["choices"] == [choice.text for choice in question.shown_choices]
        assert self.vote(opened["poll"], "student-0001", right)[0] == 200  # every right one: correct
        assert self.vote(opened["poll"], "student-0002", [wrong.text, right[0]])[0] == 200  # one wrong tick
        assert self.vote(opened["poll"], "student-0003", right[:2])[0] == 200  # right ones missed
        for bad in (right[0], [], [right[0], right[0]], ["Maybe"], [1]):
            code, reply = self.vote(opened["poll"], "student-0004", bad)
            assert code == 400 and reply["error"].startswith("choice must be a list"), bad
        mine = self.call("/api/poll?student=student-0002")[1]["mine"]
        assert mine == [text for text in view["choices"] if text in (wrong.text, right[0])]
        _, results = self.call(f"/api/instructor/results?question={SELECT_ALL}", who="instructor")
        counts = dict(zip([choice["text"] for choice in results["choices"]], results["rounds"][0]["counts"],
                          strict=True))
        assert results["kind"] == "select_all" and results["rounds"][0]["total"] == 3
        assert counts == {**{text: 1 for text in right}, right[0]: 3, right[1]: 2, wrong.text: 1}
        self.call("/api/instructor/reveal", {}, who="instructor")
        _, view = self.call("/api/poll?student=student-0003")
        assert view["revealed"] and view["answer"] == [choice.text for choice in question.correct_choices]
        assert view["counts"] == [counts[text] for text in view["choices"]] and view["mine"] == right[:2]
        [row] = self.call("/api/instructor/overview", who="instructor")[1]
        assert (row["percent_correct"], row["misconception"]) == (33, wrong.misconception)
        _, text = self.call("/api/instructor/export.csv", who="instructor")
        exported = {row["student"]: row for row in csv.DictReader(io.StringIO(text))}
        assert exported["student-0002"]["choice"] == "; ".join(mine)
        assert (exported["student-0002"]["correct"], exported["student-0002"]["misconception"]) == (
            "False", wrong.misconception)
        assert self.call("/api/mine?student=student-0001")[1]["votes"][0]["choice"] == "; ".join(right)

    def test_a_numeric_item_cannot_be_put_to_a_vote(self) -> None:
        code, reply = self.call("/api/instructor/open", {"question": NUMERIC}, who="instructor")
        assert code == 400 and "numeric items cannot be put to a vote" in reply["error"]

    def test_a_vote_is_graded_by_the_server_not_trusted_from_the_page(self) -> None:
        _, opened = self.call("/api/instructor/open", {"question": QUESTION}, who="instructor")
        assert self.vote(opened["poll"], "student-0001", "Maybe")[0] == 400
        self.vote(opened["poll"], "student-0001", "False")
        [row] = self.room.store.export_rows()
        assert row["correct"] is False and row["misconception"] == quiz.load("00_start_here").question(
            QUESTION).choice("False").misconception

    def test_students_need_the_class_secret_and_cannot_use_the_instructors_api(self) -> None:
        assert self.call("/api/poll", who="nobody")[0] == 403
        assert self.call("/api/poll", who="nobody", headers={"X-Spinelab-Room": "x" * 22})[0] == 403
        for path in ("/api/instructor/results?question=map-order", "/api/instructor/export.csv",
                     "/api/instructor/overview", "/instructor"):
            assert self.call(path)[0] == 403
        assert self.call("/api/instructor/open", {"question": QUESTION})[0] == 403

    def test_a_write_without_a_json_body_is_refused(self) -> None:
        code, _ = self.call("/api/instructor/open", {"question": QUESTION}, who="instructor",
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert code == 415

    def test_bad_input_is_a_message_naming_the_parameter(self) -> None:
        code, reply = self.call("/api/instructor/open", {"question": "no-such-item"}, who="instructor")
        assert code == 400 and reply["error"].startswith("question must be")
        code, reply = self.call("/api/instructor/open", {"question": QUESTION, "round": "two"}, who="instructor")
        assert code == 400 and reply["error"].startswith("round must be")
        _, opened = self.call("/api/instructor/open", {"question": QUESTION}, who="instructor")
        code, reply = self.vote(opened["poll"], "x", "True")
        assert code == 400 and reply["error"].startswith("student must be")

    def test_the_secrets_in_an_address_become_cookies_and_leave_the_address(self) -> None:
        response = self.fetch(f"{PREFIX}/instructor?token={self.room.instructor_token}", follow_redirects=False)
        assert response.code == 302 and response.headers["Location"] == f"{PREFIX}/instructor"
        cookie = response.headers["Set-Cookie"]
        assert cookie.startswith(f"{INSTRUCTOR_COOKIE}=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
        page = self.fetch(f"{PREFIX}/instructor", headers={"Cookie": cookie.split(";")[0]})
        assert page.code == 200 and b"Class votes" in page.body
        response = self.fetch(f"{PREFIX}/vote?room={self.room.secret}", follow_redirects=False)
        assert response.headers["Set-Cookie"].startswith(f"{ROOM_COOKIE}=")
        assert self.fetch(f"{PREFIX}/vote?room=wrong-secret-wrong", follow_redirects=False).code == 403

    def test_the_export_is_pseudonymous_without_a_roster(self) -> None:
        _, opened = self.call("/api/instructor/open", {"question": QUESTION}, who="instructor")
        self.vote(opened["poll"], "student-0001", "True")
        code, text = self.call("/api/instructor/export.csv", who="instructor")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert code == 200 and "name" not in rows[0] and rows[0]["student"] == "student-0001"
        self.room.store.set_roster(["Ada Lovelace"])
        assert self.call("/api/join", {"student": "student-0001", "name": "Somebody"})[0] == 400
        assert self.call("/api/join", {"student": "student-0001", "name": "Ada Lovelace"})[0] == 200
        _, text = self.call("/api/instructor/export.csv", who="instructor")
        assert next(csv.DictReader(io.StringIO(text)))["name"] == "Ada Lovelace"

    def test_a_student_sees_only_their_own_vote(self) -> None:
        _, opened = self.call("/api/instructor/open", {"question": QUESTION}, who="instructor")
        self.vote(opened["poll"], "student-0001", "False")
        _, view = self.call("/api/poll?student=student-0002")
        assert view["mine"] is None and "counts" not in view
        _, theirs = self.call("/api/mine?student=student-0002")
        assert theirs["votes"] == []
        _, mine = self.call("/api/mine?student=student-0001")
        assert [(row["question"], row["round"], row["choice"], row["correct"]) for row in mine["votes"]] == [
            (QUESTION, 1, "False", False)]
        assert "name" not in mine["votes"][0]


def test_the_kit_lists_peer_instruction_questions_in_order() -> None:
    text = '[[peer_instruction]]\nquestion = "b-item"\n[[peer_instruction]]\nquestion = "a-item"\n'
    assert kit_question_ids(text) == ["b-item", "a-item"]
    assert kit_question_ids("") == []


def test_make_class_keeps_the_votes_outside_the_repository_and_prints_the_instructors_address(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from spinelab.publish import classroom, serving

    monkeypatch.delenv("SPINELAB_CLASS_STORE", raising=False)
    notebook = Path(__file__).resolve().parents[1] / "notebooks" / "02_protective_guarding.ipynb"
    room = classroom.plan_room(notebook)
    assert room.store.parent == Path(os.environ["SPINELAB_CLASS_STORE_DIR"])
    assert room.store.name.endswith("-02_protective_guarding.sqlite")
    assert Path(__file__).resolve().parents[1] not in room.store.parents
    assert room.secret != room.instructor_token and min(len(room.secret), len(room.instructor_token)) >= 16
    listen = serving.Listen("127.0.0.1", 8866, "t" * 22)
    lines = room.lines(listen)
    assert f"http://127.0.0.1:8866/spinelab/room/instructor?token={room.instructor_token}" in lines[1]
    assert "pseudonymous" in lines[0] and str(room.store) in lines[0]
    config = classroom.voila_config(classroom.plan_class(notebook, 2), listen=listen, room=room)
    assert config["ClassServer"]["room_store"] == str(room.store)
    assert config["ClassServer"]["instructor_token"] == room.instructor_token
    assert ClassStore(room.store).meta()["notebook"] == "02_protective_guarding"


def test_a_roster_is_kept_in_the_store_and_an_unreadable_one_is_a_message(tmp_path: Path) -> None:
    from spinelab.publish import classroom

    notebook = Path("02_protective_guarding.ipynb")
    roster = tmp_path / "roster.txt"
    roster.write_text("Ada Lovelace\n\nGrace Hopper\n", encoding="utf-8")
    room = classroom.plan_room(notebook, tmp_path / "c.sqlite", roster)
    assert room.roster_names == 2 and ClassStore(room.store).has_roster()
    with pytest.raises(classroom.ClassroomError, match="roster must be a text file"):
        classroom.plan_room(notebook, tmp_path / "d.sqlite", tmp_path / "missing.txt")
