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
    assert not checklist.outcome.refer
    bundle = checklist._repr_mimebundle_()
    assert "Teaching aid, not a diagnostic tool" in bundle["text/plain"]
    assert "teaching aid, not a diagnostic tool" in checklist.note.value.lower()
