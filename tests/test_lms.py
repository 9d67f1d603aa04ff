"""The Canvas and Moodle exports keep every question, choice, correctness flag, feedback and tolerance (offline)."""

import dataclasses
import html
import io
import math
import re
import xml.etree.ElementTree as ET
import zipfile
from html.parser import HTMLParser

import pytest

from spinelab.clinic import numeric_items
from spinelab.course import quiz, rubric
from spinelab.publish import lms, lms_canvas, lms_moodle, lms_text
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
    return _text(lms_text.markdown_html(markdown))


def _fixture() -> quiz.SelfCheck:
    return quiz.parse("fixture", FIXTURE)


@pytest.fixture(autouse=True)
def _fixture_topic(monkeypatch):
    """The fixture's topic in words, as data/lms.toml gives one for every notebook."""
    monkeypatch.setitem(lms_text._wording()["topic"], "fixture", "Back muscles and numbers")


# --- reading the exports back -------------------------------------------------------------------------------------


def _canvas_files(package: bytes) -> tuple[ET.Element, str, str]:
    """The assessment (parsed), Canvas' quiz settings (assessment_meta.xml) and the manifest of a QTI package."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        names = archive.namelist()
        (assessment,) = [name for name in names if re.fullmatch(r"text2qti_assessment_\w+/text2qti_assessment_\w+\.xml",
                                                                   name)]
        (meta,) = [name for name in names if name.endswith("/assessment_meta.xml")]
        return (ET.fromstring(archive.read(assessment)), archive.read(meta).decode("utf-8"),
                archive.read("imsmanifest.xml").decode("utf-8"))


def _meta(package: bytes, tag: str) -> str:
    """One setting of Canvas' assessment_meta.xml (its first occurrence), as text."""
    found = re.search(rf"<{tag}>(.*?)</{tag}>", _canvas_files(package)[1], re.S)
    assert found, tag
    return html.unescape(found[1])


def _canvas_items(package: bytes) -> dict[str, dict]:
    """The items of a QTI package by title: type, text, choices, correct idents, feedback and numeric range."""
    root = _canvas_files(package)[0]
    items = {}
    for item in root.iterfind(".//q:item", QTI):
        if item.get("title") == "":  # a text-only item (instructions)
            continue
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


def _moodle_categories(document: str) -> dict[str, dict[str, ET.Element]]:
    """The questions of a Moodle XML bank by category, each by name, in file order."""
    root = ET.fromstring(document.encode("utf-8"))
    assert root.tag == "quiz"
    categories: dict[str, dict[str, ET.Element]] = {}
    current = None
    for question in root.findall("question"):
        if question.get("type") == "category":
            current = question.findtext("category/text")
            categories[current] = {}
        else:
            assert current is not None, "a question before any category"
            categories[current][question.findtext("name/text")] = question
    return categories


def _moodle_questions(document: str) -> tuple[str, dict[str, ET.Element]]:
    """The first category of a bank and its questions (the practice quiz)."""
    category, questions = next(iter(_moodle_categories(document).items()))
    return category, questions


# --- checking them against the data -------------------------------------------------------------------------------


def _check_canvas(check: quiz.SelfCheck, package: bytes) -> None:
    items = _canvas_items(package)
    calculated = [item.id for item in numeric_items.for_notebook(check.name)]
    assert list(items) == [question.id for question in check.questions] + calculated
    for question in check.questions:
        item = items[question.id]
        assert _md(question.prompt) in _text(item["text"])
        if question.vignette:
            assert _text(item["text"]).startswith(_md(question.vignette))
        general = _text(item["feedback"]["general_fb"])
        assert _md(question.explanation) in general
        for key in question.citations:
            assert _md(lms_text.references.get(key).full()) in general
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
    for item_id in calculated:
        assert items[item_id]["type"] == "calculated_question"


