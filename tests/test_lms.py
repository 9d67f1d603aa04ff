"""The Canvas and Moodle exports keep every question, choice, correctness flag, feedback and tolerance (offline)."""

import html
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from html.parser import HTMLParser

import pytest

from spinelab.course import quiz
from spinelab.publish import lms
from spinelab.publish.licence import CONTENT_LICENCE

FIXTURE = r"""
[[objective]]
id = "layers"
text = "Name the layer of a back muscle."

[[objective]]
id = "numbers"
text = "Read a number from a study."

[[question]]
id = "deep-muscle"
kind = "multiple_choice"
bloom = "understand"
objectives = ["layers"]
vignette = "A 34-year-old nurse, *two days* after lifting a patient, says: 'it's my back' -- and it costs $5 a day."
prompt = "Which muscle is **deep**?\n\n- one line\n- another line"
explanation = "Multifidus attaches segment by segment."
citations = ["hides1996"]
[[question.choice]]
text = "Multifidus"
correct = true
feedback = "Yes: it attaches to the vertebrae."
[[question.choice]]
text = "Latissimus dorsi, the swimmer's muscle"
feedback = "No: it *moves the arm*."
misconception = "Any muscle on the back is a back muscle."
[[question.choice]]
text = "Trapezius \\ upper fibres"
feedback = "No: it moves the scapula."
misconception = "Superficial muscles control segments."

[[question]]
id = "lumbar-fibres"
kind = "true_false"
bloom = "understand"
objectives = ["layers"]
prompt = "The lumbar fibres of longissimus belong to the global system."
explanation = "They attach to the lumbar vertebrae, so they are local."
[[question.choice]]
text = "True"
feedback = "No: they attach to the lumbar vertebrae."
misconception = "A named muscle belongs to one system."
[[question.choice]]
text = "False"
correct = true
feedback = "Right: lumbar fibres are local."

[[question]]
id = "local-muscles"
kind = "select_all"
bloom = "understand"
objectives = ["layers"]
prompt = "Select **all** the local muscles."
explanation = "Local muscles attach to the lumbar vertebrae."
[[question.choice]]
text = "Multifidus"
correct = true
feedback = "Local: it attaches to each lumbar vertebra."
[[question.choice]]
text = "Lumbar longissimus"
correct = true
feedback = "Local: its fibres attach to the lumbar transverse processes."
[[question.choice]]
text = "Rectus abdominis"
feedback = "Global: it runs from the ribs to the pubis."
misconception = "Every trunk muscle is local."

[[question]]
id = "recurrence"
kind = "numeric"
bloom = "understand"
objectives = ["numbers"]
prompt = "What percentage of the control group had a recurrence within a year?"
explanation = "The paper reports 84 % in the control group."
citations = ["hides2001"]
answer = 84
tolerance = 1.5
unit = "%"
correct_feedback = "Yes: **84 %**."
[[question.wrong_answer]]
value = 30
feedback = "That is the exercise group."
misconception = "Mixing up the groups."

[[question]]
id = "change"
kind = "numeric"
bloom = "understand"
objectives = ["numbers"]
prompt = "By how many millimetres did the area change?"
explanation = "It did not change."
answer = 0.25
tolerance = 0.25
correct_feedback = "Right."

[[exercise]]
id = "explain"
title = "Explain to a patient"
prompt = "Explain, in two sentences, why *pain gone* is not *recovered*."
solution = "Recurrence: **84 %** against 30 %."
citations = ["hides2001"]
objectives = ["numbers"]
"""

