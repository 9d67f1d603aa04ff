"""Every public function a notebook or an instructor calls refuses junk with an error naming the parameter."""

import math
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinelab.clinic import cases, red_flags
from spinelab.course import quiz
from spinelab.course.display import markdown_html
from spinelab.course.selfcheck import show_questions
from spinelab.course.setup_check import DecayDemo, half_life
from spinelab.course.text import MarkdownText
from spinelab.course.validation import ParameterTypeError
from spinelab.guarding import flexion_relaxation as fr
from spinelab.guarding import treatments
from spinelab.guarding.guarding_figures import threshold_table, treatment_timing_table
from spinelab.multifidus import post_test, recovery, studies, ultrasound
from spinelab.multifidus.bedside_figures import PostTestCalculator
from spinelab.multifidus.multifidus_figures import TreatmentExplorer
from spinelab.multifidus.recovery_fit import RecoveryFit
from spinelab.multifidus.ultrasound_trainer import UltrasoundTrainer
from spinelab.publish import lms

SQUARE = [(0, 0), (10, 0), (10, 10), (0, 10)]
BOW_TIE = [(0, 0), (10, 10), (10, 0), (0, 10)]
TRUTH = recovery.RecoveryParameters(asymptote=96.0, start=78.0, time_constant=2.5, status="synthetic")

#: Values no numeric parameter accepts: not numbers, not finite, or too large for any of the course's ranges.
JUNK = st.sampled_from([None, "0.5", "", b"1", Decimal("0.5"), [0.5], (1,), {"x": 1}, True, False, np.bool_(True),
                        math.nan, -math.nan, math.inf, -math.inf, 1e308, -1e308, 10 ** 400, complex(1, 1)])

#: Each public numeric parameter a notebook or instructor sets: how to call with one value, and its name.
NUMERIC = {
    "half_life": (lambda v: half_life(v), "time_constant"),
    "DecayDemo": (lambda v: DecayDemo(time_constant=v), "time_constant"),
    "threshold_table": (lambda v: threshold_table(loop_gains=(v,)), "loop_gains[0]"),
    "treatment_timing_table start_days": (
        lambda v: treatment_timing_table("gentle motion (stay active)", start_days=(v,), loop_gain=0.5),
        "start_days[0]"),
    "treatment_timing_table loop_gain": (
        lambda v: treatment_timing_table("gentle motion (stay active)", start_days=(7,), loop_gain=v), "loop_gain"),
    "ratio_table": (lambda v: fr.ratio_table({"x": v}), "levels['x']"),
    "TreatmentExplorer week": (lambda v: TreatmentExplorer(exercise_start_week=v), "exercise_start_week"),
    "TreatmentExplorer adherence": (lambda v: TreatmentExplorer(adherence_percent=v), "adherence_percent"),
    "synthetic_measurements noise_sd": (lambda v: recovery.synthetic_measurements(TRUTH, [0.0, 1.0], noise_sd=v),
                                        "noise_sd"),
    "synthetic_measurements weeks": (lambda v: recovery.synthetic_measurements(TRUTH, [v]), "weeks"),
    "synthetic_measurements seed": (lambda v: recovery.synthetic_measurements(TRUTH, [0.0], seed=v), "seed"),
    "RecoveryParameters": (lambda v: recovery.RecoveryParameters(asymptote=v, start=78.0, time_constant=2.5,
                                                                 status="synthetic"), "asymptote"),
    "RecoveryFit weeks": (lambda v: RecoveryFit([0.0, 1.0, 2.0, v], [78.0, 85.0, 90.0, 95.0], TRUTH), "weeks"),
    "RecoveryFit sizes": (lambda v: RecoveryFit([0.0, 1.0, 2.0, 4.0], [78.0, 85.0, 90.0, v], TRUTH), "sizes"),
    "residual_sd sizes": (lambda v: recovery.residual_sd([0.0, 1.0], [78.0, v], TRUTH), "sizes"),
    "PostTestCalculator": (lambda v: PostTestCalculator(pre_test_percent=v), "pre_test_percent"),
    "UltrasoundTrainer": (lambda v: UltrasoundTrainer(case_number=v), "number"),
    "ultrasound.case": (lambda v: ultrasound.case(v), "number"),
    "scaled_outline": (lambda v: ultrasound.scaled_outline(SQUARE, v), "factor"),
    "polygon_area": (lambda v: ultrasound.polygon_area([(0, 0), (1, 0), (v, 1)]), "points"),
    "area_cm2 scale": (lambda v: ultrasound.area_cm2(SQUARE, v), "cm_per_pixel"),
    "area_cm2 points": (lambda v: ultrasound.area_cm2([(0, 0), (1, 0), (1, v)], 0.1), "pixel_points"),
    "asymmetry_percent left": (lambda v: ultrasound.asymmetry_percent(v, 2.0), "left_area"),
    "asymmetry_percent right": (lambda v: ultrasound.asymmetry_percent(2.0, v), "right_area"),
    "post_test_probability pre_test": (lambda v: post_test.post_test_probability(v, 2.0), "pre_test"),
    "post_test_probability ratio": (lambda v: post_test.post_test_probability(0.5, v), "likelihood_ratio"),
    "likelihood_ratios": (lambda v: post_test.likelihood_ratios(v, 0.5), "sensitivity"),
    "odds": (lambda v: post_test.odds(v), "probability"),
    "probability_from_odds": (lambda v: post_test.probability_from_odds(v), "odds"),
    "repeat_tracings": (lambda v: ultrasound.repeat_tracings(ultrasound.case(1), v, repeats=2), "click_error_cm"),
}
#: Junk a parameter legitimately accepts: a large finite ratio, odds, area or coordinate (whose area is finite) is
#: a number like any other, and a list of weeks is an array of weeks.
ACCEPTED = {"post_test_probability ratio": lambda v: v == 1e308, "probability_from_odds": lambda v: v == 1e308,
            "asymmetry_percent left": lambda v: v == 1e308, "asymmetry_percent right": lambda v: v == 1e308,
            "synthetic_measurements weeks": lambda v: v in ([0.5], (1,)),
            "polygon_area": lambda v: v in (1e308, -1e308), "area_cm2 points": lambda v: v in (1e308, -1e308)}


