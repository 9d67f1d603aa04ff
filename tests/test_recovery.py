import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinelab.multifidus import recovery

WEEKS = np.linspace(0.0, 52.0, 521)


@pytest.mark.parametrize("group", ["control", "specific exercise"])
def test_group_curves_stay_within_physiological_bounds_and_are_illustrative(group):
    parameters = recovery.GROUPS[group]
    curve = parameters.size(WEEKS)
    assert parameters.status == "illustrative"
    assert np.all((curve >= 0.0) & (curve <= 110.0))
    assert np.all(np.diff(curve) >= 0.0)


def test_group_curves_express_the_reported_direction_of_the_result():
    control, exercise = recovery.GROUPS["control"], recovery.GROUPS["specific exercise"]
    week10 = recovery.follow_up_week()
    # Exercise: about fully recovered by week 10; control: clearly not (did not recover spontaneously).
    assert exercise.size(week10) == pytest.approx(100.0, abs=1.0)
    assert control.size(week10) < 95.0
    # More rapid: in the first weeks exercise has covered more of its way from the start to its plateau.
    for week in (1.0, 2.0, 4.0, 6.0):
        covered = [(group.size(week) - group.start) / (group.asymptote - group.start) for group in (control, exercise)]
        assert covered[1] > covered[0]


@settings(max_examples=60)
@given(st.floats(0.0, 52.0), st.floats(0.0, 1.0))
def test_a_plan_stays_within_bounds_and_between_the_group_curves(start_week, adherence):
    plan = recovery.predict(WEEKS, start_week, adherence)
    assert np.all((plan >= 0.0) & (plan <= 110.0))
    assert np.all(plan >= recovery.GROUPS["control"].size(WEEKS) - 1e-9)
    assert np.all(plan <= recovery.GROUPS["specific exercise"].size(WEEKS) + 1e-9)
    assert 0.0 <= recovery.recovery_achieved(start_week, adherence) <= 1.0


def test_plan_ends_are_the_group_curves_and_later_start_recovers_less():
    np.testing.assert_allclose(recovery.predict(WEEKS, 0.0, 1.0), recovery.GROUPS["specific exercise"].size(WEEKS))
    np.testing.assert_allclose(recovery.predict(WEEKS, 0.0, 0.0), recovery.GROUPS["control"].size(WEEKS))
    achieved = [recovery.recovery_achieved(start, 1.0) for start in (0, 2, 4, 8)]
    assert achieved[0] == pytest.approx(1.0) and all(np.diff(achieved) < 0)


def test_plan_is_continuous_at_the_start_week():
    before, after = recovery.predict(np.array([4.0 - 1e-9, 4.0]), 4.0, 1.0)
    assert after == pytest.approx(before, abs=1e-6)


def test_fit_recovers_the_parameters_of_synthetic_data():
    truth = recovery.RecoveryParameters(asymptote=97.0, start=75.0, time_constant=3.0, status="synthetic")
    weeks = np.repeat([0.0, 1.0, 2.0, 4.0, 6.0, 10.0, 16.0], 4)
    result = recovery.fit(weeks, recovery.synthetic_measurements(truth, weeks, noise_sd=2.0, seed=3), "synthetic")
    fitted = result.parameters
    assert fitted.status == "synthetic"
    assert fitted.asymptote == pytest.approx(97.0, abs=2.0)
    assert fitted.start == pytest.approx(75.0, abs=2.5)
    assert fitted.time_constant == pytest.approx(3.0, abs=1.0)
    assert 1.0 < result.residual_sd < 3.0
    assert "time constant" in result.summary()


def test_fit_is_exact_on_noise_free_data():
    truth = recovery.RecoveryParameters(asymptote=88.0, start=80.0, time_constant=4.0)
    weeks = np.array([0.0, 2.0, 4.0, 7.0, 10.0, 20.0])
    fitted = recovery.fit(weeks, truth.size(weeks)).parameters
    assert (fitted.asymptote, fitted.start, fitted.time_constant) == pytest.approx((88.0, 80.0, 4.0), rel=1e-4)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: recovery.size(WEEKS, 120.0, 80.0, 3.0), "asymptote"),
        (lambda: recovery.size(WEEKS, 100.0, -5.0, 3.0), "start"),
        (lambda: recovery.size(WEEKS, 100.0, 80.0, 0.0), "time_constant"),
        (lambda: recovery.size(np.array([-1.0]), 100.0, 80.0, 3.0), "weeks"),
        (lambda: recovery.predict(WEEKS, exercise_start_week=-1.0), "exercise_start_week"),
        (lambda: recovery.predict(WEEKS, adherence=1.5), "adherence"),
        (lambda: recovery.fit(np.array([0.0, 1.0, 2.0, 3.0]), np.array([80.0, 85.0])), "sizes"),
        (lambda: recovery.fit(np.array([0.0, 1.0, 2.0, 3.0]), np.array([80.0, 85.0, 90.0, 150.0])), "sizes"),
        (lambda: recovery.fit(np.array([0.0, 0.0, 1.0, 1.0]), np.array([80.0, 81.0, 85.0, 86.0])), "weeks"),
        (lambda: recovery.synthetic_measurements(recovery.GROUPS["control"], WEEKS, noise_sd=-1.0), "noise_sd"),
        (lambda: recovery.recovery_achieved(at_week=0.0), "at_week"),
    ],
)
def test_bad_inputs_raise_value_errors_naming_the_parameter(call, message):
    with pytest.raises(ValueError, match=message):
        call()
