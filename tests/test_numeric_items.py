"""Parameterised numeric items: draws stay in range and seeded, and every draw is graded by its formula."""

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinelab.clinic import numeric_items
from spinelab.course import quiz

ITEMS = {item.id: item for item in numeric_items.templates()}


def _key(item_id: str, v: dict[str, float]) -> float:
    """The answer computed here, independently of the package, with exact fractions where rounding matters."""
    if item_id == "arr-from-event-rates":
        return v["control"] - v["treated"]
    if item_id == "nnt-from-event-rates":
        return math.ceil(Fraction(100) / (Fraction(v["control"]) - Fraction(v["treated"])))
    if item_id == "post-test-from-likelihood-ratio":
        odds = v["pre"] / (100 - v["pre"]) * v["lr"]
        return 100 * odds / (1 + odds)
    if item_id == "sensitivity-from-table":
        return 100 * v["tp"] / (v["tp"] + v["fn"])
    if item_id == "specificity-from-table":
        return 100 * v["tn"] / (v["tn"] + v["fp"])
    if item_id == "csa-asymmetry":
        return 100 * abs(v["left"] - v["right"]) / max(v["left"], v["right"])
    bothersome = 1 if v["i9"] >= 3 else 0  # item 9: 'very much' (3) or 'extremely' (4)
    if item_id == "start-back-overall":
        return sum(v[f"i{n}"] for n in range(1, 9)) + bothersome
    assert item_id == "start-back-distress"
    return sum(v[f"i{n}"] for n in range(5, 9)) + bothersome


students = st.text(max_size=30)
attempts = st.integers(min_value=0, max_value=10 ** 9)


def test_there_is_an_item_for_every_skill_the_issue_names():
    assert {item.formula.id for item in ITEMS.values()} == {"arr", "nnt", "post_test", "sensitivity", "specificity",
                                                            "csa_asymmetry", "start_back_overall",
                                                            "start_back_distress"}
    assert {item.notebook for item in ITEMS.values()} <= set(quiz.available())


@pytest.mark.parametrize("item_id", ITEMS)
@settings(max_examples=150, deadline=None)
@given(student=students, attempt=attempts)
def test_every_draw_is_in_range_on_its_grid_and_graded_by_the_formula(item_id, student, attempt):
    item = ITEMS[item_id]
    draw = item.draw(student, attempt)
    for variable in item.variables:
        value = draw.values[variable.name]
        assert variable.low <= value <= variable.high
        assert value == round(value, variable.decimals)
        assert variable.text(value) in draw.stem
    key = _key(item_id, draw.values)
    assert draw.answer == pytest.approx(key, abs=1e-9)
    tolerance = item.tolerance
    assert draw.grade(key)[0] is True
    assert draw.grade(f"{key + 0.99 * tolerance:.6f}")[0] is True
    assert draw.grade(f"{key - 0.99 * tolerance:.6f}")[0] is True
    assert draw.grade(key + tolerance + 0.01)[0] is False
    assert draw.grade(key - tolerance - 0.01)[0] is False


@pytest.mark.parametrize("item_id", ITEMS)
@settings(max_examples=50, deadline=None)
@given(student=students, attempt=attempts)
def test_a_draw_is_the_same_for_the_same_student_and_attempt(item_id, student, attempt):
    item = ITEMS[item_id]
    assert item.draw(student, attempt) == item.draw(student, attempt)


@pytest.mark.parametrize("item_id", ITEMS)
def test_students_and_attempts_get_other_numbers(item_id):
    item = ITEMS[item_id]
    draws = {tuple(item.draw(student, attempt).values.values()) for student in ("ana", "ben", "chloe")
             for attempt in range(5)}
    assert len(draws) >= 8


def test_draws_cover_each_range_end_to_end():
    item = ITEMS["csa-asymmetry"]
    lefts = [item.draw("x", attempt).values["left"] for attempt in range(600)]
    assert min(lefts) == 4.0 and max(lefts) == 12.0


def test_a_known_case_matches_the_reported_figures():
    nnt, arr = ITEMS["nnt-from-event-rates"], ITEMS["arr-from-event-rates"]
    assert nnt.answer({"control": 84, "treated": 30}) == 2  # Hides et al. 2001, one year
    assert arr.answer({"control": 75, "treated": 35}) == pytest.approx(40)
    assert nnt.answer({"control": 60, "treated": 35}) == 4  # 1 / 0.25 exactly: not rounded up to 5