@pytest.mark.parametrize("call", NUMERIC, ids=NUMERIC)
@settings(max_examples=40, deadline=None)
@given(value=JUNK)
def test_junk_into_a_public_numeric_parameter_is_refused_naming_it(call, value):
    function, name = NUMERIC[call]
    if type(value) in (float, list, tuple) and ACCEPTED.get(call, lambda v: False)(value):
        return
    with pytest.raises((ValueError, TypeError)) as error:
        function(value)
    message = str(error.value)
    assert name in message and "must" in message, message


@pytest.mark.parametrize("flags", [None, 5, 1.5, "fever", b"fever", [1], [None], True])
def test_screen_refuses_anything_but_a_collection_of_names(flags):
    with pytest.raises(TypeError, match=r"^flags must"):
        red_flags.screen(flags)


@pytest.mark.parametrize("scale", [None, "0.1", Decimal("0.1"), [0.1], True, 1e200, 0.0, -0.1, math.nan, math.inf])
def test_area_cm2_refuses_a_bad_scale_naming_it_and_the_range(scale):
    with pytest.raises((ValueError, TypeError), match=r"cm_per_pixel must be .*\(0\.0, 1\.0\]"):
        ultrasound.area_cm2(SQUARE, scale)


def test_a_bow_tie_outline_has_no_area_and_says_so():
    assert ultrasound.area_cm2(SQUARE, 0.1) == pytest.approx(1.0)
    for call in (lambda: ultrasound.area_cm2(BOW_TIE, 0.1), lambda: ultrasound.polygon_area(BOW_TIE)):
        with pytest.raises(ValueError, match="crosses itself"):
            call()


def test_asymmetry_of_text_is_a_type_error_naming_the_side():
    with pytest.raises(ParameterTypeError, match=r"left_area must be a number .*'1' \(str\)") as error:
        ultrasound.asymmetry_percent("1", 2)
    assert isinstance(error.value, TypeError) and isinstance(error.value, ValueError)  # widgets catch ValueError
    assert ultrasound.asymmetry_percent(1e308, 1e308 / 2) == pytest.approx(50.0)


def test_post_test_probability_of_an_extreme_ratio_is_a_probability_not_nan():
    assert post_test.post_test_probability(0.999999999, 1e308) == 1.0
    assert post_test.post_test_probability(1e-300, 1e-300) == 0.0


