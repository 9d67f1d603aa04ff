import html

import pytest

from spinelab import red_flags, references


def test_saddle_anaesthesia_routes_to_referral_for_cauda_equina():
    result = red_flags.screen({"saddle anaesthesia"})
    assert result.refer and result.decision == "refer for medical evaluation"
    assert result.conditions == ("cauda equina syndrome",)
    assert "saddle anaesthesia raises suspicion of cauda equina syndrome (Long et al. 2020)" in result.message


def test_no_flags_ticked_says_so_and_does_not_reassure_falsely():
    result = red_flags.screen([])
    assert not result.refer and result.decision == "no red flags ticked"
    assert "does not rule out" in result.message


def test_names_are_case_insensitive_and_accept_us_spelling():
    assert red_flags.screen(["Saddle Anesthesia"]).flags == (red_flags.flag("saddle anaesthesia"),)


def test_one_flag_can_raise_two_conditions_and_reasons_come_in_checklist_order():
    result = red_flags.screen(["fever", "older age (over 50)"])
    assert result.conditions == ("spinal fracture", "spinal malignancy", "spinal infection")
    assert result.reasons[0].startswith("older age (over 50) raises suspicion of spinal fracture or spinal malignancy")


@pytest.mark.parametrize("name", ["older age (over 50)", "no improvement after one month", "corticosteroid use",
                                  "fever", "significant trauma", "progressive neurological deficit in the legs"])
def test_a_single_risk_factor_raises_suspicion_but_does_not_refer(name):
    result = red_flags.screen([name])
    assert not result.refer and result.decision == red_flags.SUSPECT
    assert red_flags.SUSPECT == "raises suspicion: consider in combination, reassess"
    assert result.message.startswith("Raises suspicion") and "reassess" in result.message
    assert result.combined == ()


def test_two_flags_for_different_conditions_do_not_combine():
    result = red_flags.screen(["older age (over 50)", "fever"])
    assert not result.refer and result.decision == red_flags.SUSPECT


@pytest.mark.parametrize("names, condition", [
    (["older age (over 50)", "no improvement after one month"], "spinal malignancy"),
    (["older age (over 50)", "corticosteroid use"], "spinal fracture"),
    (["fever", "intravenous drug use"], "spinal infection"),
])
def test_two_flags_for_the_same_condition_refer_in_combination(names, condition):
    result = red_flags.screen(names)
    assert result.refer and result.decision == red_flags.REFER and result.combined == (condition,)
    assert result.message.startswith("Refer for medical evaluation")
    assert f"At least 2 flags for {condition} call for referral in combination" in result.message


def test_flags_that_refer_on_their_own_are_the_sourced_cauda_equina_signs_and_a_history_of_cancer():
    alone = {item.name for item in red_flags.FLAGS if item.refers_alone}
    assert alone == {item.name for item in red_flags.flags_for("cauda equina syndrome") if item.sources} | {
        "previous history of cancer"}
    for name in alone:
        assert red_flags.screen([name]).refer
    with pytest.raises(ValueError, match="needs a source"):
        red_flags.RedFlag("x", ("spinal fracture",), (), "commonly listed", refers_alone=True)
    assert "Henschke et al. 2013" in red_flags.RULE and "not a validated rule" in red_flags.RULE


def test_anal_tone_flag_says_only_what_its_source_names():
    assert red_flags.flag("loss of anal tone").sources == ("long2020",)
    assert "anal tone" in references.get("long2020").finding
    assert not any("faecal" in item.name for item in red_flags.FLAGS)


def test_unknown_flags_and_single_strings_are_refused():
    with pytest.raises(ValueError, match=r"flag must be one of: .*fever"):
        red_flags.screen(["headache"])
    with pytest.raises(ValueError, match="collection of flag names"):
        red_flags.screen("fever")
    with pytest.raises(ValueError, match="condition must be one of"):
        red_flags.flags_for("appendicitis")


def test_every_condition_has_flags_and_every_flag_a_source_or_an_honest_note():
    assert red_flags.CONDITIONS == ("cauda equina syndrome", "spinal fracture", "spinal malignancy",
                                    "spinal infection")
    for condition in red_flags.CONDITIONS:
        assert len(red_flags.flags_for(condition)) >= 2
    for item in red_flags.FLAGS:
        for key in item.sources:
            references.get(key)
        if not item.sources:
            assert "commonly listed" in item.note and "commonly listed" in item.citation
    with pytest.raises(ValueError, match="needs a note"):
        red_flags.RedFlag("x", ("spinal fracture",), ())


def test_checklist_widget_ticks_and_clears():
    checklist = red_flags.RedFlagChecklist()
    assert "No red flags ticked" in checklist.result.value
    checklist.tick("previous history of cancer")
    assert checklist.outcome.conditions == ("spinal malignancy",)
    assert "Refer for medical evaluation" in checklist.result.value and "Henschke et al. 2013" in checklist.result.value
    checklist.clear()
    checklist.tick("older age (over 50)")
    assert "Raises suspicion" in checklist.result.value and not checklist.outcome.refer
    checklist.clear()
    assert not checklist.outcome.refer and not checklist.outcome.flags
    bundle = checklist._repr_mimebundle_()
    assert "Teaching aid, not a diagnostic tool" in bundle["text/plain"]
    assert "teaching aid, not a diagnostic tool" in checklist.note.value.lower()
    assert "Rule of this checklist" in checklist.note.value


def test_every_note_is_shown_under_the_checklist():
    checklist = red_flags.RedFlagChecklist()
    shown = html.unescape(checklist.footnotes.value)
    assert "<ul>" in shown and "<li><ul>" not in shown  # the * marker is text, not a nested list
    for item in red_flags.FLAGS:
        if item.note:
            assert item.note in shown
    assert checklist.checkboxes["saddle anaesthesia"].description.endswith("(refers on its own) †")
    assert checklist.checkboxes["unexplained weight loss"].description.endswith("*")
