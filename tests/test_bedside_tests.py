"""The bedside-test data: it validates, every figure matches its quote and cites a registered source."""

from importlib import resources

import pytest

from spinelab.course import datafile, references
from spinelab.multifidus import bedside

TEXT = resources.files("spinelab").joinpath("data/bedside_tests.toml").read_text(encoding="utf-8")


def test_the_data_file_validates_against_its_schema():
    assert datafile.parse(TEXT, "bedside_tests", "data/bedside_tests.toml")["test"]
    assert [test.id for test in bedside.tests()] == ["multifidus-lift-test", "prone-instability-test",
                                                      "stabilisation-rule"]


def test_every_figure_appears_in_its_quote_and_cites_a_registered_source():
    for test in bedside.tests():
        for figure in test.figures:
            assert bedside.appears_in(figure.value, figure.quote), figure.id
            if figure.high is not None:
                assert bedside.appears_in(figure.high, figure.quote), figure.id
            assert references.get(figure.source)
            assert figure.verified.strip()


@pytest.mark.parametrize(("figure_id", "value", "high"), [
    ("mlt_kappa", 0.75, 0.81), ("mlt_validity_l4l5", 0.59, 0.73), ("mlt_participants", 32, None),
    ("cpr_patients", 54, None), ("cpr_successes", 18, None), ("cpr_success_plr", 4.0, None),
    ("cpr_failure_nlr", 0.18, None),
])
def test_the_checked_figures(figure_id, value, high):
    figure = bedside.figure(figure_id)
    assert (figure.value, figure.high) == (value, high)


def test_the_prone_instability_test_shows_no_accuracy_figure():
    assert bedside.test("prone-instability-test").figures == ()
    assert "no accuracy figure" in bedside.test("prone-instability-test").describe()


def test_the_rule_shows_its_failed_validation():
    rule = bedside.test("stabilisation-rule")
    assert [item.source for item in rule.validations] == ["rabin2014"]
    assert "could not be validated" in rule.validations[0].quote
    assert "Rabin et al. 2014" in bedside.describe("stabilisation-rule")


def test_likelihood_ratios_name_their_result_and_target():
    found = {figure.id: figure for figure in bedside.likelihood_ratios()}
    assert found["cpr_success_plr"].result == "positive"
    assert found["cpr_failure_nlr"].result == "negative"
    assert found["cpr_success_plr"].number() == "4.0"


def test_a_figure_missing_from_its_quote_is_refused():
    bad = TEXT.replace("value = 0.75\n", "value = 0.57\n")
    with pytest.raises(ValueError, match=r"figure 2 \('mlt_kappa'\): field 'value' \(0.57\) must appear in the quote"):
        bedside.parse(bad)


def test_a_schema_error_names_the_entry_and_field():
    bad = TEXT.replace('kind = "kappa"', 'kind = "kapa"')
    with pytest.raises(ValueError, match="field 'kind' must be one of"):
        bedside.parse(bad)


def test_an_unknown_citation_is_refused():
    bad = TEXT.replace('source = "rabin2014"', 'source = "rabin2041"')
    with pytest.raises(ValueError, match="unknown citation key 'rabin2041'"):
        bedside.parse(bad)


def test_written_forms_do_not_match_inside_longer_numbers():
    assert bedside.appears_in(0.18, "negative LR, .18)")
    assert not bedside.appears_in(0.18, "LR 0.185")
    assert bedside.appears_in(54, "Fifty-four patients")
    with pytest.raises(ValueError, match="number"):
        bedside.number_words(100)
