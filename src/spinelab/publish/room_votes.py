"""The room's votes as the class sees them (issue 27): the questions that can be put to a vote, votes graded.

:class:`Room` holds a class's store (:mod:`spinelab.course.class_store`) and the two secrets; it offers the
instructor's picker (any multiple-choice, true/false or select-all self-check item, the class kit's first), grades
each vote on the server, tallies each round and exports the CSV. A select-all vote ticks any number of choices: it
is kept as a JSON list of their texts, each ticked choice counts in its bar, it is correct when it ticks exactly
the correct choices, and each wrong tick names its misconception (one a line). :mod:`spinelab.publish.room`
serves it over HTTP.
"""

from __future__ import annotations

import csv
import io
import json
import secrets
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from typing import Any

from spinelab.course import quiz
from spinelab.course.class_store import ClassStore, VoteRefusedError, check_student_id

#: Question kinds a room can vote on: one choice each, or any number of ticked choices (select all). Numeric items
#: have no choices to count, so they are not put to a vote.
VOTE_KINDS = ("multiple_choice", "true_false", "select_all")
KIT_FILE = ("data", "class_kit.toml")


def kit_question_ids(text: str | None = None) -> list[str]:
    """The class kit's peer-instruction question ids (``[[peer_instruction]] question = "..."``), or [] without one."""
    if text is None:
        kit = resources.files("spinelab").joinpath(*KIT_FILE)
        if not kit.is_file():
            return []
        text = kit.read_text(encoding="utf-8")
    rows = tomllib.loads(text).get("peer_instruction", [])
    return [row["question"] for row in rows if isinstance(row, dict) and isinstance(row.get("question"), str)]


