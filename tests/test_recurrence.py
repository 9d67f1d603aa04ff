import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from spinelab import recurrence, studies

#: Calibration is exact in closed form; this tolerance only absorbs floating-point error.
TOLERANCE = 1e-9
YEARS = np.linspace(0.0, 3.0, 301)


@pytest.mark.parametrize("group", studies.GROUPS)
def test_calibrated_models_reproduce_each_reported_figure(group):
    model = recurrence.calibrated(group)
    for reported in studies.reported_recurrence(group):
        assert model.within(*reported.period) == pytest.approx(reported.proportion, abs=TOLERANCE)


def test_three_year_cumulative_follows_from_the_two_periods():
    # Under the stated interpretation F(3) = 1 - (1 - p1)(1 - p2): 96 % control, 54.5 % exercise.
    assert recurrence.calibrated("control").cumulative(3.0) == pytest.approx(0.96, abs=TOLERANCE)
    assert recurrence.calibrated("specific exercise").cumulative(3.0) == pytest.approx(0.545, abs=TOLERANCE)


@pytest.mark.parametrize("group", studies.GROUPS)
def test_cumulative_curves_rise_monotonically_within_0_and_1(group):
    curve = recurrence.calibrated(group).cumulative(YEARS)
    assert curve[0] == 0.0
    assert np.all(np.diff(curve) > 0.0)
    assert np.all((curve >= 0.0) & (curve <= 1.0))


@given(st.floats(0.01, 0.99), st.floats(0.01, 0.99), st.floats(0.2, 1.5))
def test_calibration_is_exact_for_any_pair_of_proportions(first, second, first_end):
    implied_shape = math.log1p(math.log1p(-second) / math.log1p(-first)) / math.log(3.0 / first_end)
    assume(implied_shape >= recurrence.MIN_SHAPE)
    model = recurrence.calibrate(first, second, first_end, 3.0)
    assert model.within(0.0, first_end) == pytest.approx(first, abs=1e-9)
    assert model.within(first_end, 3.0) == pytest.approx(second, abs=1e-9)


def test_a_pair_implying_all_risk_at_time_zero_is_rejected_by_name():
    with pytest.raises(ValueError, match="second must not be so small beside first"):
        recurrence.calibrate(0.984375, 0.01171875, 0.5, 3.0)


@given(st.floats(0.0, 1.0))
def test_the_plan_curve_lies_between_the_group_curves_and_is_monotone(achieved):
    plan = recurrence.cumulative(YEARS, achieved)
    control = recurrence.calibrated("control").cumulative(YEARS)
    exercise = recurrence.calibrated("specific exercise").cumulative(YEARS)
    assert np.all(plan <= control + 1e-12) and np.all(plan >= exercise - 1e-12)
    assert np.all(np.diff(plan) >= 0.0) and plan[-1] <= 1.0


def test_plan_curve_ends_are_the_group_curves():
    np.testing.assert_allclose(recurrence.cumulative(YEARS, 0.0), recurrence.calibrated("control").cumulative(YEARS))
    np.testing.assert_allclose(recurrence.cumulative(YEARS, 1.0),
                               recurrence.calibrated("specific exercise").cumulative(YEARS))


def test_arr_and_nnt_from_the_reported_figures():
    year1, years23 = recurrence.reported_effects()
    assert year1.absolute_risk_reduction == pytest.approx(0.54)
    assert year1.number_needed_to_treat == 2
    assert years23.absolute_risk_reduction == pytest.approx(0.40)
    assert years23.number_needed_to_treat == 3
    assert "39 patients" in year1.sentence()


def test_period_labels_come_from_the_reported_periods():
    year1, years23 = recurrence.reported_effects()
    assert year1.period == "1 year after treatment (read as the window from year 0 to year 1)"
    assert years23.period == "2–3 years after treatment (read as the window from year 1 to year 3)"
    with pytest.raises(ValueError, match="period end"):
        recurrence.period_label((1.0, 1.5))


def test_nnt_rounds_up_without_floating_point_surprises():
    assert recurrence.number_needed_to_treat(0.75, 0.25) == 2
    assert recurrence.number_needed_to_treat(0.6, 0.1) == 2
    assert recurrence.number_needed_to_treat(0.5, 0.2) == 4


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: recurrence.calibrate(0.0, 0.5), "first"),
        (lambda: recurrence.calibrate(0.5, 1.0), "second"),
        (lambda: recurrence.calibrate(0.5, 0.5, first_end=2.0, second_end=1.0), "second_end"),
        (lambda: recurrence.calibrate(0.5, 0.5, first_end=0.0), "first_end"),
        (lambda: recurrence.cumulative(YEARS, 1.5), "recovery_achieved"),
        (lambda: recurrence.cumulative(np.array([-1.0]), 0.5), "years"),
        (lambda: recurrence.calibrated("control").cumulative(4.0), "years"),
        (lambda: recurrence.calibrated("control").within(2.0, 1.0), "end"),
        (lambda: recurrence.WeibullRecurrence(scale=-1.0, shape=1.0), "scale"),
        (lambda: recurrence.number_needed_to_treat(0.2, 0.3), "treated_risk"),
        (lambda: recurrence.absolute_risk_reduction(1.2, 0.3), "control_risk"),
        (lambda: recurrence.calibrated("placebo"), "group"),
    ],
)
def test_bad_inputs_raise_value_errors_naming_the_parameter(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_shape_below_one_means_recurrences_cluster_early():
    for group in studies.GROUPS:
        assert 0.0 < recurrence.calibrated(group).shape < 1.0
    assert math.isfinite(recurrence.calibrated("control").scale)


def test_calibration_report_prints_reported_beside_model():
    report = recurrence.calibration_report()
    assert "reported 84%, model 84.0%" in report and "reported 35%, model 35.0%" in report
    assert "by year 3: 96.0%" in report and "by year 3: 54.5%" in report
