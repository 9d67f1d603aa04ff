import io

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from spinelab import case_study as cs
from spinelab import guarding, muscles, quiz, recovery, recurrence, red_flags, treatments


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


# ------------------------------------------------------------------ vignettes and routing

def test_vignettes_load_with_known_flags():
    ids = [item.id for item in cs.vignettes()]
    assert ids == ["warehouse", "saddle"]
    for item in cs.vignettes():
        assert all(red_flags.flag(name).name == name for name in item.red_flags)
        assert item.painful_side in cs.SIDES and "\n" not in item.history


def test_warehouse_worker_screens_clear_and_continues():
    assert cs.vignette("warehouse").red_flags == ()
    assert not cs.vignette("warehouse").screen().refer
    assert cs.route("warehouse").startswith("No red flags ticked") and "Continue" in cs.route("warehouse")


def test_red_flag_vignette_routes_to_referral_for_cauda_equina():
    result = cs.vignette("saddle").screen()
    assert result.refer and result.decision == red_flags.REFER
    assert result.conditions == ("cauda equina syndrome",)
    reported = set(cs.vignette("saddle").red_flags)
    assert {"saddle anaesthesia", "new bladder dysfunction or urinary retention"} <= reported
    assert cs.route("saddle").startswith("Refer for medical evaluation") and "Stop here" in cs.route("saddle")


def test_red_flag_step_grades_the_ticks_against_the_history():
    step = cs.RedFlagStep("saddle")
    assert step.check() is False and "did not tick" in step.feedback.value
    step.tick(*cs.vignette("saddle").red_flags)
    assert step.checklist.outcome.refer
    assert step.check() is True and "matches the history" in step.feedback.value
    assert "Refer for medical evaluation" in step.feedback.value
    clear = cs.RedFlagStep("warehouse")
    assert clear.check() is True and "Continue" in clear.feedback.value
    clear.tick("fever")
    assert clear.check() is False and "Not in this history: fever" in clear.feedback.value


@pytest.mark.parametrize("text, message", [
    ('[[vignette]]\nid = "x"\ntitle = "X"\nhistory = "h"\nexamination = "e"\nred_flags = ["sore toe"]\n'
     'painful_side = "left"\npainful_level = "L5"\n', "flag must be one of"),
    ('[[vignette]]\nid = "x"\ntitle = ""\nhistory = "h"\nexamination = "e"\nred_flags = []\n'
     'painful_side = "left"\npainful_level = "L5"\n', "field 'title'"),
    ('[[vignette]]\nid = "x"\ntitle = "X"\nhistory = "h"\nexamination = "e"\nred_flags = []\n'
     'painful_side = "middle"\npainful_level = "L5"\n', "painful_side"),
])
def test_bad_vignette_data_is_refused_naming_the_field(text, message):
    with pytest.raises(ValueError, match=message):
        cs.parse(text)


def test_unknown_vignette_names_the_parameter():
    with pytest.raises(ValueError, match="vignette_id must be one of warehouse, saddle"):
        cs.vignette("nobody")


# ------------------------------------------------------------------ step 2: layers

def test_layer_step_accepts_the_erector_spinae_as_the_working_hypothesis():
    step = cs.LayerStep()
    assert step.check() == {"guarding": None, "inhibited": None, "where": None}
    step.choose(cs.ERECTOR_SPINAE, "multifidus", cs.WHERE_OPTIONS[0])
    assert step.check() == {"guarding": True, "inhibited": True, "where": True}
    text = step.feedback.value
    assert "working hypothesis" in text and "not a finding" in text and "notebooks 01 and 02" not in text
    assert "van Dieën et al. 2003" in text and "Hodges &amp; Tucker 2011" in text
    assert "Hides et al. 1994" in text and "Hodges et al. 2006" in text
    # The fibres felt beside L4-L5 are the lumbar parts (local); the thoracic parts are tendon there (global).
    assert {muscles.get(part).bergmark for part in cs.ERECTOR_SPINAE_PARTS[:2]} == {"local"}
    assert {muscles.get(part).bergmark for part in cs.ERECTOR_SPINAE_PARTS[2:]} == {"global"}
    assert all("aponeurosis" in muscles.get(part).insertion for part in cs.ERECTOR_SPINAE_PARTS[2:])
    assert "erector spinae aponeurosis" in text and "Bogduk 1980" in text


