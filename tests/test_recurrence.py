import pytest

from spinelab.multifidus import recurrence, studies


def test_arr_and_nnt_from_the_reported_figures():
    year1, years23 = recurrence.reported_effects()
    assert year1.absolute_risk_reduction == pytest.approx(0.84 - 0.30)
    assert year1.number_needed_to_treat == 2
    assert years23.absolute_risk_reduction == pytest.approx(0.75 - 0.35)
    assert years23.number_needed_to_treat == 3
    assert "39 patients" in year1.sentence() and "uncertain estimate" in year1.sentence()


def test_follow_ups_are_named_as_the_paper_reports_them():
    year1, years23 = recurrence.reported_effects()
    assert year1.follow_up == "1 year after treatment"
    assert years23.follow_up == "2–3 years after treatment"
    assert not hasattr(recurrence, "calibrate") and not hasattr(recurrence, "cumulative")


def test_the_four_figures_are_stored_as_reported_at_their_follow_ups():
    for group, expected in (("control", [84, 75]), ("specific exercise", [30, 35])):
        first, second = studies.reported_recurrence(group)
        assert [first.value, second.value] == expected
        assert first.period == (1.0, 1.0) and second.period == (2.0, 3.0)
        assert "does not define the window" in first.note and "two to three years" in second.note


def test_nnt_rounds_up_without_floating_point_surprises():
    assert recurrence.number_needed_to_treat(0.75, 0.25) == 2
    assert recurrence.number_needed_to_treat(0.6, 0.1) == 2
    assert recurrence.number_needed_to_treat(0.5, 0.2) == 4


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: recurrence.number_needed_to_treat(0.2, 0.3), "treated_risk"),
        (lambda: recurrence.number_needed_to_treat(0.3, 0.3), "treated_risk"),
        (lambda: recurrence.absolute_risk_reduction(1.2, 0.3), "control_risk"),
        (lambda: recurrence.absolute_risk_reduction(0.5, -0.1), "treated_risk"),
    ],
)
def test_bad_input_raises_value_error_naming_the_parameter(call, message):
    with pytest.raises(ValueError, match=message):
        call()