def _check_canvas_exercise(exercise, package: bytes) -> None:
    items = _canvas_items(package)
    assert list(items) == [exercise.id]
    item = items[exercise.id]
    assert item["type"] == "essay_question"
    assert _text(item["text"]).startswith(f"{exercise.title} {_md(exercise.prompt)}")
    assert _md(exercise.solution) in _text(item["feedback"]["general_fb"])


def _answers(question: ET.Element) -> list[tuple[str, float, str]]:
    return [(_text(answer.findtext("text")), float(answer.get("fraction")), _text(answer.findtext("feedback/text")))
            for answer in question.findall("answer")]


def _check_moodle(check: quiz.SelfCheck, document: str) -> None:
    assert "<![CDATA[" in document
    categories = _moodle_categories(document)
    practice = f"$course$/top/{lms_text.practice_title(check.name)}"
    exercises = f"$course$/top/{lms_text.topic(check.name)} — written exercise"
    assert list(categories) == [practice, exercises] if check.exercises else [practice]
    questions = {**categories[practice], **categories.get(exercises, {})}
    assert list(categories[practice]) == [question.id for question in check.questions] + [
        item.id for item in numeric_items.for_notebook(check.name)]
    assert list(categories.get(exercises, {})) == [e.id for e in check.exercises]
    for question in check.questions:
        element = questions[question.id]
        text = _text(element.findtext("questiontext/text"))
        assert _md(question.prompt) in text
        if question.vignette:
            assert text.startswith(_md(question.vignette))
        general = _text(element.findtext("generalfeedback/text"))
        assert _md(question.explanation) in general
        for key in question.citations:
            assert _md(lms_text.references.get(key).full()) in general
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
        assert _text(element.findtext("questiontext/text")).startswith(f"{exercise.title} {_md(exercise.prompt)}")
        for tag in ("generalfeedback", "graderinfo"):
            assert _md(exercise.solution) in _text(element.findtext(f"{tag}/text"))


# --- the tests ----------------------------------------------------------------------------------------------------


def test_the_fixture_covers_every_kind_a_vignette_and_an_exercise():
    check = _fixture()
    assert {question.kind for question in check.questions} == {"multiple_choice", "true_false", "select_all",
                                                                "numeric"}
    assert any(question.vignette for question in check.questions) and check.exercises


def test_canvas_package_keeps_questions_choices_correctness_feedback_and_tolerances():
    _check_canvas(_fixture(), lms_canvas.canvas_zip(_fixture()))
    (exercise,) = _fixture().exercises
    _check_canvas_exercise(exercise, lms_canvas.canvas_exercise_zip(_fixture(), exercise))


def test_moodle_bank_keeps_questions_choices_correctness_feedback_and_tolerances():
    _check_moodle(_fixture(), lms_moodle.moodle_xml(_fixture()))


def test_markdown_arrives_as_html_without_latex_or_smart_quotes():
    items = _canvas_items(lms_canvas.canvas_zip(_fixture()))
    canvas = items["deep-muscle"]["text"]
    _, questions = _moodle_questions(lms_moodle.moodle_xml(_fixture()))
    moodle = questions["deep-muscle"].findtext("questiontext/text")
    for markup in (canvas, moodle):
        assert "<strong>deep</strong>" in markup and "<li>one line</li>" in markup and "<em>two days</em>" in markup
        assert html.unescape(markup).count("$5") == 1 and "'it's my back' --" in html.unescape(markup)
    assert "equation_images" not in canvas
    assert "Trapezius \\ upper fibres" in [_text(choice) for choice in items["deep-muscle"]["choices"].values()]


def test_select_all_grades_share_100_and_minus_100_percent():
    _, questions = _moodle_questions(lms_moodle.moodle_xml(_fixture()))
    assert [answer.get("fraction") for answer in questions["local-muscles"].findall("answer")] == ["50", "50", "-100"]


def test_a_numeric_range_touching_zero_stays_importable():
    assert _canvas_items(lms_canvas.canvas_zip(_fixture()))["change"]["range"] == [pytest.approx(-1e-4), 0.5]


