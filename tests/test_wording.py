"""The words around the data come from data/wording.toml, and an edit there can neither drop nor invent a value."""

import pytest

from spinelab.clinic import numeric_check, numeric_items, start_back, yellow_flags
from spinelab.course import datafile, wording


def test_a_phrase_fills_its_placeholders():
    assert wording.phrase("yellow_flags", "ratio_range", low="1.7", high="4.6") == "1.7 to 4.6"


def test_a_phrase_that_drops_or_adds_a_placeholder_is_refused_naming_the_file_and_the_field():
    with pytest.raises(ValueError, match=r"^data/wording\.toml: \[yellow_flags\] field 'recurrence' must use the "
                                         r"placeholders \{citation\}, \{days\}; it uses citation, days, weeks"):
        wording.fill("{days} {weeks} {citation}", "data/wording.toml: [yellow_flags] field 'recurrence'",
                     days="9", citation="(X 2019)")
    with pytest.raises(ValueError, match=r"must use the placeholders \{citation\}, \{days\}; it uses days$"):
        wording.fill("{days} days", "here", days="9", citation="(X 2019)")
    with pytest.raises(ValueError, match=r"has no phrase \[yellow_flags\] 'nothing'"):
        wording.phrase("yellow_flags", "nothing")


def test_changing_the_words_in_the_data_changes_what_students_see(monkeypatch):
    data = {section: dict(fields) for section, fields in datafile.load("wording").items()}
    data["yellow_flags"]["evidence_summary"] = "The evidence behind each sentence"
    data["start_back"]["strata_header"] = ["Group", "How it is found", "What it was offered"]
    monkeypatch.setattr(wording, "_data", lambda: data)
    assert "<summary>The evidence behind each sentence</summary>" in yellow_flags.worked_example()
    assert str(start_back.strata_table()).startswith("| Group | How it is found | What it was offered |\n|---|---|---|")
    data["yellow_flags"]["recurrence"] = "Median time to a recurrence: {days} days."
    with pytest.raises(ValueError, match=r"field 'recurrence' must use the placeholders \{citation\}, \{days\}"):
        yellow_flags.recurrence_talk()


def test_a_pattern_matches_the_phrase_as_shown_with_any_values_and_only_that_phrase():
    stamp = wording.pattern("reading_time", "stamp", core=r"\d+", full=r"\d+")
    assert stamp.fullmatch(wording.phrase("reading_time", "stamp", core=7, full=31))
    assert not stamp.fullmatch(wording.phrase("reading_time", "stamp", core="seven", full=31))
    with pytest.raises(ValueError, match=r"field 'stamp' must use the placeholders \{core\}; it uses core, full"):
        wording.pattern("reading_time", "stamp", core=r"\d+")


def test_the_numeric_items_button_and_stored_line_take_their_words_from_the_data(monkeypatch):
    data = {section: dict(fields) for section, fields in datafile.load("wording").items()}
    data["numeric_check"]["new_numbers"] = "Other numbers"
    monkeypatch.setattr(wording, "_data", lambda: data)
    item = numeric_check.NumericItemWidget(numeric_items.template("csa-asymmetry"), 2, "ana")
    assert item.new_button.description == "Other numbers"
    assert item.view.text == (f"[Self-check] Question 2: {item.item.title} (numbers drawn for you; 'Other numbers' "
                              "draws others).")
