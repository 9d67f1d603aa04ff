"""Yellow flags (spinelab.clinic.yellow_flags): the flags, the predictors and imaging data, the worked example."""

from importlib import resources

import pytest

from spinelab.clinic import case_study, red_flags, start_back, yellow_flags
from spinelab.course import references
from spinelab.guarding import treatments
from spinelab.multifidus import studies


def _text() -> str:
    return resources.files("spinelab").joinpath(yellow_flags.DATA_FILE).read_text(encoding="utf-8")


def test_the_flags_cover_beliefs_fear_catastrophising_distress_and_work():
    names = [item.name for item in yellow_flags.flags()]
    assert {"beliefs", "fear-avoidance", "catastrophising", "distress", "work factors"} <= set(names)
    assert {item.kind for item in yellow_flags.flags()} == {"psychological", "work"}
    assert yellow_flags.flag("work factors").kind == "work"


def test_a_flag_is_found_ignoring_case_and_an_unknown_one_is_refused_with_the_list():
    assert yellow_flags.flag("  Fear-Avoidance ").name == "fear-avoidance"
    with pytest.raises(ValueError, match=r"flag must be one of beliefs, fear-avoidance, .*; got 'saddle'"):
        yellow_flags.flag("saddle")


def test_predictors_of_persistent_disabling_pain_raise_the_odds_and_those_of_recovery_lower_them():
    worse, recovery = yellow_flags.predictors("persistent disabling pain"), yellow_flags.predictors("recovery")
    assert len(worse) + len(recovery) == len(yellow_flags.predictors())
    assert all(item.median > 1 for item in worse) and all(item.median < 1 for item in recovery)
    assert all(float(item.low) <= item.median <= float(item.high) for item in yellow_flags.predictors())
    fear = next(item for item in recovery if "fear avoidance" in item.name)
    assert (fear.median_lr, fear.low, fear.high) == ("0.39", "0.38", "0.40")


def test_predictors_are_shown_as_printed_with_their_source():
    table = str(yellow_flags.predictors_table())
    assert "| nonorganic signs present | persistent disabling pain | 3.0 | 1.7 to 4.6 |" in table
    assert "| low baseline functional impairment | recovery | 0.40 | 0.10 to 0.52 |" in table
    assert "(Chou & Shekelle 2010)" in table and "approximately 1.5" in table


def test_every_likelihood_ratio_is_read_against_one_named_outcome_before_the_table():
    table = str(yellow_flags.predictors_table())
    intro, header = table[:table.index("| Finding")], table[table.index("| Finding"):].splitlines()[0]
    outcome = yellow_flags.data().predictor_outcome
    assert "persistent disabling" in outcome and "1 year" in outcome
    assert outcome in intro and outcome in header
    assert "below 1" in intro and "recovery more likely" in intro
    assert "Predicts |" not in header


@pytest.mark.parametrize("bad", ["better", "", "Recovery"])
def test_an_unknown_outcome_is_refused(bad):
    with pytest.raises(ValueError, match=r"predicts must be one of persistent disabling pain, recovery; got"):
        yellow_flags.predictors(bad)


def test_imaging_findings_in_people_without_pain_rise_with_age():
    found = {item.finding: (item.at_20, item.at_80) for item in yellow_flags.imaging_findings()}
    assert found["disk degeneration"] == (37, 96) and found["disk bulge"] == (30, 84)
    assert all(at_80 >= at_20 for at_20, at_80 in found.values())
    assert "| disk degeneration | 37 % | 96 % |" in yellow_flags.imaging_table()


def test_the_summary_defines_yellow_flags_against_red_flags_with_citations():
    text = str(yellow_flags.summary())
    assert text.startswith("Yellow flags are psychosocial factors") and "(Kendall et al. 1997)" in text
    assert "Red flags raise suspicion" in text and "Finucane et al. 2020" in text
    assert "<details>" in text and "(Nicholas et al. 2011)" in text


def test_the_worked_example_is_the_warehouse_worker_with_every_step_and_the_clear_screen_safety_net():
    patient = case_study.vignette(yellow_flags.WORKED_PATIENT)
    assert not patient.red_flags
    assert "worried about being off work" in patient.history
    text = str(yellow_flags.worked_example())
    assert "show no red flags" in text
    for step in yellow_flags.explanations():
        assert step.say in text and step.why in text and references.cite(*step.sources) in text
    assert red_flags.level(red_flags.NONE).safety_netting in text
    assert text.index(yellow_flags.explanations()[-1].say) < text.index("<details>")


def test_recurrence_talk_gives_the_median_time_and_says_the_figures_describe_a_group():
    text = str(yellow_flags.recurrence_talk())
    assert f"{studies.value('dasilva2019_median_days').value:g} days (da Silva et al. 2019)" in text
    assert "not a forecast for you" in text


def test_education_guidance_quotes_the_treatments_data_and_the_quality_standard_rationale():
    text = str(yellow_flags.education_guidance())
    quoted = [item for item in treatments.recommendations() if "education and reassurance" in item.topics]
    assert quoted and all(item.quote in text for item in quoted)
    assert "benign nature of the condition" in text and "(NICE 2017)" in text


def test_every_citation_key_resolves_and_the_clinic_modules_share_the_registry():
    keys = yellow_flags.citation_keys()
    assert {"kendall1997", "nicholas2011", "chou2010", "brinjikji2015"} <= set(keys)
    assert all(references.get(key) for key in (*keys, *start_back.citation_keys()))


@pytest.mark.parametrize(("old", "new", "message"), [
    ('name = "fear-avoidance"', 'name = "Beliefs"', r"flag 2 \('Beliefs'\): field 'name' repeats an earlier flag"),
    ('median_lr = "2.5"', 'median_lr = "3.5"',
     r"predictor 2 \('high levels of maladaptive pain coping behaviours'\): field 'median_lr' must lie between "
     r"'low' \(2.2\) and 'high' \(2.8\); got 3.5"),
    ('median_lr = "2.5"', "median_lr = 2.5", r"predictor 2 \('high levels of maladaptive pain coping behaviours'\): "
                                              r"field 'median_lr' must be a likelihood ratio as printed"),
    ('kind = "work"', 'kind = "social"', r"flag 6 \('work factors'\): field 'kind' must be one of psychological, "
                                         r"work; got 'social'"),
    ('at_20 = 37', "at_20 = 137", r"imaging 1: field 'at_20' must be between 0 and 100; got 137"),
    ('sources = ["brinjikji2015"]\nverified', 'sources = ["brinjikji2099"]\nverified',
     r"imaging_source: field 'sources'"),
])
def test_the_loader_names_the_entry_and_field_at_fault(old, new, message):
    text = _text()
    assert old in text
    with pytest.raises(ValueError, match=rf"^x\.toml: {message}"):
        yellow_flags.load(text.replace(old, new, 1), "x.toml")
