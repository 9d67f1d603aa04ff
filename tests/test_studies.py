import pytest

from spinelab.course import references
from spinelab.multifidus import studies

VALUE = """
[[value]]
id = "v"
study = "hides2001"
quantity = "recurrence"
group = "control"
period = [0.0, 1.0]
time_unit = "years"
value = 84
unit = "%"
how = "reported in the text/abstract"
quote = "q"
verified = "checked"
"""


def test_every_study_and_value_cites_a_key_that_resolves_and_says_how_it_was_obtained():
    data = studies.load()
    assert set(data.studies) >= {"hides1994", "hides1996", "hides2001", "hodges2006", "macdonald2009"}
    for item in (*data.studies.values(), *data.values):
        assert item.how in studies.HOW_OBTAINED
    for item in data.values:
        assert references.get(item.study).key == item.study
        assert item.quote.strip() and item.verified.strip()


def test_the_hides_2001_figures_are_the_reported_ones():
    control = studies.reported_recurrence("control")
    exercise = studies.reported_recurrence("specific exercise")
    assert [v.value for v in control] == [84, 75]
    assert [v.value for v in exercise] == [30, 35]
    assert [v.period for v in control] == [(1.0, 1.0), (2.0, 3.0)]
    assert all("recurrence" in v.quote for v in (*control, *exercise))


def test_no_number_is_recorded_where_none_was_verified():
    assert studies.values("hides1994") == []
    assert studies.values("hides1996", "cross-sectional area") == []
    assert "Per-group cross-sectional-area values" in studies.study("hides1996").verified


def test_values_report_their_provenance():
    item = studies.value("hides2001_recurrence_1y_control")
    assert item.proportion == pytest.approx(0.84)
    assert item.provenance() == "(Hides et al. 2001), reported in the text/abstract"
    with pytest.raises(ValueError, match="not %"):
        _ = studies.value("hides1996_patients").proportion


def test_describe_gives_plain_sentences_with_citation():
    text = studies.describe("hides1996")
    assert "39 patients" in text and "(Hides et al. 1996)" in text
    # Where the record was read is for instructors (the verified field), never shown to students.
    assert "Not available to us" not in text and studies.study("hides1996").verified not in text
    # Only what the sources say about the groups: medical management alone vs plus specific exercise.
    assert "medical management alone" in text and "medical management plus specific multifidus exercise" in text
    assert "medication" not in text and "does not describe the control group's contact" in text


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('how = "reported in the text/abstract"', 'how = "guessed"', "field 'how' must be one of reported"),
        ('study = "hides2001"', 'study = "hides2099"', "field 'study': unknown citation key 'hides2099'"),
        ("value = 84", "value = 184", "field 'value' must be a percentage between 0 and 100"),
        ('group = "control"', 'group = ""', "field 'group' must be non-empty text"),
        ("value = 84", "value = 84\nci = [85, 90]", "field 'ci' must be"),
        ("period = [0.0, 1.0]", "period = [2.0, 1.0]", "field 'period' must be"),
        ('quote = "q"', 'quote = ""', "field 'quote' must be non-empty text"),
    ],
)
def test_malformed_values_are_rejected_by_name(old, new, message):
    with pytest.raises(ValueError, match=rf"^data/studies\.toml: value 1 \('v'\): {message}"):
        studies.parse(VALUE.replace(old, new))


def test_duplicate_ids_and_unknown_lookups_are_rejected():
    with pytest.raises(ValueError, match="duplicate value id"):
        studies.parse(VALUE + VALUE)
    with pytest.raises(ValueError, match="key must be one of"):
        studies.study("smith2000")
    with pytest.raises(ValueError, match="value_id must be one of"):
        studies.value("nothing")
    with pytest.raises(ValueError, match="group must be one of"):
        studies.reported_recurrence("placebo")


def test_the_recurrence_follow_ups_say_the_window_is_not_defined():
    for group in studies.GROUPS:
        for item in studies.reported_recurrence(group):
            assert item.note and "does not define the window" in item.note


def test_prognosis_and_recurrence_context_are_stored_with_their_intervals():
    acute = [studies.value(f"menezescosta2012_pain_acute_week{week}") for week in (0, 6, 26, 52)]
    assert [(v.value, v.ci) for v in acute] == [(52, (48, 57)), (23, (21, 25)), (12, (9, 15)), (6, (3, 10))]
    persistent = [studies.value(f"menezescosta2012_pain_persistent_week{week}").value for week in (0, 6, 26, 52)]
    assert persistent == [51, 33, 26, 23]
    assert studies.value("dasilva2019_recurrence_any").ci == (62, 74)
    assert studies.value("dasilva2019_median_days").value == 139
    one_year = studies.value("choi2010_rate_ratio_1y")
    assert (one_year.value, one_year.ci) == (0.5, (0.34, 0.73))
    later = studies.value("choi2010_rate_ratio_2to5y")
    assert later.ci[0] < 1.0 < later.ci[1]  # the 2-5 year interval includes no effect


def test_table_lists_every_number_with_its_provenance_or_says_there_is_none():
    lines = studies.table("hides2001").splitlines()
    assert len(lines) == len(studies.values("hides2001"))
    assert all(line.endswith("(Hides et al. 2001), reported in the text/abstract") for line in lines)
    assert "recurrence (control, years after treatment: 2-3): 75 %" in studies.table("hides2001")
    assert "(95 % CI 48-57)" in studies.table("menezescosta2012")
    assert "no numbers recorded" in studies.table("hides1994")
