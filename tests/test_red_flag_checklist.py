import html

from spinelab.clinic import red_flags
from spinelab.clinic.red_flag_checklist import LEVEL_COLOURS, RedFlagChecklist, flag_label
from spinelab.course.display import STATIC_ENV


def test_checklist_widget_shows_level_colour_label_action_reasons_and_safety_netting():
    checklist = RedFlagChecklist()
    assert "<b>None: no red flag ticked</b>" in checklist.result.value and checklist.outcome.level == red_flags.NONE
    assert "NONE" not in checklist.result.value  # words from the data, not a level code
    checklist.tick("progressive neurological deficit in the legs")
    value = html.unescape(checklist.result.value)
    assert LEVEL_COLOURS["emergency"] in value and f"<b>{red_flags.level('emergency').label}</b>" in value
    assert "Action:" in value and "Bigos et al. 1994" in value and "Safety-netting" in value
    checklist.clear()
    checklist.tick("older age (over 70)", "corticosteroid use")
    assert checklist.outcome.level == red_flags.URGENT and checklist.ticked == ("corticosteroid use",
                                                                                "older age (over 70)")
    assert LEVEL_COLOURS["urgent"] in checklist.result.value
    bundle = checklist._repr_mimebundle_()
    assert "2 ticked -> level URGENT" in bundle["text/plain"]
    assert "Teaching aid, not a diagnostic tool" in bundle["text/plain"]
    checklist.clear()
    assert not checklist.outcome.flags and "Triage rule" in checklist.note.value


def test_checkboxes_are_grouped_by_condition_and_notes_are_shown():
    checklist = RedFlagChecklist()
    grid = checklist.widget.children[1]
    for condition, group in zip(red_flags.CONDITIONS, grid.children, strict=True):
        names = [box.description.split(" [")[0].split(" (also")[0] for box in group.children[1:]]
        assert names == [item.name for item in red_flags.flags() if item.conditions[0] == condition]
    assert checklist.checkboxes["saddle anaesthesia"].description.endswith("[emergency on its own]")
    shown = html.unescape(checklist.footnotes.value)
    for item in red_flags.flags():
        if item.note:
            assert item.note in shown


def test_static_mode_lists_every_flag_by_condition_and_the_rule_without_a_widget(monkeypatch):
    monkeypatch.setenv(STATIC_ENV, "1")
    bundle = RedFlagChecklist()._repr_mimebundle_()
    assert set(bundle) == {"text/markdown", "text/plain"}
    text = bundle["text/markdown"]
    starts = [text.index(f"**{condition.capitalize()}**") for condition in red_flags.CONDITIONS]
    ends = [*starts[1:], text.index("**Triage rule.**")]
    listed = []
    for condition, start, end in zip(red_flags.CONDITIONS, starts, ends, strict=True):
        under = [line.removeprefix("- ") for line in text[start:end].splitlines() if line.startswith("- ")]
        assert under == [flag_label(item) for item in red_flags.flags() if item.conditions[0] == condition]
        listed += under
    assert len(listed) == len(red_flags.flags())
    assert f"**Triage rule.** {red_flags.RULE}" in text and red_flags.DISCLAIMER in text


def test_live_checklist_is_a_widget_whose_text_follows_the_ticks():
    checklist = RedFlagChecklist()
    bundle = checklist._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle and "text/markdown" not in bundle
    assert "0 ticked -> level NONE" in bundle["text/plain"]
    checklist.tick("fever")
    assert "1 ticked -> level SAME-DAY" in checklist._repr_mimebundle_()["text/plain"]
    assert LEVEL_COLOURS["same_day"] in checklist.result.value and "SAME_DAY" not in checklist.result.value
    assert checklist.checkboxes["fever"].description.endswith("[same-day on its own]")