def test_the_unit_is_named_in_the_question():
    canvas = _canvas_items(lms_canvas.canvas_zip(_fixture()))
    assert "Type the number only (unit: %), with a point for decimals." in _text(canvas["recurrence"]["text"])
    assert "Type the number only, with a point for decimals." in _text(canvas["change"]["text"])


def test_write_puts_each_format_in_its_folder(tmp_path):
    canvas, exercise, moodle = lms.write(_fixture(), tmp_path)
    assert canvas == tmp_path / "canvas" / "fixture.zip" and moodle == tmp_path / "moodle" / "fixture.xml"
    assert exercise == tmp_path / "canvas" / "fixture-exercise-explain.zip"
    _check_canvas(_fixture(), canvas.read_bytes())
    _check_canvas_exercise(_fixture().exercises[0], exercise.read_bytes())
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


@pytest.mark.parametrize("name", lms_text.exported())
def test_every_notebook_exports_to_canvas_and_moodle(name, tmp_path):
    check = quiz.load(name)
    canvas, *exercises, moodle = lms.write(check, tmp_path)
    _check_canvas(check, canvas.read_bytes())
    assert len(exercises) == len(check.exercises)
    for exercise, path in zip(check.exercises, exercises, strict=True):
        assert path.name == f"{name}-exercise-{exercise.id}.zip"
        _check_canvas_exercise(exercise, path.read_bytes())
    _check_moodle(check, moodle.read_text(encoding="utf-8"))


def test_main_writes_both_formats_for_every_topic_notebook_but_not_the_one_about_the_course(tmp_path, capsys):
    lms.main([str(tmp_path)])
    printed = capsys.readouterr().out.split()
    topics = [name for name in quiz.available() if name != "00_start_here"]
    assert lms_text.exported() == topics  # 00's questions are about using the notebooks: no quiz for an LMS
    checks = [quiz.load(name) for name in topics]
    assert len(printed) == 2 * len(checks) + sum(len(check.exercises) for check in checks)
    assert sorted(path.name for path in (tmp_path / "canvas").iterdir()) == sorted(
        [f"{c.name}.zip" for c in checks] + [f"{c.name}-exercise-{e.id}.zip" for c in checks for e in c.exercises])
    assert sorted(path.name for path in (tmp_path / "moodle").iterdir()) == [f"{n}.xml" for n in topics]


def test_every_package_names_the_content_licence_not_private_copyright():
    check = quiz.load("03_multifidus_research")
    packages = [lms_canvas.canvas_zip(check), lms_canvas.canvas_exercise_zip(check, check.exercises[0]),
                lms_canvas.canvas_exam_zip("04_measuring_multifidus", "x1")]
    for package in packages:
        manifest = _canvas_files(package)[2]
        assert "CC BY 4.0" in manifest and "Private (Copyrighted)" not in manifest
        assert CONTENT_LICENCE in _text(_meta(package, "description"))  # the quiz description students see
    for document in (lms_moodle.moodle_xml(check), lms_moodle.moodle_exam_xml("04_measuring_multifidus", "x1")):
        assert CONTENT_LICENCE in document
        assert all(CONTENT_LICENCE in _text(info.findtext("text"))
                   for info in ET.fromstring(document).iterfind("question/info"))


# --- calculated questions (parameterised numeric items) ---------------------------------------------------------

_FUNCTIONS = {"ceil": math.ceil, "floor": math.floor, "abs": abs, "max": max}
WITH_ITEMS = sorted({item.notebook for item in numeric_items.templates()})


def _evaluate(formula: str, values: dict[str, float]) -> float:
    """An exported formula's value: Moodle's ``{name}`` or Canvas' bare names, with the LMS functions they use."""
    names = set(re.findall(r"[a-z_][a-z0-9_]*", re.sub(r"\{([a-z0-9]+)\}", r"\1", formula)))
    assert names <= set(values) | set(_FUNCTIONS), names - set(values) - set(_FUNCTIONS)
    expression = re.sub(r"\{([a-z0-9]+)\}", r"\1", formula)
    return float(eval(expression, {"__builtins__": {}}, {**_FUNCTIONS, **values}))


