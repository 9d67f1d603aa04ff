import json
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from jupyter_core.paths import jupyter_data_dir

from spinelab.course import progress, quiz, selfcheck
from spinelab.course.progress import ProgressError, ProgressStore, ProgressWarning

ROOT = Path(__file__).resolve().parents[1]
WRITERS, ANSWERS = 4, 40


def test_answers_are_saved_and_read_back(tmp_path):
    store = ProgressStore(tmp_path / "sub" / "progress.json")
    assert store.question("01", "q").attempts == 0 and store.exercise("01", "e").answer == ""
    store.record_attempt("01", "q", "Trapezius", False)
    record = store.record_attempt("01", "q", "Multifidus", True)
    assert record == progress.QuestionRecord(attempts=2, answer="Multifidus", correct=True)
    assert store.question("01", "q") == record
    store.save_exercise("01", "e", "my answer")
    assert store.exercise("01", "e") == progress.ExerciseRecord("my answer", False)
    store.save_exercise("01", "e", "my answer", revealed=True)
    store.save_exercise("01", "e", "my answer, again")
    assert store.exercise("01", "e") == progress.ExerciseRecord("my answer, again", True)
    assert store.counts("01", ["q", "other"]) == (1, 1)
    document = json.loads((tmp_path / "sub" / "progress.json").read_text(encoding="utf-8"))
    assert document["version"] == 1 and document["notebooks"]["01"]["questions"]["q"]["attempts"] == 2
    assert sorted(path.name for path in (tmp_path / "sub").iterdir()) == ["progress.json", "progress.json.lock"]


def test_reset_forgets_one_notebook_or_all(tmp_path):
    store = ProgressStore(tmp_path / "p.json")
    store.record_attempt("00", "a", "x", True)
    store.record_attempt("01", "b", "y", False)
    store.reset("00")
    assert store.question("00", "a").attempts == 0 and store.question("01", "b").attempts == 1
    store.reset()
    assert store.read() == {"version": 1, "notebooks": {}}


def _run(code: str, path: Path) -> str:
    env = {**os.environ, progress.ENV: str(path)}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
                          timeout=120).stdout


def test_answers_survive_a_kernel_restart(tmp_path):
    path = tmp_path / "progress.json"
    _run("from spinelab.course.progress import ProgressStore\n"
         "ProgressStore().record_attempt('03', 'q', [4.5], False)\n"
         "ProgressStore().save_exercise('03', 'e', 'written before the restart')", path)
    out = _run("from spinelab.course.progress import ProgressStore\n"
               "s = ProgressStore(); print(s.question('03', 'q').attempts, s.exercise('03', 'e').answer)", path)
    assert out.strip() == "1 written before the restart"
    assert ProgressStore(path).question("03", "q").answer == [4.5]


def _write_many(path: str, writer: int, portable: bool) -> None:
    if portable:
        progress.USE_FCNTL = False
    store = ProgressStore(path, lock_timeout=60)
    for number in range(ANSWERS):
        store.record_attempt("nb", f"w{writer}-q{number}", number, number % 2 == 0)
        store.record_attempt("shared", "q", writer, True)


@pytest.mark.parametrize("portable", [False, True], ids=["fcntl-or-default", "lock-file"])
def test_notebooks_writing_at_once_lose_no_answer(tmp_path, portable):
    if not portable and progress.fcntl is None:
        pytest.skip("no fcntl here: the default is the lock file")
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    if portable and method != "fork":
        pytest.skip("switching the lock needs fork")
    path = tmp_path / "progress.json"
    context = multiprocessing.get_context(method)
    workers = [context.Process(target=_write_many, args=(str(path), writer, portable)) for writer in range(WRITERS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    kept = ProgressStore(path).read()["notebooks"]
    assert len(kept["nb"]["questions"]) == WRITERS * ANSWERS
    assert kept["shared"]["questions"]["q"]["attempts"] == WRITERS * ANSWERS
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob("*corrupt*"))


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"version": 99, "notebooks": {}}',
                                     '{"version": 1, "notebooks": {"00": {"questions": []}}}', b"\xff\xfe\x00"])
