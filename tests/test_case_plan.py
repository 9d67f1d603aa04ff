import io

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from spinelab.clinic import plan as cp
from spinelab.clinic import plan_chooser
from spinelab.clinic.plan_chooser import PlanChooser
from spinelab.guarding import guarding, treatments
from spinelab.multifidus import recovery


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


# ------------------------------------------------------------------ the plan model

def test_plan_model_composes_the_course_models_without_changing_them():
    plan = cp.Plan("p", treatment="dry needling", treatment_start_day=5, specific_exercise=True,
                   exercise_start_week=3, adherence=0.6)
    result = cp.outcome(plan)
    expected = guarding.simulate(None, treatments.get("dry needling"), start_day=5, days=cp.MODEL_WEEKS * 7)
    np.testing.assert_allclose(result.curves.guarding, expected.guarding)
    np.testing.assert_allclose(result.size, recovery.predict(result.weeks, 3, 0.6))


def test_the_plan_model_gives_no_pain_or_recurrence_prognosis():
    result = cp.outcome(cp.STARTING_PLAN)
    assert not hasattr(result, "recurrence") and not hasattr(result, "pain_gone_day")
    feedback = cp.plan_feedback(result)
    assert "recurrence by year 3" not in feedback and "pain gone" not in feedback


def test_the_muscle_recovers_only_with_exercise_in_the_model():
    without, with_exercise = (cp.outcome(plan) for plan in cp.ALTERNATIVES)
    assert without.size_at_follow_up < 90.0 < 99.0 < with_exercise.size_at_follow_up


def test_treating_the_guarding_never_leaves_more_guarding():
    untreated = cp.outcome(cp.Plan("none"))
    for name in treatments.NAMES:
        treated = cp.outcome(cp.Plan(name, treatment=name, treatment_start_day=2))
        assert np.all(treated.curves.guarding <= untreated.curves.guarding + 1e-12)
        assert treated.guarding_on_day_28 < untreated.guarding_on_day_28


@given(start=st.integers(0, 9), later=st.integers(1, 10), adherence=st.floats(0.05, 1.0))
def test_earlier_exercise_never_leaves_a_smaller_muscle_in_the_model(start, later, adherence):
    early = cp.outcome(cp.Plan("early", specific_exercise=True, exercise_start_week=start, adherence=adherence))
    late = cp.outcome(cp.Plan("late", specific_exercise=True, exercise_start_week=min(start + later, 10),
                              adherence=adherence))
    none = cp.outcome(cp.Plan("none"))
    assert early.size_at_follow_up >= late.size_at_follow_up - 1e-9 >= none.size_at_follow_up - 2e-9


def test_specific_exercise_off_ignores_its_sliders():
    off = cp.Plan("off", exercise_start_week=1, adherence=1.0)
    assert off.exercise_done == 0.0
    assert cp.outcome(off).size_at_follow_up == pytest.approx(float(recovery.GROUPS["control"].size(10.0)))


@pytest.mark.parametrize("changes, name", [
    ({"treatment": "massage"}, "treatment"),
    ({"treatment_start_day": 40}, "treatment_start_day"),
    ({"exercise_start_week": -1}, "exercise_start_week"),
    ({"exercise_start_week": 11}, "exercise_start_week"),
    ({"adherence": 1.5}, "adherence"),
    ({"adherence": float("nan")}, "adherence"),
])
def test_bad_plan_inputs_raise_value_error_naming_the_parameter(changes, name):
    with pytest.raises(ValueError, match=name):
        cp.Plan("bad", **changes)


def test_outcome_refuses_a_non_plan():
    with pytest.raises(ValueError, match="plan must be a Plan"):
        cp.outcome({"treatment": "manual therapy"})


# ------------------------------------------------------------------ evidence, not model numbers, compares plans

def test_evidence_for_a_plan_cites_each_part():
    plain = cp.evidence_for(cp.ALTERNATIVES[0])
    assert len(plain) == 1 and "improve over time regardless of treatment" in plain[0] and "Qaseem" in plain[0]
    full = cp.evidence_for(cp.ALTERNATIVES[1])
    assert len(full) == 2 and "Dahm et al. 2010" in full[0]
    assert "Choi et al. 2010" in full[1] and "Hides et al. 2001" in full[1] and "2 to 5 years" in full[1]


# ------------------------------------------------------------------ the plan chooser, driven as a student would