def _canvas_calculated(package: bytes) -> dict[str, dict]:
    """Every calculated question of a QTI package by title: text, formula, tolerance, variables and var sets."""
    root = _canvas_files(package)[0]
    found = {}
    for item in root.iterfind(".//q:item", QTI):
        calculated = item.find("q:itemproc_extension/q:calculated", QTI)
        if calculated is None:
            continue
        metadata = {field.findtext("q:fieldlabel", namespaces=QTI): field.findtext("q:fieldentry", namespaces=QTI)
                    for field in item.iterfind(".//q:qtimetadatafield", QTI)}
        found[item.get("title")] = {
            "type": metadata["question_type"],
            "text": item.findtext("q:presentation/q:material/q:mattext", namespaces=QTI),
            "formula": calculated.findtext("q:formulas/q:formula", namespaces=QTI),
            "tolerance": float(calculated.findtext("q:answer_tolerance", namespaces=QTI)),
            "vars": {var.get("name"): (float(var.findtext("q:min", namespaces=QTI)),
                                       float(var.findtext("q:max", namespaces=QTI)), int(var.get("scale")))
                     for var in calculated.iterfind("q:vars/q:var", QTI)},
            "sets": [({var.get("name"): float(var.text) for var in var_set.iterfind("q:var", QTI)},
                      float(var_set.findtext("q:answer", namespaces=QTI)))
                     for var_set in calculated.iterfind("q:var_sets/q:var_set", QTI)],
            "feedback": item.findtext("q:itemfeedback/q:flow_mat/q:material/q:mattext", namespaces=QTI),
        }
    return found


def _moodle_calculated(document: str) -> dict[str, dict]:
    """Every calculated question of a Moodle bank by name: text, formula, tolerance, datasets and their items."""
    found = {}
    for question in ET.fromstring(document.encode("utf-8")).iterfind("question[@type='calculated']"):
        definitions = question.findall("dataset_definitions/dataset_definition")
        datasets = {d.findtext("name/text"): (float(d.findtext("minimum/text")), float(d.findtext("maximum/text")),
                                              int(d.findtext("decimals/text")))
                    for d in definitions}
        values = {d.findtext("name/text"): [float(v.text) for v in d.iterfind("dataset_items/dataset_item/value")]
                  for d in definitions}
        counts = {int(d.findtext("itemcount")) for d in definitions} | {len(v) for v in values.values()}
        assert len(counts) == 1, counts
        (count,) = counts
        answer, *wrong = question.findall("answer")
        found[question.findtext("name/text")] = {
            "wrong": [(item.findtext("text"), item.get("fraction"), float(item.findtext("tolerance")),
                       item.findtext("feedback/text")) for item in wrong],
            "text": question.findtext("questiontext/text"),
            "formula": answer.findtext("text"),
            "fraction": answer.get("fraction"),
            "tolerance": float(answer.findtext("tolerance")),
            "tolerancetype": answer.findtext("tolerancetype"),
            "vars": datasets,
            "sets": [{name: values[name][number] for name in values} for number in range(count)],
            "feedback": question.findtext("generalfeedback/text"),
        }
    return found