@dataclass
class Room:
    """A class's votes: the store, the two secrets and the questions that can be put to the room."""

    store: ClassStore
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    instructor_token: str = field(default_factory=lambda: secrets.token_urlsafe(16))

    @cached_property
    def questions(self) -> dict[str, tuple[str, quiz.Question]]:
        """Every question a vote can be held on, by id: ``(notebook, question)``."""
        return {question.id: (notebook, question) for notebook, question in quiz.all_questions()
                if question.kind in VOTE_KINDS}

    def question(self, question_id: object) -> quiz.Question:
        """The question ``question_id``; :class:`VoteRefusedError` naming the parameter if there is none."""
        if not isinstance(question_id, str) or question_id not in self.questions:
            raise VoteRefusedError(f"question must be the id of a multiple-choice, true/false or select-all self-check "
                                   f"item (numeric items cannot be put to a vote), not {question_id!r:.80}")
        return self.questions[question_id][1]

    def catalogue(self) -> list[dict[str, Any]]:
        """The questions for the instructor's picker: the kit's first (marked), then every other by notebook."""
        kit = [question_id for question_id in kit_question_ids() if question_id in self.questions]
        rest = [question_id for question_id in self.questions if question_id not in kit]
        return [{"id": question_id, "notebook": self.questions[question_id][0],
                 "prompt": self.questions[question_id][1].prompt, "kind": self.questions[question_id][1].kind,
                 "kit": question_id in kit} for question_id in [*kit, *rest]]

    def tally(self, question: quiz.Question, poll_id: int) -> tuple[list[int], int]:
        """Per shown choice, how many students chose it (select all: ticked it), and how many voted."""
        kept = self.store.choices(poll_id)
        if question.kind == "select_all":
            counts = Counter(text for choice in kept for text in _ticked(choice))
        else:
            counts = Counter(kept)
        return [counts.get(choice.text, 0) for choice in question.shown_choices], len(kept)

    def student_view(self, student: str | None) -> dict[str, Any]:
        """What a student's page shows: the latest vote (choices, their own choice), the answer once revealed."""
        poll = self.store.current_poll()
        base: dict[str, Any] = {"roster": self.store.has_roster()}
        if poll is None:
            return {**base, "poll": None}
        question = self.question(poll.question)
        mine = self.store.my_vote(poll.id, student) if student else None
        view = {**base, "poll": poll.id, "round": poll.round, "open": poll.is_open, "revealed": poll.revealed,
                "kind": question.kind, "vignette": question.vignette or "", "prompt": question.prompt,
                "choices": [choice.text for choice in question.shown_choices],
                "mine": _ticked(mine) if mine is not None and question.kind == "select_all" else mine}
        if poll.revealed:
            view.update(answer=[choice.text for choice in question.correct_choices],
                        explanation=question.explanation, counts=self.tally(question, poll.id)[0])
        return view

    def vote(self, poll_id: object, student: object, choice: object) -> None:
        """Record a student's vote, graded against the poll's question."""
        if not isinstance(poll_id, int) or isinstance(poll_id, bool):
            raise VoteRefusedError(f"poll must be a vote's number, not {poll_id!r:.80}")
        question = self.question(self.store.poll(poll_id).question)
        student = check_student_id(student)
        if question.kind == "select_all":
            ticked = _picked(question, choice)
            correct, _ = question.grade_choices(ticked)
            reasons = "\n".join(item.misconception for item in ticked if not item.correct and item.misconception)
            self.store.vote(poll_id, student, json.dumps([item.text for item in ticked]), bool(correct),
                            reasons or None)
            return
        try:
            picked = question.choice(choice) if isinstance(choice, str) else None
        except KeyError:
            picked = None
        if picked is None:
            raise VoteRefusedError(f"choice must be one of the question's choices, not {choice!r:.80}")
        self.store.vote(poll_id, student, picked.text, picked.correct, picked.misconception)

    def my_votes(self, student: object) -> dict[str, Any]:
        """One student's own votes (their random id is the key: no one else knows it), with each question."""
        rows = self.store.student_votes(check_student_id(student))
        return {"format": "spinelab-my-votes", "student": student, "votes": [
            {"question": row["question"], "prompt": self.questions[row["question"]][1].prompt
             if row["question"] in self.questions else "", "round": row["round"],
             "choice": self.choice_words(row["question"], row["choice"]), "correct": row["correct"],
             "time": row["time"]} for row in rows]}

    def choice_words(self, question_id: str, kept: str) -> str:
        """A vote's choice in words: its text, or a select-all vote's ticked texts joined by ``; ``."""
        known = self.questions.get(question_id)
        return "; ".join(_ticked(kept)) if known is not None and known[1].kind == "select_all" else kept

    def results(self, question_id: object) -> dict[str, Any]:
        """Every round of a question side by side, with each choice's correctness and misconception."""
        question = self.question(question_id)
        polls = self.store.polls(question.id)
        rounds = []
        for poll in polls:
            counts, voters = self.tally(question, poll.id)
            rounds.append({"poll": poll.id, "round": poll.round, "open": poll.is_open, "counts": counts,
                           "total": voters})
        return {"id": question.id, "notebook": self.questions[question.id][0], "kind": question.kind,
                "prompt": question.prompt,
                "vignette": question.vignette or "", "explanation": question.explanation,
                "revealed": any(poll.revealed for poll in polls),
                "choices": [{"text": choice.text, "correct": choice.correct,
                             "misconception": choice.misconception or ""} for choice in question.shown_choices],
                "rounds": rounds}

    def overview(self) -> list[dict[str, Any]]:
        """The class overview with each question's prompt."""
        return [{**row, "prompt": self.questions[row["question"]][1].prompt if row["question"] in self.questions
                 else ""} for row in self.store.overview()]

    def export_csv(self) -> str:
        """Every vote as CSV: pseudonymous ids; a ``name`` column only when the class has a roster."""
        rows = [{**row, "choice": self.choice_words(row["question"], row["choice"]),
                 "misconception": row["misconception"].replace("\n", "; ")} for row in self.store.export_rows()]
        columns = ["student", *(["name"] if self.store.has_roster() else []), "question", "round", "choice",
                   "correct", "misconception", "time", "changes"]
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()


def _ticked(kept: str) -> list[str]:
    """A select-all vote's ticked texts, as kept (a JSON list)."""
    try:
        texts = json.loads(kept)
    except ValueError:
        return []
    return [text for text in texts if isinstance(text, str)] if isinstance(texts, list) else []


def _picked(question: quiz.Question, choice: object) -> list[quiz.Choice]:
    """The choices a select-all vote ticks, in the order shown; :class:`VoteRefusedError` unless ``choice`` is a
    non-empty list of distinct choice texts."""
    shown = {item.text: item for item in question.shown_choices}
    if (not isinstance(choice, list) or not choice or len(set(map(str, choice))) != len(choice)
            or not all(isinstance(text, str) and text in shown for text in choice)):
        raise VoteRefusedError(f"choice must be a list of the question's choices, ticked at least one, each once, "
                               f"not {choice!r:.80}")
    return [item for text, item in shown.items() if text in choice]
