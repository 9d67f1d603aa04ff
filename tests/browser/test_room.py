"""The room's votes in Chromium (issue 27): three students vote from their pages, the instructor's histogram follows.

The room runs on its own (``python -m spinelab.publish.room``, the same routes the class server mounts) with a
store in a temporary folder; its pages forbid evaluated scripts (CSP), so the test contexts bypass that for
Playwright and axe. Each student is a separate browser context (their own cookie and ``localStorage``).
The instructor's view and the vote page must pass axe with no serious violation, and the view works from the
keyboard alone.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import _free_port, _wait_for_http

SERIOUS = {"critical", "serious"}
QUESTION = "map-order"  # notebook 00, true/false: "True" is correct
SELECT_ALL = "working-in-notebooks"  # notebook 00: four right choices, one wrong


@pytest.fixture
def room(tmp_path: Path) -> Iterator[dict[str, str]]:
    port = _free_port()
    secrets_file = tmp_path / "secrets.json"
    log = (tmp_path / "room.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "spinelab.publish.room", "--store", str(tmp_path / "c.sqlite"),
                                "--port", str(port), "--secrets-file", str(secrets_file)],
                               stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/spinelab/room"
    try:
        _wait_for_http(f"{base}/static/room.css", process)
        yield {"base": base, **json.loads(secrets_file.read_text())}
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()


def _violations(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['html'][:120]}"
            for v in results.response["violations"] if v.get("impact") in SERIOUS]


def _round_heading(page, number: int) -> str:
    return page.locator("#rounds h3").nth(number - 1).inner_text()


def test_three_students_vote_and_the_instructors_histogram_follows(browser, room) -> None:
    instructor_context = browser.new_context(viewport={"width": 1400, "height": 1000}, bypass_csp=True)
    instructor = instructor_context.new_page()
    instructor.goto(f"{room['base']}/instructor?token={room['instructor']}")
    assert instructor.url == f"{room['base']}/instructor"  # the token left the address
    instructor.wait_for_selector(f"#question option[value='{QUESTION}']", state="attached")
    instructor.select_option("#question", QUESTION)
    instructor.locator("body").press("Escape")
    instructor.locator("#open1").focus()
    instructor.keyboard.press("Enter")
    instructor.wait_for_function("document.querySelector('#rounds h3') && "
                                 "document.querySelector('#rounds h3').textContent.includes('(open): 0 votes')")
    students = []
    for number, choice in enumerate(["True", "False", "True"]):
        context = browser.new_context(viewport={"width": 800, "height": 900}, bypass_csp=True)
        page = context.new_page()
        page.goto(f"{room['base']}/vote?room={room['secret']}")
        assert "room=" not in page.url
        page.get_by_label(choice, exact=True).check(timeout=10_000)
        page.get_by_role("button", name="Send my vote").click()
        page.wait_for_function("document.querySelector('#spinelab-vote .status').textContent.includes('Your vote')")
        students.append((context, page))
        heading = "document.querySelector('#rounds h3').textContent"
        instructor.wait_for_function(f"{heading}.includes(': {number + 1} vote')",
                                     timeout=2_500)  # the histogram follows within 2 s (it polls every 1 s)
    assert "True: 2 (67 %)" in instructor.locator("#rounds").inner_text()
    assert "False: 1 (33 %)" in instructor.locator("#rounds").inner_text()
    assert not _violations(instructor)
    assert not _violations(students[0][1])

    # A reload keeps the student's id and shows their vote.
    first = students[0][1]
    first.reload()
    first.wait_for_function("document.querySelector('#spinelab-vote .status') && "
                            "document.querySelector('#spinelab-vote .status').textContent.includes('True')")

    # Close with the keyboard, round two, both rounds side by side, then reveal with each misconception.
    instructor.locator("body").click()
    instructor.keyboard.press("c")
    instructor.wait_for_function("document.querySelector('#rounds h3').textContent.includes('(closed)')")
    instructor.keyboard.press("2")
    instructor.wait_for_function("document.querySelectorAll('#rounds h3').length === 2")
    second = students[1][1]
    second.wait_for_selector("#spinelab-vote h2:has-text('round 2')", timeout=5_000)  # its page polls every 2 s
    second.get_by_label("True", exact=True).check(timeout=10_000)
    second.get_by_role("button", name="Send my vote").click()
    instructor.wait_for_function("document.querySelectorAll('#rounds h3')[1].textContent.includes(': 1 vote')",
                                 timeout=2_500)
    assert "3 votes" in _round_heading(instructor, 1)
    instructor.keyboard.press("r")
    instructor.wait_for_selector("#rounds .why")
    assert "Misconception:" in instructor.locator("#rounds").inner_text()
    assert instructor.locator("#rounds .room-correct").first.inner_text().startswith("\u2713 True")
    second.wait_for_selector("#spinelab-vote .room-correct", timeout=5_000)
    assert "(correct answer)" in second.locator("#spinelab-vote").inner_text()
    assert not _violations(second)
    instructor.keyboard.press("o")
    instructor.wait_for_selector("#overview-rows tr")
    assert "100 %" in instructor.locator("#overview-rows").inner_text()
    assert not _violations(instructor)
    for context, _ in students:
        context.close()
    instructor_context.close()


def test_a_select_all_item_is_voted_with_tick_boxes_and_each_choice_counted(browser, room) -> None:
    from spinelab.course import quiz

    question = quiz.load("00_start_here").question(SELECT_ALL)
    right = [choice.text for choice in question.shown_choices if choice.correct]
    wrong = next(choice for choice in question.shown_choices if not choice.correct)
    instructor_context = browser.new_context(viewport={"width": 1400, "height": 1000}, bypass_csp=True)
    instructor = instructor_context.new_page()
    instructor.goto(f"{room['base']}/instructor?token={room['instructor']}")
    instructor.wait_for_selector(f"#question option[value='{SELECT_ALL}']", state="attached")
    assert "(select all)" in instructor.locator(f"#question option[value='{SELECT_ALL}']").inner_text()
    assert "Numeric items are not listed" in instructor.locator("#question-note").inner_text()
    instructor.select_option("#question", SELECT_ALL)
    instructor.click("#open1")
    context = browser.new_context(bypass_csp=True)
    student = context.new_page()
    student.goto(f"{room['base']}/vote?room={room['secret']}")
    student.get_by_label(wrong.text, exact=True).check(timeout=10_000)
    student.get_by_label(right[0], exact=True).check()
    assert student.locator("#spinelab-vote input[type=checkbox]").count() == len(question.choices)
    student.get_by_role("button", name="Send my vote").click()
    student.wait_for_function("document.querySelector('#spinelab-vote .status').textContent.includes('Your vote')")
    instructor.wait_for_function("document.querySelector('#rounds h3').textContent.includes(': 1 vote')",
                                 timeout=2_500)
    shown = instructor.locator("#rounds").inner_text()
    assert f"{wrong.text}: 1 ticked (100 % of voters)" in shown and f"{right[1]}: 0 ticked (0 % of voters)" in shown
    instructor.click("#reveal")
    instructor.wait_for_selector("#rounds .why")
    assert f"Misconception: {wrong.misconception}" in instructor.locator("#rounds").inner_text()
    assert instructor.locator("#rounds .room-correct").count() == len(right)
    student.wait_for_selector("#spinelab-vote .room-correct", timeout=5_000)
    ticked = student.locator("#spinelab-vote input[type=checkbox]").evaluate_all(
        "boxes => boxes.filter(box => box.checked).map(box => box.value)")
    assert ticked == [choice.text for choice in question.shown_choices  # their own ticks, shown back
                      if choice.text in (wrong.text, right[0])]
    assert not _violations(student) and not _violations(instructor)
    context.close()
    instructor_context.close()


def test_the_instructors_view_refuses_a_page_without_its_token(browser, room) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{room['base']}/vote?room={room['secret']}")
    response = page.goto(f"{room['base']}/instructor")
    assert response is not None and response.status == 403
    context.close()


@pytest.fixture(scope="module")
def class_with_room(notebook_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    from conftest import _serve

    port = _free_port()
    folder = tmp_path_factory.mktemp("classroom-room")
    token = "class-token-0123456789"
    command = [sys.executable, "-m", "spinelab.publish.cli", "class", "--notebook", "00_start_here", "--students",
               "1", "--host", "127.0.0.1", "--port", str(port), "--token", token, "--notebooks",
               str(notebook_copy), "--folder", str(folder / "build"), "--class-store", str(folder / "votes.sqlite")]
    base = f"http://127.0.0.1:{port}"
    log = folder / "class.log"
    with _serve(command, f"{base}/login", log):
        found = re.search(r"Instructor's view \(keep this address to yourself\): (\S+)", log.read_text())
        assert found, log.read_text()
        yield {"page": f"{base}/?token={token}", "instructor": found.group(1), "log": str(log)}


def test_the_class_servers_pages_show_the_vote_the_instructor_opens(browser, class_with_room) -> None:
    instructor_context = browser.new_context(bypass_csp=True)
    instructor = instructor_context.new_page()
    instructor.goto(class_with_room["instructor"])
    instructor.wait_for_selector(f"#question option[value='{QUESTION}']", state="attached")
    instructor.select_option("#question", QUESTION)
    instructor.click("#open1")
    student_context = browser.new_context(bypass_csp=True)
    student = student_context.new_page()
    student.goto(class_with_room["page"], timeout=120_000)
    student.get_by_label("True", exact=True).check(timeout=60_000)
    student.get_by_role("button", name="Send my vote").click()
    instructor.wait_for_function("document.querySelector('#rounds h3').textContent.includes(': 1 vote')",
                                 timeout=2_500)
    panel = Axe().run(student, context={"include": [["#spinelab-vote"]]})
    assert not [v["id"] for v in panel.response["violations"] if v.get("impact") in SERIOUS]
    token = class_with_room["instructor"].split("token=")[1]
    assert token not in Path(class_with_room["log"]).read_text().split("Instructor's view")[-1].split("\n", 1)[1]
    student_context.close()
    instructor_context.close()


SELF_CHECK = "Sliders in these notebooks keep working"  # notebook 00's "widgets-need-kernel": "False" is right


def _self_check(page):
    """The self-check question's own box (the innermost one with its prompt and its Check button)."""
    return page.locator(f".widget-vbox:has(button:has-text('Check answer')):has-text('{SELF_CHECK}')").last