def _check_calculated(exported: dict[str, dict], name: str, placeholder: str) -> list[dict[str, float]]:
    """Each item of the notebook is there with its ranges, tolerance and a formula that gives the package's answer
    for every set of numbers; returns the sets of numbers."""
    items = numeric_items.for_notebook(name)
    assert list(exported) == [item.id for item in items]
    all_sets = []
    for item in items:
        question = exported[item.id]
        assert question["tolerance"] == item.tolerance
        assert question["vars"] == {v.name: (v.low, v.high, v.decimals) for v in item.variables}
        for variable in item.variables:
            assert placeholder.format(variable.name) in question["text"]
        assert "Type the number only" in _text(question["text"])
        assert _md(item.method) in _text(question["feedback"])
        assert len(question["sets"]) == lms_text.VAR_SETS
        for entry in question["sets"]:
            values = entry[0] if isinstance(entry, tuple) else entry
            for variable in item.variables:
                assert variable.low <= values[variable.name] <= variable.high
            expected = item.answer(values)
            assert _evaluate(question["formula"], values) == pytest.approx(expected, abs=1e-9)
            if isinstance(entry, tuple):  # Canvas stores each set's answer
                assert entry[1] == pytest.approx(expected, abs=1e-6)
            all_sets.append(values)
    return all_sets


@pytest.mark.parametrize("name", WITH_ITEMS)
def test_canvas_calculated_questions_round_trip(name):
    exported = _canvas_calculated(lms_canvas.canvas_zip(quiz.load(name)))
    assert {question["type"] for question in exported.values()} == {"calculated_question"}
    _check_calculated(exported, name, "[{}]")


@pytest.mark.parametrize("name", WITH_ITEMS)
def test_moodle_calculated_questions_round_trip(name):
    exported = _moodle_calculated(lms_moodle.moodle_xml(quiz.load(name)))
    assert {(q["fraction"], q["tolerancetype"]) for q in exported.values()} == {("100", "2")}  # 2: nominal ±
    _check_calculated(exported, name, "{{{}}}")


@pytest.mark.parametrize("name", WITH_ITEMS)
def test_moodle_calculated_questions_recognise_each_named_misconception(name):
    exported = _moodle_calculated(lms_moodle.moodle_xml(quiz.load(name)))
    for item in numeric_items.for_notebook(name):
        question = exported[item.id]
        assert [(formula, fraction, tolerance) for formula, fraction, tolerance, _ in question["wrong"]] == [
            (named.misconception.expression, "0", item.tolerance) for named in item.misconceptions]
        for (formula, _, _, feedback), named in zip(question["wrong"], item.misconceptions, strict=True):
            assert _md(named.feedback) in _text(feedback)
            for values in question["sets"]:  # the formula Moodle evaluates gives the package's wrong value
                (wrong,) = [w.value for w in item.wrong_answers(values) if w.misconception == named.name]
                assert _evaluate(formula, values) == pytest.approx(wrong, abs=1e-9)


def test_every_item_is_exported_once():
    exported = [item_id for name in WITH_ITEMS
                for item_id in _moodle_calculated(lms_moodle.moodle_xml(quiz.load(name)))]
    assert sorted(exported) == sorted(item.id for item in numeric_items.templates())


def test_an_exam_variant_draws_other_numbers_for_the_same_skills(tmp_path):
    name = "04_measuring_multifidus"
    practice = _check_calculated(_canvas_calculated(lms_canvas.canvas_zip(quiz.load(name))), name, "[{}]")
    exam = _check_calculated(_canvas_calculated(lms_canvas.canvas_exam_zip(name, "spring-2027")), name, "[{}]")
    other = _check_calculated(_canvas_calculated(lms_canvas.canvas_exam_zip(name, "autumn-2027")), name, "[{}]")
    moodle = _check_calculated(_moodle_calculated(lms_moodle.moodle_exam_xml(name, "spring-2027")), name, "{{{}}}")
    assert exam == moodle  # one seed, the same numbers in both formats
    assert exam != practice and exam != other
    assert _check_calculated(_canvas_calculated(lms_canvas.canvas_exam_zip(name, "spring-2027")), name, "[{}]") == exam
    package = lms_canvas.canvas_exam_zip(name, "spring-2027")
    assert _meta(package, "title") == "Measuring lumbar multifidus and reading a test result — calculations, " \
                                      "exam variant spring-2027"
    assert (_meta(package, "quiz_type"), _meta(package, "allowed_attempts")) == ("assignment", "1")