QTI = {"q": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _text(markup: str | None) -> str:
    """What a reader sees of some HTML (or of Markdown rendered as HTML): the words, whitespace collapsed."""
    parser = _Text()
    parser.feed(markup or "")
    return " ".join(" ".join(parser.parts).split())


def _md(markdown: str) -> str:
    return _text(lms.markdown_html(markdown))


def _fixture() -> quiz.SelfCheck:
    return quiz.parse("fixture", FIXTURE)


# --- reading the exports back -------------------------------------------------------------------------------------


def _canvas_items(package: bytes) -> dict[str, dict]:
    """The items of a QTI package by title: type, text, choices, correct idents, feedback and numeric range."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        names = archive.namelist()
        assert "imsmanifest.xml" in names
        (assessment,) = [name for name in names if re.fullmatch(r"text2qti_assessment_\w+/text2qti_assessment_\w+\.xml",
                                                                   name)]
        root = ET.fromstring(archive.read(assessment))
    items = {}
    for item in root.iterfind(".//q:item", QTI):
        metadata = {field.findtext("q:fieldlabel", namespaces=QTI): field.findtext("q:fieldentry", namespaces=QTI)
                    for field in item.iterfind(".//q:qtimetadatafield", QTI)}
        setting = [condition for condition in item.iterfind(".//q:respcondition", QTI)
                   if condition.findtext("q:setvar", namespaces=QTI) == "100"]
        items[item.get("title")] = {
            "type": metadata["question_type"],
            "text": item.findtext("q:presentation/q:material/q:mattext", namespaces=QTI),
            "choices": {label.get("ident"): label.findtext(".//q:mattext", namespaces=QTI)
                        for label in item.iterfind(".//q:response_label", QTI)},
            "correct": {equal.text for condition in setting for equal in condition.iterfind(".//q:varequal", QTI)
                        if not any(equal in negated.iter() for negated in condition.iterfind(".//q:not", QTI))},
            "range": [float(bound.text) for condition in setting for name in ("vargte", "varlte")
                      for bound in condition.iterfind(f".//q:{name}", QTI)],
            "feedback": {feedback.get("ident"): feedback.findtext(".//q:mattext", namespaces=QTI)
                         for feedback in item.iterfind("q:itemfeedback", QTI)},
        }
    return items


def _moodle_questions(document: str) -> tuple[str, dict[str, ET.Element]]:
    root = ET.fromstring(document.encode("utf-8"))
    assert root.tag == "quiz"
    category, *questions = root.findall("question")
    assert category.get("type") == "category"
    return category.findtext("category/text"), {question.findtext("name/text"): question for question in questions}


# --- checking them against the data -------------------------------------------------------------------------------


def _check_canvas(check: quiz.SelfCheck, package: bytes) -> None:
    items = _canvas_items(package)
    assert list(items) == [question.id for question in check.questions] + [exercise.id for exercise in check.exercises]
    for question in check.questions:
        item = items[question.id]
        assert _md(question.prompt) in _text(item["text"])
        if question.vignette:
            assert _text(item["text"]).startswith(_md(question.vignette))
        general = _text(item["feedback"]["general_fb"])
        assert _md(question.explanation) in general
        for key in question.citations:
            assert _md(lms.references.get(key).full()) in general
        if question.kind == "numeric":
            assert item["type"] == "numerical_question"
            low, high = item["range"]
            assert low == pytest.approx(question.answer - question.tolerance, abs=1.1e-4)
            assert high == pytest.approx(question.answer + question.tolerance, abs=1.1e-4)
            assert _md(question.correct_feedback) in _text(item["feedback"]["correct_fb"])
            for wrong in question.wrong_answers:
                assert _md(wrong.feedback) in _text(item["feedback"]["general_incorrect_fb"])
            continue
        expected = {"multiple_choice": "multiple_choice_question", "true_false": "true_false_question",
                    "select_all": "multiple_answers_question"}[question.kind]
        assert item["type"] == expected
        idents = list(item["choices"])
        assert [_text(item["choices"][ident]) for ident in idents] == [_md(c.text) for c in question.shown_choices]
        assert [ident in item["correct"] for ident in idents] == [choice.correct for choice in question.shown_choices]
        for ident, choice in zip(idents, question.shown_choices, strict=True):
            assert _text(item["feedback"][f"{ident}_fb"]) == _md(choice.feedback)
    for exercise in check.exercises:
        item = items[exercise.id]
        assert item["type"] == "essay_question"
        assert _text(item["text"]) == f"{exercise.title} {_md(exercise.prompt)}"
        assert _md(exercise.solution) in _text(item["feedback"]["general_fb"])


def _answers(question: ET.Element) -> list[tuple[str, float, str]]:
    return [(_text(answer.findtext("text")), float(answer.get("fraction")), _text(answer.findtext("feedback/text")))
            for answer in question.findall("answer")]


def _check_moodle(check: quiz.SelfCheck, document: str) -> None:
    assert "<![CDATA[" in document
    category, questions = _moodle_questions(document)
    assert category == f"$course$/top/spinelab/{check.name}"
    assert list(questions) == [question.id for question in check.questions] + [e.id for e in check.exercises]
    for question in check.questions:
        element = questions[question.id]
        text = _text(element.findtext("questiontext/text"))
        assert _md(question.prompt) in text
        if question.vignette:
            assert text.startswith(_md(question.vignette))
        general = _text(element.findtext("generalfeedback/text"))
        assert _md(question.explanation) in general
        for key in question.citations:
            assert _md(lms.references.get(key).full()) in general
        assert [tag.text for tag in element.findall("tags/tag/text")] == list(question.objectives)
        answers = _answers(element)
        if question.kind == "numeric":
            assert element.get("type") == "numerical"
            expected = [(question.answer, 100.0, _md(question.correct_feedback)),
                        *((wrong.value, 0.0, _md(wrong.feedback)) for wrong in question.wrong_answers)]
            assert [(float(value), fraction, feedback) for value, fraction, feedback in answers] == expected
            assert [float(t.text) for t in element.findall("answer/tolerance")] == [question.tolerance] * len(expected)
            continue
        if question.kind == "true_false":
            assert element.get("type") == "truefalse"
            assert answers == [(c.text.lower(), 100.0 if c.correct else 0.0, _md(c.feedback))
                               for c in question.shown_choices]
            continue
        assert element.get("type") == "multichoice"
        assert element.findtext("single") == str(question.kind == "multiple_choice").lower()
        assert [(value, feedback) for value, _, feedback in answers] == [(_md(c.text), _md(c.feedback))
                                                                          for c in question.shown_choices]
        assert [fraction > 0 for _, fraction, _ in answers] == [choice.correct for choice in question.shown_choices]
        fractions = [fraction for _, fraction, _ in answers]
        assert sum(f for f in fractions if f > 0) == pytest.approx(100, abs=1e-3)
        if question.kind == "select_all":
            assert sum(f for f in fractions if f < 0) == pytest.approx(-100, abs=1e-3)
        else:
            assert sorted(fractions) == [0.0] * (len(fractions) - 1) + [100.0]
    for exercise in check.exercises:
        element = questions[exercise.id]
        assert element.get("type") == "essay"
        assert [tag.text for tag in element.findall("tags/tag/text")] == list(exercise.objectives)
        assert _text(element.findtext("questiontext/text")) == f"{exercise.title} {_md(exercise.prompt)}"
        for tag in ("generalfeedback", "graderinfo"):
            assert _md(exercise.solution) in _text(element.findtext(f"{tag}/text"))


# --- the tests ----------------------------------------------------------------------------------------------------


def test_the_fixture_covers_every_kind_a_vignette_and_an_exercise():
    check = _fixture()
    assert {question.kind for question in check.questions} == {"multiple_choice", "true_false", "select_all",
                                                                "numeric"}
    assert any(question.vignette for question in check.questions) and check.exercises


def test_canvas_package_keeps_questions_choices_correctness_feedback_and_tolerances():
    _check_canvas(_fixture(), lms.canvas_zip(_fixture()))


def test_moodle_bank_keeps_questions_choices_correctness_feedback_and_tolerances():
    _check_moodle(_fixture(), lms.moodle_xml(_fixture()))


def test_markdown_arrives_as_html_without_latex_or_smart_quotes():
    items = _canvas_items(lms.canvas_zip(_fixture()))
    canvas = items["deep-muscle"]["text"]
    _, questions = _moodle_questions(lms.moodle_xml(_fixture()))
    moodle = questions["deep-muscle"].findtext("questiontext/text")
    for markup in (canvas, moodle):
        assert "<strong>deep</strong>" in markup and "<li>one line</li>" in markup and "<em>two days</em>" in markup
        assert html.unescape(markup).count("$5") == 1 and "'it's my back' --" in html.unescape(markup)
    assert "equation_images" not in canvas
    assert "Trapezius \\ upper fibres" in [_text(choice) for choice in items["deep-muscle"]["choices"].values()]


def test_select_all_grades_share_100_and_minus_100_percent():
    _, questions = _moodle_questions(lms.moodle_xml(_fixture()))
    assert [answer.get("fraction") for answer in questions["local-muscles"].findall("answer")] == ["50", "50", "-100"]


def test_a_numeric_range_touching_zero_stays_importable():
    assert _canvas_items(lms.canvas_zip(_fixture()))["change"]["range"] == [pytest.approx(-1e-4), 0.5]


def test_the_unit_is_named_in_the_question():
    canvas = _canvas_items(lms.canvas_zip(_fixture()))
    assert "Type the number only (unit: %), with a point for decimals." in _text(canvas["recurrence"]["text"])
    assert "Type the number only, with a point for decimals." in _text(canvas["change"]["text"])


def test_write_puts_each_format_in_its_folder(tmp_path):
    canvas, moodle = lms.write(_fixture(), tmp_path)
    assert canvas == tmp_path / "canvas" / "fixture.zip" and moodle == tmp_path / "moodle" / "fixture.xml"
    _check_canvas(_fixture(), canvas.read_bytes())
    _check_moodle(_fixture(), moodle.read_text(encoding="utf-8"))


def _without(text: str, line: str) -> str:
    assert line in text
    return text.replace(line, "", 1)


BAD = {
    "no correct answer": (_without(FIXTURE, 'text = "Multifidus"\ncorrect = true\n'
                                            'feedback = "Yes: it attaches to the vertebrae."\n'),
                          "deep-muscle"),
    "duplicate ids": (FIXTURE.replace('id = "lumbar-fibres"', 'id = "deep-muscle"'), "deep-muscle"),
    "numeric without tolerance": (_without(FIXTURE, "tolerance = 1.5\n"), "recurrence"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_question_data_fails_naming_the_file_and_the_question(case, tmp_path):
    text, question_id = BAD[case]
    with pytest.raises(ValueError, match=rf"data/selfcheck/bad\.toml: .*{question_id}"):
        lms.write(quiz.parse("bad", text), tmp_path)
    assert not (tmp_path / "canvas").exists() and not (tmp_path / "moodle").exists()


def test_a_question_id_used_in_two_files_fails_naming_both_before_writing(tmp_path):
    other = quiz.parse("other", FIXTURE.replace('id = "deep-muscle"', 'id = "deep-muscles"'))
    with pytest.raises(ValueError, match=r"question 'lumbar-fibres' is in both data/selfcheck/fixture\.toml and "
                                         r"data/selfcheck/other\.toml"):
        lms.write_all(tmp_path, [_fixture(), other])
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("name", quiz.available())
def test_every_notebook_exports_to_canvas_and_moodle(name, tmp_path):
    check = quiz.load(name)
    canvas, moodle = lms.write(check, tmp_path)
    _check_canvas(check, canvas.read_bytes())
    _check_moodle(check, moodle.read_text(encoding="utf-8"))


def test_main_writes_both_formats_for_every_notebook(tmp_path, capsys):
    lms.main([str(tmp_path)])
    printed = capsys.readouterr().out.split()
    assert len(printed) == 2 * len(quiz.available())
    assert sorted(path.name for path in (tmp_path / "canvas").iterdir()) == [f"{n}.zip" for n in quiz.available()]
    assert sorted(path.name for path in (tmp_path / "moodle").iterdir()) == [f"{n}.xml" for n in quiz.available()]


def test_every_package_names_the_content_licence_not_private_copyright():
    check = quiz.load("03_multifidus_research")
    with zipfile.ZipFile(io.BytesIO(lms.canvas_zip(check))) as package:
        manifest = package.read("imsmanifest.xml").decode("utf-8")
    assert "CC BY 4.0" in manifest and "Private (Copyrighted)" not in manifest
    assert CONTENT_LICENCE in lms.moodle_xml(check)