def _linked(page) -> str:
    """Wait until the page's kernel keeps progress in the student's file (the progress table names it)."""
    page.wait_for_function("document.body.innerText.includes('progress/student-')", timeout=60_000)
    return re.search(r"student-([A-Za-z0-9_-]+)\.json", page.locator("body").inner_text()).group(1)


def _progress_row(page) -> str:
    return page.locator("tr:has(td:text-is('00_start_here'))").first.inner_text()


def test_self_check_answers_survive_a_reload_in_class_and_stay_the_students_own(browser, class_with_room) -> None:
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(class_with_room["page"], timeout=120_000)
    student = _linked(page)
    assert student == page.evaluate("window.localStorage.getItem('spinelab-room-student')")  # the vote's id
    question = _self_check(page)
    assert "Not answered yet" in question.inner_text()
    question.get_by_label("False", exact=True).check(timeout=60_000)
    question.get_by_role("button", name="Check answer").click()
    page.wait_for_function("document.body.innerText.includes('1 attempt; last answer correct')", timeout=30_000)

    page.reload(timeout=120_000)  # a new page: another preheated kernel, which has drawn the widgets already
    assert _linked(page) == student
    question = _self_check(page)
    question.locator("text=1 attempt; last answer correct").wait_for(timeout=30_000)
    assert question.get_by_label("False", exact=True).is_checked()
    assert "Correct." in question.inner_text()
    page.get_by_role("button", name="Prepare my work to download").click()
    href = page.locator("a[download='my-work.json']").get_attribute("href")  # the work to hand in, theirs
    work = json.loads(base64.b64decode(href.split("base64,", 1)[1]))
    assert work["student"] == student and any(row["attempts"] == 1 and row["correct"]
                                              for row in work["notebooks"][0]["questions"])
    page.get_by_role("button", name="Refresh").first.click()
    page.wait_for_function("[...document.querySelectorAll('tr')].some(row => "
                           "row.innerText.replace(/\\s+/g, ' ').startsWith('00_start_here 1 1'))", timeout=30_000)

    other_context = browser.new_context(bypass_csp=True)  # another student: another browser, another id
    other = other_context.new_page()
    other.goto(class_with_room["page"], timeout=120_000)
    assert _linked(other) != student
    assert "Not answered yet" in _self_check(other).inner_text()
    assert not _self_check(other).get_by_label("False", exact=True).is_checked()
    assert " 0 0 " in f" {' '.join(_progress_row(other).split())} "
    other_context.close()
    context.close()