def test_write_variant_writes_both_formats_for_each_notebook_with_items(tmp_path, capsys):
    lms.main([str(tmp_path), "--variant", "k7"])
    printed = capsys.readouterr().out.split()
    assert printed == [str(tmp_path / fmt / "exam-k7" / f"{name}.{ext}") for name in WITH_ITEMS
                       for fmt, ext in (("canvas", "zip"), ("moodle", "xml"))]
    assert not list((tmp_path / "canvas").glob("*.zip"))  # the practice quizzes are not written again


@pytest.mark.parametrize("seed", ["", "../up", "-x", "a b", "x" * 41, 7])
def test_a_bad_seed_is_refused_naming_it(seed, tmp_path):
    with pytest.raises(ValueError, match="seed must be 1 to 40 letters, digits or hyphens"):
        lms.write_variant(tmp_path, seed)
    assert not list(tmp_path.iterdir())


def test_an_exam_variant_of_a_notebook_without_items_is_refused():
    with pytest.raises(ValueError, match=r"name must be a notebook with numeric items \(03b_recurrence_and_limits, "
                                         r"04_measuring_multifidus, 05_whole_patient\); got '01_muscle_layers'"):
        lms_canvas.canvas_exam_zip("01_muscle_layers", "k7")


# --- the exports read as quizzes ----------------------------------------------------------------------------------

COURSE_REFERENCES = re.compile(r"this course|the course|the widget|notebook|same patient|\babove\b|\bbelow\b|"
                               r"self-check|\b0\d[a-z]?_[a-z_]+", re.I)


@pytest.mark.parametrize("name", lms_text.exported())
def test_quiz_titles_are_in_words_and_practice_quizzes_do_not_count(name):
    check = quiz.load(name)
    package = lms_canvas.canvas_zip(check)
    title = _meta(package, "title")
    assert title == f"{lms_text.topic(name)} — practice quiz" and "_" not in title and name not in title
    assert _canvas_files(package)[0].find("q:assessment", QTI).get("title") == title
    assert (_meta(package, "quiz_type"), _meta(package, "allowed_attempts")) == ("practice_quiz", "-1")
    assert _meta(package, "omit_from_final_grade") == "true"
    fields = {field.findtext("q:fieldlabel", namespaces=QTI): field.findtext("q:fieldentry", namespaces=QTI)
              for field in _canvas_files(package)[0].iterfind("q:assessment/q:qtimetadata/q:qtimetadatafield", QTI)}
    assert fields["cc_maxattempts"] == "unlimited"
    points = len(check.questions) + len(numeric_items.for_notebook(name))
    assert float(_meta(package, "points_possible")) == points


def test_the_exports_own_words_never_refer_to_the_course():
    """Titles, descriptions, categories, instructions and the numeric items (the bank's items are checked by the
    bank's own tests)."""
    texts = [lms_text.wording(key, topic="t", title="t", seed="s", points="1", unit="u", value="1", feedback="f")
             for key in lms_text._wording()["wording"] if key != "rubric_columns"]
    texts += list(lms_text._wording()["topic"].values())
    for name in WITH_ITEMS:
        texts += [_text(q["text"]) + " " + _text(q["feedback"])
                  for q in _canvas_calculated(lms_canvas.canvas_zip(quiz.load(name))).values()]
        texts += [category for category in _moodle_categories(lms_moodle.moodle_xml(quiz.load(name)))]
        exam = lms_canvas.canvas_exam_zip(name, "k7")
        texts += [_meta(exam, "title"), _text(_meta(exam, "description"))]
    found = [(match[0], text[:60]) for text in texts for match in COURSE_REFERENCES.finditer(text)]
    assert found == []


