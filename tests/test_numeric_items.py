"""Parameterised numeric items: draws stay in range and seeded, and every draw is graded by its formula."""

import itertools
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
    if item_id in ("post-test-from-likelihood-ratio", "post-test-after-negative-result"):
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
    assert min(lefts) == 6.0 and max(lefts) == 9.0


def test_a_known_case_matches_the_reported_figures():
    nnt, arr = ITEMS["nnt-from-event-rates"], ITEMS["arr-from-event-rates"]
    assert nnt.answer({"control": 75, "treated": 35}) == 3  # Hides et al. 2001, two to three years: 1 / 0.40
    assert arr.answer({"control": 75, "treated": 35}) == pytest.approx(40)
    assert nnt.answer({"control": 60, "treated": 35}) == 4  # 1 / 0.25 exactly: not rounded up to 5


@pytest.mark.parametrize(("values", "message"), [
    ({"pre": 70, "lr": 2}, r"pre must be a finite number in \[10\.0, 60\.0\]; got 70"),
    ({"pre": 30, "lr": 0.5}, r"lr must be a finite number in \[1\.5, 10\.0\]; got 0\.5"),
    ({"pre": 30, "lr": 2.05}, r"lr must be a number in \[1\.5, 10\.0\] with at most 1 decimal\(s\); got 2\.05"),
    ({"pre": 30}, r"variable 'lr' is missing"),
    ({"pre": 30, "lr": 2, "sens": 0.9}, r"has no variable 'sens'"),
    ({"pre": "30", "lr": 2}, r"pre must be a number in \[10\.0, 60\.0\]"),
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
    ('min = 45\nmax = 75', 'min = 75\nmax = 45', r"variable 'control': field 'min' \(75\) must be below field 'max'"),
    ("{control} % of the usual-care group and {treated}", "{control} % of the usual-care group and {treat}",
     r"field 'stem': every placeholder must be a variable .*'treat'"),
    ('notebook = "03b_recurrence_and_limits"', 'notebook = "03c_recurrence"', r"field 'notebook' must be one of"),
    ('citations = ["jaeschke1995"]', 'citations = ["jaeschke1996"]', r"field 'citations'"),
    ('id = "nnt-from-event-rates"', 'id = "arr-from-event-rates"', r"field 'id': the id is used twice"),
    ('bloom = "apply"', 'bloom = "use"', r"field 'bloom' must be one of remember"),
    ('formula = "rrr_for_arr"', 'formula = "rrr"',
     r"item 1 \('arr-from-event-rates'\): misconception 1: field 'formula' must be one of rrr_for_arr, "
     r"arr_as_proportion; got 'rrr'"),
    ('formula = "nnt_rounded_down"', 'formula = "pre_times_lr"',
     r"item 2 \('nnt-from-event-rates'\): misconception 1: field 'formula' must be one of nnt_rounded_down; "
     r"got 'pre_times_lr'"),
    ('formula = "arr_as_proportion"', 'formula = "rrr_for_arr"', r"misconception 2: field 'formula': 'rrr_for_arr' is "
     r"named twice"),
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


# --- the PT-faculty review: result-specific likelihood ratios, plausible ranges, named misconceptions -------------

POST_TESTS = {"post-test-from-likelihood-ratio": "positive", "post-test-after-negative-result": "negative"}


def _grid(item: numeric_items.Template) -> list[dict[str, float]]:
    """Every combination of values on the item's grids (for items with few variables)."""
    grids = [[variable.value(step) for step in range(variable.steps)] for variable in item.variables]
    return [dict(zip(item.names, values, strict=True)) for values in itertools.product(*grids)]


@pytest.mark.parametrize(("item_id", "result"), POST_TESTS.items())
def test_a_post_test_item_says_the_result_and_draws_a_likelihood_ratio_of_that_side(item_id, result):
    item = ITEMS[item_id]
    assert f"tests {result}; the test's {result} likelihood ratio is {{lr}}" in item.stem
    for attempt in range(300):
        values = item.draw("ana", attempt).values
        moved = item.answer(values) - values["pre"]
        assert (values["lr"] > 1 and moved > 0) if result == "positive" else (values["lr"] < 1 and moved < 0)


def test_the_negative_result_draws_likelihood_ratios_from_0_05_to_0_95_with_two_decimals():
    lr = ITEMS["post-test-after-negative-result"].variable("lr")
    assert (lr.low, lr.high, lr.decimals) == (0.05, 0.95, 2)
    assert ITEMS["post-test-from-likelihood-ratio"].variable("lr").low == 1.5


def test_csa_draws_stay_within_a_believable_asymmetry():
    item = ITEMS["csa-asymmetry"]
    asymmetries = [item.answer(values) for values in _grid(item)]
    assert max(asymmetries) == pytest.approx(100 / 3)  # 6.0 against 9.0 cm²


@pytest.mark.parametrize("item_id", ["arr-from-event-rates", "nnt-from-event-rates"])
def test_arr_and_nnt_draws_keep_the_treated_rate_below_the_control_rate_and_spread_the_nnt(item_id):
    item = ITEMS[item_id]
    draws = [item.draw(student, attempt).values for student in ("ana", "ben") for attempt in range(400)]
    assert all(values["treated"] < values["control"] for values in draws)
    nnts = {ITEMS["nnt-from-event-rates"].answer(values) for values in draws}
    assert min(nnts) == 2 and max(nnts) >= 15


def test_overlapping_rate_ranges_are_redrawn_and_refused_by_the_formula():
    data = _with(_data(), "min = 20\nmax = 40", "min = 20\nmax = 75")  # the ARR item's treated range
    item = numeric_items.parse(data)[0]
    assert all(item.draw("ana", attempt).values["treated"] < item.draw("ana", attempt).values["control"]
               for attempt in range(300))
    with pytest.raises(ValueError, match=r"item 'arr-from-event-rates': treated must be below control .*; got "
                                         r"control = 50, treated = 60"):
        item.answer({"control": 50, "treated": 60})


def test_an_item_whose_ranges_leave_no_admissible_draw_fails_naming_it():
    data = _with(_data(), 'min = 20\nmax = 60\ndecimals = 0', 'min = 20\nmax = 21\ndecimals = 0')  # negative result
    data = _with(data, 'min = 0.05\nmax = 0.95', 'min = 0.90\nmax = 0.95')  # pre × LR within 1 pp everywhere
    item = next(item for item in numeric_items.parse(data) if item.id == "post-test-after-negative-result")
    with pytest.raises(ValueError, match=r"item 'post-test-after-negative-result': none of 1000 draws"):
        item.draw("ana", 0)


def _wrong(misconception: str, v: dict[str, float]) -> float:
    """Each misconception's value computed here, independently of the package."""
    return {
        "nnt_rounded_down": lambda: math.floor(Fraction(100) / (Fraction(v["control"]) - Fraction(v["treated"]))),
        "rrr_for_arr": lambda: 100 * (v["control"] - v["treated"]) / v["control"],
        "arr_as_proportion": lambda: (v["control"] - v["treated"]) / 100,
        "ppv_for_sensitivity": lambda: 100 * v["tp"] / (v["tp"] + v["fp"]),
        "npv_for_specificity": lambda: 100 * v["tn"] / (v["tn"] + v["fn"]),
        "pre_times_lr": lambda: v["pre"] * v["lr"],
    }[misconception]()


def test_each_item_names_the_misconceptions_the_review_asked_for():
    named = {item_id: [named.misconception.id for named in item.misconceptions] for item_id, item in ITEMS.items()}
    assert named["arr-from-event-rates"] == ["rrr_for_arr", "arr_as_proportion"]
    assert named["nnt-from-event-rates"] == ["nnt_rounded_down"]
    assert named["sensitivity-from-table"] == ["ppv_for_sensitivity"]
    assert named["specificity-from-table"] == ["npv_for_specificity"]
    assert named["post-test-from-likelihood-ratio"] == named["post-test-after-negative-result"] == ["pre_times_lr"]


MISCONCEPTION_CASES = [(item_id, named.misconception.id) for item_id, item in ITEMS.items()
                       for named in item.misconceptions]


@pytest.mark.parametrize(("item_id", "misconception"), MISCONCEPTION_CASES)
@settings(max_examples=150, deadline=None)
@given(student=students, attempt=attempts)
def test_every_draw_recognises_each_misconception_and_names_it(item_id, misconception, student, attempt):
    item = ITEMS[item_id]
    named = next(named for named in item.misconceptions if named.misconception.id == misconception)
    draw = item.draw(student, attempt)
    value = _wrong(misconception, draw.values)
    wrong = {answer.misconception: answer for answer in draw.question.wrong_answers}
    assert wrong[named.name].value == pytest.approx(value, abs=1e-9) and wrong[named.name].feedback == named.feedback
    assert abs(value - _key(item_id, draw.values)) > item.tolerance
    assert draw.grade(f"{value:.6f}") == (False, named.feedback)


def test_an_example_of_each_misconception_gets_its_feedback():
    cases = [("nnt-from-event-rates", {"control": 60, "treated": 25}, 2, "rounded down"),  # 1 / 0.35 = 2.9
             ("arr-from-event-rates", {"control": 60, "treated": 25}, 58.3, "relative risk reduction"),
             ("arr-from-event-rates", {"control": 60, "treated": 25}, 0.35, "as a proportion"),
             ("sensitivity-from-table", {"tp": 80, "fn": 20, "fp": 40, "tn": 100}, 66.7, "positive predictive"),
             ("specificity-from-table", {"tp": 80, "fn": 20, "fp": 40, "tn": 100}, 83.3, "negative predictive"),
             ("post-test-from-likelihood-ratio", {"pre": 30, "lr": 4}, 120, "× the likelihood ratio"),
             ("post-test-after-negative-result", {"pre": 40, "lr": 0.2}, 8, "× the likelihood ratio")]
    for item_id, values, typed, words in cases:
        correct, feedback = ITEMS[item_id].grade(values, typed)
        assert correct is False and words in feedback, item_id


@pytest.mark.parametrize("item_id", POST_TESTS)
def test_pre_times_lr_never_grades_correct_on_any_draw(item_id):
    item = ITEMS[item_id]
    grid = _grid(item)
    admitted = [values for values in grid if item.admits(values)]
    assert len(admitted) >= 0.9 * len(grid)  # the redraw removes few draws
    for values in admitted:
        assert item.grade(values, values["pre"] * values["lr"])[0] is False
    excluded = [values for values in grid if not item.admits(values)]
    assert all(abs(values["pre"] * values["lr"] - _key(item_id, values)) <= item.tolerance for values in excluded)
    assert all(item.admits(item.draw("ana", attempt).values) for attempt in range(500))