def test_a_corrupt_file_is_moved_aside_with_a_message_and_a_fresh_one_starts(tmp_path, content):
    path = tmp_path / "progress.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    store = ProgressStore(path)
    with pytest.warns(ProgressWarning, match="could not be used") as caught:
        assert store.question("00", "q").attempts == 0
    aside = list(tmp_path.glob("progress.json.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == (content if isinstance(content, bytes) else content.encode())
    message = str(caught[0].message)
    assert str(path) in message and aside[0].name in message and "fresh record" in message
    assert store.notices == [message]
    store.record_attempt("00", "q", "x", True)
    assert ProgressStore(path).question("00", "q").attempts == 1
    path.write_text("{", encoding="utf-8")
    with pytest.warns(ProgressWarning):
        ProgressStore(path).read()
    assert len(list(tmp_path.glob("progress.json.corrupt-*"))) == 2  # a second one is kept beside the first


def test_a_lock_held_too_long_is_a_clear_error_and_a_stale_lock_file_is_removed(tmp_path, monkeypatch):
    monkeypatch.setattr(progress, "USE_FCNTL", False)
    path = tmp_path / "progress.json"
    lock = tmp_path / "progress.json.lock"
    lock.write_text("")
    with pytest.raises(ProgressError, match=r"another notebook kept .* locked"):
        ProgressStore(path, lock_timeout=0.05).record_attempt("00", "q", "x", True)
    old = time.time() - progress.STALE_LOCK_SECONDS - 5
    os.utime(lock, (old, old))
    ProgressStore(path, lock_timeout=0.05).record_attempt("00", "q", "x", True)
    assert not lock.exists() and ProgressStore(path).question("00", "q").attempts == 1


def test_the_file_is_in_the_jupyter_data_directory_unless_overridden(monkeypatch, tmp_path):
    monkeypatch.setenv(progress.ENV, str(tmp_path / "mine.json"))
    assert progress.default_path() == tmp_path / "mine.json"
    monkeypatch.setenv(progress.ENV, "  ")
    assert progress.default_path() == Path(jupyter_data_dir()) / "spinelab" / "progress.json"
    monkeypatch.delenv(progress.ENV)  # pytest itself is no reason to move the file: conftest.py sets the variable
    assert progress.default_path() == Path(jupyter_data_dir()) / "spinelab" / "progress.json"


def test_the_test_session_never_touches_the_students_file_or_the_repository():
    path = Path(os.environ[progress.ENV]).resolve()
    assert ROOT not in path.parents
    assert path != (Path(jupyter_data_dir()) / "spinelab" / "progress.json").resolve()
    assert ProgressStore().path == Path(os.environ[progress.ENV])


def test_the_progress_panel_counts_per_notebook_and_resets_after_confirmation(tmp_path, monkeypatch):
    store = ProgressStore(tmp_path / "p.json")
    names = quiz.available()
    monkeypatch.setattr(quiz, "load", lambda name: quiz.SelfCheck(name, tuple(
        quiz.Question(id=f"{name}-{n}", kind="true_false", prompt="p", explanation="e") for n in range(3)), ()))
    store.record_attempt(names[0], f"{names[0]}-0", "True", True)
    store.record_attempt(names[0], f"{names[0]}-1", "True", False)
    store.record_attempt(names[0], "gone-from-the-file", "True", True)
    panel = selfcheck.ProgressPanel(store)
    assert panel.rows()[0] == (names[0], 2, 1, 3) and all(row[1:] == (0, 0, 3) for row in panel.rows()[1:])
    assert f"<td>{names[0]}</td><td>2</td><td>1</td><td>3</td>" in panel.table.value
    assert panel._repr_mimebundle_()["text/plain"].startswith("[Progress] ")
    panel.reset_button.click()
    assert panel.confirming and store.question(names[0], f"{names[0]}-0").attempts == 1
    panel.cancel_button.click()
    assert not panel.confirming and store.question(names[0], f"{names[0]}-0").attempts == 1
    panel.reset_button.click()
    panel.confirm_button.click()
    assert not panel.confirming and store.read()["notebooks"] == {}
    assert panel.rows()[0] == (names[0], 0, 0, 3) and "erased" in panel.message.value
    store.record_attempt(names[1], f"{names[1]}-2", "False", True)
    panel.refresh_button.click()
    assert panel.rows()[1] == (names[1], 1, 1, 3)


def test_a_corrupt_file_is_reported_inside_the_question_set(tmp_path, monkeypatch):
    (tmp_path / "p.json").write_text("oops", encoding="utf-8")
    check = quiz.SelfCheck("nb", (quiz.Question(id="q", kind="true_false", prompt="p", explanation="e", choices=(
        quiz.Choice("True", True, "yes"), quiz.Choice("False", False, "no", "m"))),), ())
    monkeypatch.setattr(quiz, "load", lambda name: check)
    with pytest.warns(ProgressWarning):
        shown = selfcheck.QuestionSet("nb", ProgressStore(tmp_path / "p.json"))
    assert "could not be used" in shown.view.widget.children[0].value


# --- every failure of the store is a ProgressError; bad records are set aside ---------------------------------------


def _read_only_open(file, *args, **kwargs):
    """``open`` as in a read-only folder, for the lock file only."""
    if str(file).endswith(".lock"):
        raise PermissionError(13, "Permission denied", str(file))
    return open(file, *args, **kwargs)


def _read_only_mkstemp(*args, **kwargs):
    raise PermissionError(13, "Permission denied", str(kwargs.get("dir")))


def test_a_read_only_folder_at_the_lock_is_a_progress_error(tmp_path, monkeypatch):
    # The suite runs as root too, where chmod does not stop writes: refuse the lock's open as a read-only folder would.
    store = ProgressStore(tmp_path / "progress.json")
    monkeypatch.setattr(progress, "open", _read_only_open, raising=False)
    with pytest.raises(ProgressError, match=r"progress\.json\.lock cannot be used \(Permission denied\)"):
        store.record_attempt("00", "q", "x", True)


def test_a_read_only_folder_at_the_temporary_file_is_a_progress_error(tmp_path, monkeypatch):
    store = ProgressStore(tmp_path / "progress.json")
    monkeypatch.setattr(progress.tempfile, "mkstemp", _read_only_mkstemp)
    with pytest.raises(ProgressError, match=r"could not be saved .*Permission denied"):
        store.record_attempt("00", "q", "x", True)
    assert not (tmp_path / "progress.json").exists()


def test_a_folder_where_the_lock_file_goes_is_a_progress_error(tmp_path):
    (tmp_path / "progress.json.lock").mkdir()
    with pytest.raises(ProgressError, match=r"progress\.json\.lock cannot be used"):
        ProgressStore(tmp_path / "progress.json").record_attempt("00", "q", "x", True)


def test_an_answer_that_is_not_json_is_a_progress_error_and_leaves_no_temporary_file(tmp_path):
    with pytest.raises(ProgressError, match="could not be saved"):
        ProgressStore(tmp_path / "progress.json").record_attempt("00", "q", object(), True)
    assert not list(tmp_path.glob("*.tmp"))


BAD_QUESTIONS = {"text": '"x"', "null": "null", "list": "[1]", "overflow": "1e400", "bool": "true", "negative": "-1",
                 "huge": "1" + "0" * 5000}


@pytest.mark.parametrize("attempts", BAD_QUESTIONS.values(), ids=BAD_QUESTIONS.keys())
def test_a_question_record_with_bad_attempts_is_set_aside_and_the_rest_kept(tmp_path, attempts):
    path = tmp_path / "progress.json"
    path.write_text('{"version": 1, "notebooks": {"nb": {"questions": {'
                    f'"bad": {{"attempts": {attempts}, "answer": "a", "correct": true}}, '
                    '"good": {"attempts": 2, "answer": "b", "correct": true}}, '
                    '"exercises": {"e": {"answer": "mine", "revealed": false}}}}}', encoding="utf-8")
    store = ProgressStore(path)
    with pytest.warns(ProgressWarning, match="could not be used"):
        assert store.question("nb", "bad").attempts == 0
    assert store.question("nb", "good").attempts == 2 and store.exercise("nb", "e").answer == "mine"
    (aside,) = tmp_path.glob("progress.json.bad-records-*")
    (kept,) = json.loads(aside.read_text(encoding="utf-8"))
    assert (kept["notebook"], kept["part"], kept["id"]) == ("nb", "questions", "bad") and "attempts" in kept["problem"]
    assert "bad" not in json.loads(path.read_text(encoding="utf-8"))["notebooks"]["nb"]["questions"]
    assert aside.name in store.notices[0] and "the rest of your progress is kept" in store.notices[0]
    assert store.record_attempt("nb", "bad", "a", False).attempts == 1


@pytest.mark.parametrize("answer", ["[[1]]", '{"a": 1}', "[null]"])
def test_a_kept_answer_no_widget_gives_restores_the_count_and_not_the_answer(tmp_path, answer):
    path = tmp_path / "progress.json"
    path.write_text('{"version": 1, "notebooks": {"nb": {"questions": {"q": {"attempts": 1, "answer": '
                    + answer + "}}}}}", encoding="utf-8")
    question = quiz.Question(id="q", kind="select_all", prompt="p", explanation="e", choices=(
        quiz.Choice("A", True, "yes"), quiz.Choice("B", False, "no", "m")))
    shown = selfcheck.QuestionWidget(question, notebook="nb", store=ProgressStore(path))
    assert shown.attempts == 1 and not any(box.value for box in shown.boxes.values())


@pytest.mark.parametrize("record", ['{"answer": "mine", "revealed": "no"}', '{"answer": 5, "revealed": false}',
                                    '"just text"'])
def test_an_exercise_record_with_wrong_types_is_set_aside_never_read_as_revealed(tmp_path, record):
    path = tmp_path / "progress.json"
    path.write_text('{"version": 1, "notebooks": {"nb": {"exercises": {"e": ' + record + "}}}}", encoding="utf-8")
    with pytest.warns(ProgressWarning):
        assert ProgressStore(path).exercise("nb", "e") == progress.ExerciseRecord()
    assert len(list(tmp_path.glob("progress.json.bad-records-*"))) == 1


def test_a_deeply_nested_file_is_moved_aside_not_a_recursion_error(tmp_path):
    path = tmp_path / "progress.json"
    depth = 100_000
    path.write_text('{"version": 1, "notebooks": {"nb": {"questions": {"q": {"answer": ' + "[" * depth + "]" * depth
                    + "}}}}}", encoding="utf-8")
    with pytest.warns(ProgressWarning, match="RecursionError"):
        assert ProgressStore(path).question("nb", "q").attempts == 0
    assert len(list(tmp_path.glob("progress.json.corrupt-*"))) == 1


def test_a_symlinked_file_is_written_through_to_its_target(tmp_path):
    target = tmp_path / "synced" / "progress.json"
    target.parent.mkdir()
    link = tmp_path / "progress.json"
    link.symlink_to(target)
    store = ProgressStore(link)
    store.record_attempt("nb", "q", "a", True)
    store.record_attempt("nb", "q", "b", False)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert json.loads(target.read_text(encoding="utf-8"))["notebooks"]["nb"]["questions"]["q"]["attempts"] == 2
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".progress*"))


def test_check_answer_with_a_broken_store_shows_a_message_and_still_grades(tmp_path):
    (tmp_path / "progress.json.lock").mkdir()
    question = quiz.Question(id="q", kind="true_false", prompt="p", explanation="e", choices=(
        quiz.Choice("True", True, "yes"), quiz.Choice("False", False, "no", "m")))
    shown = selfcheck.QuestionWidget(question, notebook="nb", store=ProgressStore(tmp_path / "progress.json"))
    shown.choose("True")
    shown.step.check_button.click()
    assert "Correct" in shown.step.feedback.value
    assert "Not kept (your answer)" in shown.status.value and "progress.json.lock cannot be used" in shown.status.value
    assert "Traceback" not in shown.status.value and shown.attempts == 1


def test_writing_an_exercise_with_a_broken_store_shows_a_message(tmp_path):
    (tmp_path / "progress.json.lock").mkdir()
    exercise = quiz.Exercise(id="e", title="t", prompt="p", solution="s")
    shown = selfcheck.SolutionWidget(exercise, "nb", ProgressStore(tmp_path / "progress.json"))
    shown.write("my answer")
    assert "Not kept (your written answer)" in shown.note.value and not shown.toggle.disabled