@settings(max_examples=500, deadline=None)
@given(pre_test=st.floats(min_value=5e-324, max_value=1.0, exclude_max=True),
       ratio=st.floats(min_value=5e-324, max_value=1.7976931348623157e308))
def test_post_test_probability_is_never_nan_and_agrees_with_odds_where_they_are_finite(pre_test, ratio):
    result = post_test.post_test_probability(pre_test, ratio)
    assert 0.0 <= result <= 1.0
    post_odds = pre_test / (1.0 - pre_test) * ratio
    if 1e-300 < post_odds < 1e300:
        assert result == pytest.approx(post_odds / (1.0 + post_odds), rel=1e-9)
    if ratio > 1.0:
        assert result >= pre_test * (1 - 1e-12)


def test_cases_parse_refuses_bytes_naming_the_parameter():
    with pytest.raises(TypeError, match=r"^text must be a string .*decode"):
        cases.parse(b'id = "x"', "x.toml")
    with pytest.raises(TypeError, match=r"^source must be a string"):
        cases.parse('id = "x"', None)


NO_CORRECT_CHOICE = '''
[[question]]
id = "pick"
kind = "multiple_choice"
bloom = "understand"
prompt = "Which?"
explanation = "Because."

[[question.choice]]
text = "One"
feedback = "No."

[[question.choice]]
text = "Two"
feedback = "No."
'''


def test_a_question_with_no_correct_choice_says_so():
    with pytest.raises(ValueError, match=r"question 1 \('pick'\): field 'choice': no choice is marked correct") \
            as error:
        quiz.parse("broken", NO_CORRECT_CHOICE)
    assert "misconception" not in str(error.value)


ATTACKS = ['Hips <img src=x onerror=alert(1)> and knees', 'Before <script>alert("x")</script> after',
           '<a href="javascript:alert(1)">click</a>', '<p onclick="alert(1)" style="position:fixed">hi</p>',
           '[click](javascript:alert(1)) here', '<iframe src="https://evil.example"></iframe>text']


@pytest.mark.parametrize("text", ATTACKS)
def test_markup_in_data_text_never_reaches_the_page(text):
    for rendered in (markdown_html(text), MarkdownText(text)._repr_markdown_(), lms.markdown_html(text)):
        lowered = rendered.lower()
        for bad in ("onerror", "<script", "alert(\"x\")", "javascript:", "onclick", "position:fixed", "<iframe"):
            assert bad not in lowered, (bad, rendered)


def test_the_courses_own_markup_survives_sanitising():
    text = ("H<sub>2</sub>O, x<sup>2</sup>, <abbr title='low back pain'>LBP</abbr>, *em*, **strong**, `code`, "
            "[a link](https://example.org)\n\n<details><summary>More</summary>\n\nHidden\n\n</details>\n\n"
            "| a | b |\n|:--|--:|\n| 1 | 2 |\n\n- one\n- two\n")
    rendered = markdown_html(text)
    for kept in ("<sub>2</sub>", "<sup>2</sup>", '<abbr title="low back pain">', "<em>em</em>", "<strong>",
                 "<code>code</code>", '<a href="https://example.org">', "<details><summary>More</summary>",
                 '<th style="text-align:left">', "<li>one</li>"):
        assert kept in rendered, kept
    plain = "A *plain* line -> with `a > b` and a [link](https://example.org)\n\n> a quote"
    assert MarkdownText(plain)._repr_markdown_() == plain


#: Each public function a notebook or instructor calls with a name, and the parameter's name.
NAMED = {
    "quiz.load": (quiz.load, "name"),
    "show_questions": (show_questions, "name"),
    "treatments.get": (treatments.get, "name"),
    "studies.study": (studies.study, "key"),
    "studies.describe": (studies.describe, "key"),
}


@pytest.mark.parametrize("call", NAMED, ids=NAMED)
@pytest.mark.parametrize("value", [None, 5, ["01_muscle_layers"], {"a": 1}, b"hides1996"])
def test_a_name_that_is_not_a_string_is_refused_naming_the_parameter(call, value):
    function, parameter = NAMED[call]
    with pytest.raises(ParameterTypeError, match=parameter):
        function(value)