def test_layer_step_explains_wrong_answers_with_muscle_facts():
    step = cs.LayerStep()
    step.choose("multifidus", cs.ERECTOR_SPINAE, cs.WHERE_OPTIONS[1])
    assert step.check() == {"guarding": False, "inhibited": False, "where": False}
    assert "Bergmark class local" in step.feedback.value and "crosses 2-5 joints" in step.feedback.value
    assert "expect it tight, not inhibited" in step.feedback.value
    for option in cs.LAYER_OPTIONS:
        assert cs.guarding_feedback(option)[0] == (option == cs.ERECTOR_SPINAE)
        assert cs.inhibited_feedback(option)[0] == (option == "multifidus")
    assert [name for _label, name in cs.LayerStep().guarding.options[1:]] == list(cs.LAYER_OPTIONS)
    assert cs.option_name(cs.ERECTOR_SPINAE) == "Erector spinae (lumbar and thoracic fibres)"
    with pytest.raises(ValueError, match="muscle_id must be one of"):
        cs.guarding_feedback("longissimus_thoracis_thoracic")


def test_layer_step_refuses_unknown_answers():
    with pytest.raises(ValueError, match="guarding_muscle must be one of"):
        cs.LayerStep().choose("biceps", "multifidus", cs.WHERE_OPTIONS[0])
    with pytest.raises(ValueError, match="answer must be one of"):
        cs.where_feedback("everywhere")


# ------------------------------------------------------------------ the plan model

def test_plan_model_composes_the_course_models_without_changing_them():
    plan = cs.Plan("p", treatment="dry needling", treatment_start_day=5, specific_exercise=True,
                   exercise_start_week=3, adherence=0.6)
    result = cs.outcome(plan)
    expected = guarding.simulate(None, treatments.get("dry needling"), start_day=5, days=cs.MODEL_WEEKS * 7)
    np.testing.assert_allclose(result.curves.guarding, expected.guarding)
    np.testing.assert_allclose(result.size, recovery.predict(result.weeks, 3, 0.6))
    achieved = recovery.recovery_achieved(3, 0.6)
    assert result.recovery_achieved == pytest.approx(achieved)
    np.testing.assert_allclose(result.recurrence, recurrence.cumulative(cs.YEARS, achieved))


def test_pain_goes_in_every_plan_but_the_muscle_recovers_only_with_exercise():
    without, with_exercise = (cs.outcome(plan) for plan in cs.ALTERNATIVES)
    for result in (without, with_exercise):
        assert result.pain_gone_day < cs.MODEL_WEEKS * 7
    assert without.size_at_follow_up < 90.0 < 99.0 < with_exercise.size_at_follow_up
    assert without.recurrence_3y == pytest.approx(float(recurrence.calibrated("control").cumulative(3.0)))


def test_treating_the_guarding_never_leaves_more_guarding():
    untreated = cs.outcome(cs.Plan("none"))
    for name in treatments.NAMES:
        treated = cs.outcome(cs.Plan(name, treatment=name, treatment_start_day=2))
        assert np.all(treated.curves.guarding <= untreated.curves.guarding + 1e-12)
        assert treated.guarding_on_day_28 < untreated.guarding_on_day_28


@given(start=st.integers(0, 9), later=st.integers(1, 10), adherence=st.floats(0.05, 1.0))
def test_earlier_or_any_exercise_never_does_worse_in_the_model(start, later, adherence):
    early = cs.outcome(cs.Plan("early", specific_exercise=True, exercise_start_week=start, adherence=adherence))
    late = cs.outcome(cs.Plan("late", specific_exercise=True, exercise_start_week=min(start + later, 10),
                              adherence=adherence))
    none = cs.outcome(cs.Plan("none"))
    assert early.size_at_follow_up >= late.size_at_follow_up - 1e-9
    assert early.recurrence_3y <= late.recurrence_3y + 1e-9 <= none.recurrence_3y + 2e-9


def test_specific_exercise_off_ignores_its_sliders():
    off = cs.Plan("off", exercise_start_week=1, adherence=1.0)
    assert off.exercise_done == 0.0
    assert cs.outcome(off).size_at_follow_up == pytest.approx(float(recovery.GROUPS["control"].size(10.0)))


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
        cs.Plan("bad", **changes)


def test_outcome_refuses_a_non_plan():
    with pytest.raises(ValueError, match="plan must be a Plan"):
        cs.outcome({"treatment": "manual therapy"})