@pytest.mark.parametrize(("values", "message"), [
    ({"pre": 70, "lr": 2}, r"pre must be a finite number in \[5\.0, 60\.0\]; got 70"),
    ({"pre": 30, "lr": 0}, r"lr must be a finite number in \[0\.1, 10\.0\]; got 0"),
    ({"pre": 30, "lr": 2.05}, r"lr must be a number in \[0\.1, 10\.0\] with at most 1 decimal\(s\); got 2\.05"),
    ({"pre": 30}, r"variable 'lr' is missing"),
    ({"pre": 30, "lr": 2, "sens": 0.9}, r"has no variable 'sens'"),
    ({"pre": "30", "lr": 2}, r"pre must be a number in \[5\.0, 60\.0\]"),
])
def test_bad_values_fail_naming_the_parameter_and_its_range(values, message):
    with pytest.raises(ValueError, match=message):
        ITEMS["post-test-from-likelihood-ratio"].answer(values)


@pytest.mark.parametrize(("student", "attempt", "message"), [
    (None, 0, "student must be a string"),
    ("ana", -1, "attempt must be a whole number from 0 to 1000000000"),
    ("ana", 1.5, "attempt must be a whole number"),
])
def test_bad_draw_arguments_fail_naming_them(student, attempt, message):
    with pytest.raises(ValueError, match=message):
        ITEMS["csa-asymmetry"].draw(student, attempt)


def test_a_response_that_is_no_number_gets_a_message_not_a_grade():
    draw = ITEMS["sensitivity-from-table"].draw("ana", 0)
    correct, feedback = draw.grade("about ninety")
    assert correct is None and "is not a number" in feedback
    assert draw.grade(f"{draw.answer:.1f} %".replace(".", ","))[0] is True


def test_stems_stand_alone():
    for item in ITEMS.values():
        text = f"{item.stem} {item.method}".lower()
        for phrase in ("this course", "the course", "the widget", "notebook", "above", "below", "same patient"):
            assert phrase not in text, (item.id, phrase)


def _with(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


def _data() -> str:
    from importlib import resources
    return resources.files("spinelab").joinpath(numeric_items.DATA_FILE).read_text(encoding="utf-8")


@pytest.mark.parametrize(("old", "new", "message"), [
    ('formula = "arr"', 'formula = "risk"', r"item 1 \('arr-from-event-rates'\): field 'formula' must be one of arr"),
    ('min = 40\nmax = 85', 'min = 85\nmax = 40', r"variable 'control': field 'min' \(85\) must be below field 'max'"),
    ("{control} % of the usual-care group and {treated}", "{control} % of the usual-care group and {treat}",
     r"field 'stem': every placeholder must be a variable .*'treat'"),
    ('notebook = "03b_recurrence_and_limits"', 'notebook = "03c_recurrence"', r"field 'notebook' must be one of"),
    ('citations = ["jaeschke1995"]', 'citations = ["jaeschke1996"]', r"field 'citations'"),
    ('id = "nnt-from-event-rates"', 'id = "arr-from-event-rates"', r"field 'id': the id is used twice"),
    ('bloom = "apply"', 'bloom = "use"', r"field 'bloom' must be one of remember"),
])
def test_bad_item_data_fails_naming_the_item_and_the_field(old, new, message):
    with pytest.raises(ValueError, match=message):
        numeric_items.parse(_with(_data(), old, new))


def test_for_notebook_lists_each_notebooks_items_in_file_order():
    assert [item.id for item in numeric_items.for_notebook("05_whole_patient")] == ["start-back-overall",
                                                                                    "start-back-distress"]
    assert numeric_items.for_notebook("01_muscle_layers") == ()


def test_the_public_key_shows_each_method_and_how_to_make_an_exam_variant_never_a_draws_numbers():
    from spinelab.publish import instructor

    key = "\n".join(instructor.numeric_key())
    assert "**method, not the answers**" in key and "--variant SEED" in key
    for item in ITEMS.values():
        assert f"*Stem.* {item.stem}" in key  # with its placeholders, not a draw's numbers
        assert item.method in key and f"`{item.formula.expression}`" in key
    assert key in instructor.answers_markdown()


@pytest.mark.parametrize("item_id", ITEMS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_value_out_of_range_fails_naming_the_variable_and_its_range(item_id, data):
    item = ITEMS[item_id]
    variable = data.draw(st.sampled_from(item.variables))
    outside = data.draw(st.one_of(st.floats(max_value=variable.low, exclude_max=True, allow_nan=False),
                                  st.floats(min_value=variable.high, exclude_min=True, allow_nan=False)))
    values = {**item.draw("ana", 0).values, variable.name: outside}
    with pytest.raises(ValueError, match=rf"^{variable.name} must be a finite number in "
                                         rf"\[{variable.low}, {variable.high}\]"):
        item.answer(values)