RUBRIC = (rubric.RubricCriterion(name="Names the difference", levels=(
    rubric.RubricLevel(label="Full", points=3.0, descriptor="Says *pain gone* is not *recovered*."),
    rubric.RubricLevel(label="Partial", points=1.0, descriptor="Names one of them."),
    rubric.RubricLevel(label="Missing", points=0.0, descriptor="Neither."))),
    rubric.RubricCriterion(name="Uses the numbers", levels=(
        rubric.RubricLevel(label="Full", points=2.0, descriptor="84 % against 30 %."),
        rubric.RubricLevel(label="Missing", points=0.0, descriptor="No number."))))


def _with_rubric(exercise: quiz.Exercise) -> quiz.Exercise:
    """The exercise with an analytic rubric."""
    return dataclasses.replace(exercise, rubric=RUBRIC)


def test_an_exercise_is_a_separate_assignment_with_its_rubric():
    exercise = _with_rubric(_fixture().exercises[0])
    package = lms_canvas.canvas_exercise_zip(_fixture(), exercise)
    assert _meta(package, "title") == "Explain to a patient — written exercise"
    assert (_meta(package, "quiz_type"), _meta(package, "allowed_attempts")) == ("assignment", "1")
    (item,) = _canvas_items(package).values()
    assert item["type"] == "essay_question"
    table = ET.fromstring(re.search(r"<table>.*</table>", item["text"], re.S)[0])
    assert table.findtext("caption") == "Marking rubric (5 points)"
    rows = [[_text(ET.tostring(cell, encoding="unicode")) for cell in row] for row in table.iterfind("tbody/tr")]
    assert rows == [["Names the difference", "Full", "3", "Says pain gone is not recovered ."],
                    ["Partial", "1", "Names one of them."], ["Missing", "0", "Neither."],
                    ["Uses the numbers", "Full", "2", "84 % against 30 %."], ["Missing", "0", "No number."]]
    root = _canvas_files(package)[0]
    points = {f.findtext("q:fieldlabel", namespaces=QTI): f.findtext("q:fieldentry", namespaces=QTI)
              for f in root.iterfind(".//q:item//q:qtimetadatafield", QTI)}["points_possible"]
    assert float(points) == 5 == float(_meta(package, "points_possible"))


def test_moodle_keeps_an_exercises_rubric_in_its_text_grade_and_grader_information(monkeypatch):
    check = _fixture()
    with_rubric = quiz.SelfCheck(check.name, check.questions, (_with_rubric(check.exercises[0]),), check.objectives)
    categories = _moodle_categories(lms_moodle.moodle_xml(with_rubric))
    essay = categories["$course$/top/Back muscles and numbers — written exercise"]["explain"]
    assert essay.findtext("defaultgrade") == "5"
    for tag in ("questiontext", "graderinfo"):
        assert "Marking rubric (5 points)" in essay.findtext(f"{tag}/text")


def test_an_exercise_without_a_rubric_has_no_table_and_the_default_grade():
    (item,) = _canvas_items(lms_canvas.canvas_exercise_zip(_fixture(), _fixture().exercises[0])).values()
    assert "<table" not in item["text"]
    categories = _moodle_categories(lms_moodle.moodle_xml(_fixture()))
    essay = categories["$course$/top/Back muscles and numbers — written exercise"]
    assert essay["explain"].findtext("defaultgrade") == "1"


def test_every_notebook_has_a_topic_in_words(monkeypatch):
    lms_text._wording.cache_clear()
    monkeypatch.setattr(lms_text.datafile, "load", lambda name: {"wording": {}, "topic": {"01_muscle_layers": "x"}})
    with pytest.raises(ValueError, match=r"data/lms.toml: topic: '00_start_here' is missing"):
        lms_text._wording()
    monkeypatch.undo()
    lms_text._wording.cache_clear()


def test_spinelab_lms_writes_an_exam_variant(tmp_path, capsys):
    from spinelab.publish import cli

    assert cli.main(["lms", str(tmp_path), "--variant", "k7"]) == 0
    assert sorted(path.name for path in (tmp_path / "moodle" / "exam-k7").iterdir()) == [f"{n}.xml" for n in WITH_ITEMS]