def test_plan_chooser_full_plan_updates_readout_and_figure_in_place():
    chooser = PlanChooser()
    figure, lines = chooser.live.figure, list(chooser.lines)
    assert all(line in chooser.live.dynamic_artists for line in lines)
    first_png, first_readout, first_state = _pixels(chooser.live.png()), chooser.readout.value, chooser.state()

    chooser.treatment.value = "gentle motion (stay active)"
    chooser.treatment_start.value = 1
    chooser.exercise.value = True
    chooser.exercise_start.value = 2
    chooser.adherence.value = 100
    state = chooser.state()

    assert chooser.live.figure is figure and chooser.lines == lines
    assert chooser.plan.describe() == ("gentle motion (stay active) from day 1; specific exercise from week 2, "
                                       "100% kept up")
    assert state["size_week_10"] > first_state["size_week_10"]
    np.testing.assert_allclose(lines[1].get_ydata(), cp.outcome(chooser.plan).size)
    assert chooser.readout.value != first_readout and f"{state['size_week_10']:.0f}%" in chooser.readout.value
    assert "not a prognosis" in chooser.readout.value and "invented scale, not data" in chooser.readout.value
    assert not np.array_equal(_pixels(chooser.live.png()), first_png)
    assert "Dahm et al. 2010" in chooser.feedback.value


def test_plan_chooser_computes_the_fixed_alternatives_once(monkeypatch):
    chooser = PlanChooser()
    modelled = []
    original = cp.outcome
    monkeypatch.setattr(plan_chooser, "outcome",
                        lambda plan, params=None: modelled.append(plan.label) or original(plan, params))
    chooser.adherence.value = 40
    assert "your plan" in modelled and not set(modelled) & {plan.label for plan in cp.ALTERNATIVES}
    for plan in cp.ALTERNATIVES:
        assert f"<td>{plan.label}</td>" in chooser.readout.value


def test_no_exercise_feedback_describes_the_muscle_without_invented_numbers():
    result = cp.outcome(cp.ALTERNATIVES[0])
    text = cp.plan_feedback(result)
    assert "stays smaller than the other side" in text and f"{result.size_at_follow_up:.0f}" not in text
    assert "illustrative" in text


def test_exercise_checkbox_enables_its_sliders_and_adds_its_evidence():
    chooser = PlanChooser()
    chooser.exercise.value = False
    assert chooser.exercise_start.disabled and chooser.adherence.disabled
    assert "Choi et al. 2010" not in chooser.feedback.value
    chooser.exercise.value = True
    assert not chooser.exercise_start.disabled and "Choi et al. 2010" in chooser.feedback.value


def test_earlier_exercise_gives_more_multifidus_recovery_at_week_10():
    chooser = PlanChooser()
    chooser.adherence.value = 100
    sizes, pngs = [], []
    for week in (8, 4, 1):
        chooser.exercise_start.value = week
        sizes.append(chooser.state()["size_week_10"])
        pngs.append(chooser.live.png())
    assert sizes[0] < sizes[1] < sizes[2]
    assert len(set(pngs)) == 3
    assert "until week 8" not in chooser.feedback.value


def test_no_treatment_disables_the_start_day_and_says_guarding_fades_anyway():
    chooser = PlanChooser()
    chooser.treatment.value = cp.NO_TREATMENT
    assert chooser.treatment_start.disabled
    assert "fades anyway" in chooser.feedback.value


def test_plan_chooser_displays_itself_with_its_alt_text():
    bundle = PlanChooser()._repr_mimebundle_()
    assert bundle["text/plain"].startswith("[Interactive figure] Two panels comparing your plan")
    assert bundle["image/png"].startswith(b"\x89PNG")


def test_outcome_figure_has_two_labelled_model_panels():
    live = plan_chooser.outcome_figure()
    assert [ax.get_title() for ax in live.axes] == ["Guarding (illustrative model)",
                                                   "Multifidus size (illustrative model)"]
    assert "your plan" in live.alt_text and live.png().startswith(b"\x89PNG")
    assert live.axes[1].get_ylabel() == recovery.SIZE_AXIS_LABEL


def test_exercise_can_start_up_to_the_trials_last_examination():
    assert (0.0, recovery.follow_up_week()) == cp.EXERCISE_START_RANGE
    with pytest.raises(ValueError, match="exercise_start_week"):
        cp.Plan("late", exercise_start_week=recovery.follow_up_week() + 1)