def test_comparison_prints_one_row_per_plan():
    text = cs.comparison([*cs.ALTERNATIVES, cs.STARTING_PLAN])
    lines = text.splitlines()
    assert len(lines) == 8 and "model outputs" in lines[0] and "multifidus*" in lines[0]
    assert lines[2].startswith("pain relief only") and lines[2].endswith("96%")
    assert lines[5] == "* multifidus: % of the other side, illustrative model (invented scale, not data)"
    assert "illustrative link" in lines[7]


# ------------------------------------------------------------------ the plan chooser, driven as a student would

def test_plan_chooser_full_plan_updates_readout_and_figure_in_place():
    chooser = cs.PlanChooser()
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
    assert state["recurrence_3y"] < first_state["recurrence_3y"]
    assert state["size_week_10"] > first_state["size_week_10"]
    np.testing.assert_allclose(lines[2].get_ydata(), cs.outcome(chooser.plan).size)
    np.testing.assert_allclose(lines[3].get_ydata(), 100 * cs.outcome(chooser.plan).recurrence)
    assert chooser.readout.value != first_readout and f"{state['recurrence_3y']:.0%}" in chooser.readout.value
    assert "Model outputs" in chooser.readout.value and "invented scale, not data" in chooser.readout.value
    assert not np.array_equal(_pixels(chooser.live.png()), first_png)
    assert "Dahm et al. 2010" in chooser.feedback.value


def test_plan_chooser_computes_the_fixed_alternatives_once(monkeypatch):
    chooser = cs.PlanChooser()
    modelled = []
    original = cs.outcome
    monkeypatch.setattr(cs, "outcome", lambda plan, params=None: modelled.append(plan.label) or original(plan, params))
    chooser.adherence.value = 40
    assert "your plan" in modelled and not set(modelled) & {plan.label for plan in cs.ALTERNATIVES}
    for plan in cs.ALTERNATIVES:
        assert f"<td>{plan.label}</td>" in chooser.readout.value


def test_no_exercise_feedback_describes_the_muscle_without_invented_numbers():
    result = cs.outcome(cs.ALTERNATIVES[0])
    text = cs.plan_feedback(result)
    assert "still smaller than the other side" in text and f"{result.size_at_follow_up:.0f}%" not in text
    assert "illustrative" in text


def test_exercise_in_the_plan_lowers_three_year_recurrence():
    chooser = cs.PlanChooser()
    chooser.exercise.value = False
    without = chooser.state()
    assert "Pain is gone" in chooser.feedback.value and "Hides et al. 1996" in chooser.feedback.value
    assert chooser.exercise_start.disabled and chooser.adherence.disabled
    chooser.exercise.value = True
    assert chooser.state()["recurrence_3y"] < without["recurrence_3y"]
    assert not chooser.exercise_start.disabled


def test_earlier_exercise_gives_more_multifidus_recovery_at_week_10():
    chooser = cs.PlanChooser()
    chooser.adherence.value = 100
    sizes, pngs = [], []
    for week in (8, 4, 1):
        chooser.exercise_start.value = week
        sizes.append(chooser.state()["size_week_10"])
        pngs.append(chooser.live.png())
    assert sizes[0] < sizes[1] < sizes[2]
    assert len(set(pngs)) == 3
    assert "Until week 8" not in chooser.feedback.value


def test_no_treatment_disables_the_start_day_and_says_guarding_fades_anyway():
    chooser = cs.PlanChooser()
    chooser.treatment.value = cs.NO_TREATMENT
    assert chooser.treatment_start.disabled
    assert "fades anyway" in chooser.feedback.value


def test_outcome_figure_has_four_labelled_model_panels():
    live = cs.outcome_figure()
    assert [ax.get_title() for ax in live.axes] == ["Pain (model)", "Guarding (model)", "Multifidus size (model)",
                                                   "Recurrence (model)"]
    assert "your plan" in live.alt_text and live.png().startswith(b"\x89PNG")
    assert live.axes[2].get_ylabel() == recovery.SIZE_AXIS_LABEL


def test_self_check_is_complete_for_the_answer_key():
    check = quiz.load("04_case_study")
    assert len(check.questions) >= 3 and {e.id for e in check.exercises} == {"follow-up", "timing-in-the-model"}
    assert all(question.citations for question in check.questions)
