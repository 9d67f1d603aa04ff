"""A student's "my work" (issue 27): answers, written exercises, scores and times, to hand in to the LMS.

:func:`collect` reads the progress store (:mod:`spinelab.course.progress`: the student's own file, or in class mode
their page's) and the self-check questions, and returns one JSON-ready document: the course version, when it was
exported, and per notebook the score and every question (prompt, the student's last answer, correct or not,
attempts, when) and every written exercise (prompt, what the student wrote, whether the solution was shown, when).
:func:`to_html` renders it as one self-contained HTML page (inline style, no script or link, the JSON inside);
:func:`write` saves both files. The page's words are in ``data/my_work.toml``. The module is pure Python.
"""

from __future__ import annotations

import html
import json
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from spinelab.course import datafile, quiz
from spinelab.course.progress import ProgressStore

FORMAT = "spinelab-my-work"
VERSION = 1
STYLE = ("body{font:1rem/1.45 sans-serif;color:#1a1a1a;max-width:60rem;margin:2rem auto;padding:0 1rem}"
         "table{border-collapse:collapse;width:100%;margin:0.5rem 0 1.5rem}"
         "th,td{border:1px solid #555;padding:0.3rem 0.5rem;text-align:left;vertical-align:top}"
         "td.pre{white-space:pre-wrap}")


def course_version() -> str:
    """The installed course's version (``unknown`` when it runs from a folder without being installed)."""
    try:
        return metadata.version("spinelab")
    except metadata.PackageNotFoundError:
        return "unknown"


def _answer_text(answer: object) -> str:
    if answer is None:
        return ""
    if isinstance(answer, list):
        return "; ".join(str(item) for item in answer)
    return str(answer)


def collect(store: ProgressStore | None = None, student: str | None = None,
            now: datetime | None = None) -> dict[str, Any]:
    """The student's work as a JSON-ready document (see the module's description).

    Parameters
    ----------
    store : ProgressStore, optional
        Where the answers are kept (default: the student's own progress file).
    student : str, optional
        The class's pseudonymous id, when the work comes from class mode.
    now : datetime, optional
        The export's time (default: now).
    """
    kept = (store or ProgressStore()).read()["notebooks"]
    notebooks = []
    for name in quiz.available():
        record = kept.get(name)
        if not record:
            continue
        check = quiz.load(name)
        answers = record.get("questions", {})
        questions = []
        for question in check.questions:
            row = answers.get(question.id, {})
            questions.append({"id": question.id, "prompt": question.prompt,
                              "answer": _answer_text(row.get("answer")), "correct": row.get("correct"),
                              "attempts": int(row.get("attempts", 0)), "at": row.get("at")})
        written = record.get("exercises", {})
        exercises = [{"id": exercise.id, "title": exercise.title, "prompt": exercise.prompt,
                      "answer": written[exercise.id].get("answer", ""),
                      "solution_shown": bool(written[exercise.id].get("revealed", False)),
                      "at": written[exercise.id].get("at")}
                     for exercise in check.exercises if exercise.id in written]
        notebooks.append({"notebook": name, "score": {
            "questions": len(questions), "answered": sum(row["attempts"] > 0 for row in questions),
            "correct": sum(row["correct"] is True for row in questions)},
            "questions": questions, "exercises": exercises})
    return {"format": FORMAT, "version": VERSION, "course_version": course_version(),
            "exported": (now or datetime.now()).astimezone().isoformat(timespec="seconds"),
            "student": student, "notebooks": notebooks}


def _cell(text: object, css: str = "") -> str:
    return f"<td{f' class={css!r}' if css else ''}>{html.escape(str(text))}</td>"


def to_html(work: dict[str, Any]) -> str:
    """The work as one self-contained HTML page (its JSON inside, in a ``script`` block the browser does not run)."""
    words = datafile.load("my_work")["labels"]
    escape = html.escape
    parts = [f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{escape(words['title'])}"
             f"</title><style>{STYLE}</style></head><body><main><h1>{escape(words['title'])}</h1>"
             f"<p>{escape(words['intro'])}</p><dl>"
             f"<dt>{escape(words['course_version'])}</dt><dd>{escape(work['course_version'])}</dd>"
             f"<dt>{escape(words['exported'])}</dt><dd>{escape(work['exported'])}</dd>"]
    if work.get("student"):
        parts.append(f"<dt>{escape(words['student'])}</dt><dd>{escape(work['student'])}</dd>")
    parts.append("</dl>")
    if not work["notebooks"]:
        parts.append(f"<p>{escape(words['nothing'])}</p>")
    for notebook in work["notebooks"]:
        score = words["score_text"].format(**notebook["score"])
        parts.append(f"<section><h2>{escape(words['notebook'])} {escape(notebook['notebook'])}</h2>"
                     f"<p>{escape(words['score'])}: {escape(score)}</p><table><thead><tr>"
                     + "".join(f"<th scope=\"col\">{escape(words[key])}</th>"
                               for key in ("question", "answer", "result", "attempts", "time"))
                     + "</tr></thead><tbody>")
        for row in notebook["questions"]:
            result = words["unanswered"] if row["correct"] is None else words["correct" if row["correct"]
                                                                               else "incorrect"]
            parts.append("<tr>" + "".join(_cell(value) for value in (
                row["prompt"], row["answer"], result, row["attempts"], row["at"] or "")) + "</tr>")
        parts.append("</tbody></table>")
        if notebook["exercises"]:
            parts.append("<table><thead><tr>" + "".join(
                f"<th scope=\"col\">{escape(words[key])}</th>"
                for key in ("exercise", "written", "solution_shown", "time")) + "</tr></thead><tbody>")
            for row in notebook["exercises"]:
                parts.append("<tr>" + _cell(f"{row['title']}: {row['prompt']}") + _cell(row["answer"], "pre")
                             + _cell(words["yes" if row["solution_shown"] else "no"]) + _cell(row["at"] or "")
                             + "</tr>")
            parts.append("</tbody></table>")
        parts.append("</section>")
    data = json.dumps(work, ensure_ascii=False).replace("</", "<\\/")
    parts.append(f"</main><script type=\"application/json\" id=\"my-work\">{data}</script></body></html>\n")
    return "".join(parts)


def write(folder: Path, work: dict[str, Any]) -> tuple[Path, Path]:
    """Save ``my-work.html`` and ``my-work.json`` in ``folder`` (created if needed); returns both paths."""
    folder.mkdir(parents=True, exist_ok=True)
    page, data = folder / "my-work.html", folder / "my-work.json"
    page.write_text(to_html(work), encoding="utf-8")
    data.write_text(json.dumps(work, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return page, data
