"""The STarT Back screen widget: set answers, press Score, read the result; bad state gives a message."""

import pytest

from spinelab.clinic import start_back
from spinelab.clinic.start_back_screen import STRATUM_COLOURS, StartBackScreen, item_9_missing, not_scored
from spinelab.course import a11y
from spinelab.course.display import STATIC_ENV


def shown(screen: StartBackScreen) -> str:
    """The result as a student reads it: tags dropped, entities decoded."""
    return a11y.plain_text(screen.result.value)


def test_a_new_screen_is_unscored_with_nine_unset_controls():
    screen = StartBackScreen()
    assert [box.value for box in screen.checkboxes] == [False] * 8 and screen.bothersomeness.value is None
    assert not_scored() in shown(screen) and screen.scores is None
    assert not_scored() in screen._repr_mimebundle_()["text/plain"]


@pytest.mark.parametrize(("agrees", "bothersomeness", "overall", "distress", "stratum"), [
    ([True, True, True, False, False, False, False, False], "extremely", 4, 1, "medium"),
    ([True, True, True, False, False, False, False, False], "moderately", 3, 0, "low"),
    ([True, False, False, False, True, True, True, False], "very much", 5, 4, "high"),
    ([True, False, False, False, True, True, True, False], "slightly", 4, 3, "medium"),
])
def test_pressing_score_shows_the_scores_the_stratum_and_its_offer(agrees, bothersomeness, overall, distress,
                                                                   stratum):
    screen = StartBackScreen()
    screen.set_answers(agrees, bothersomeness)
    screen.button.click()  # as a student pressing the button (mouse, Enter or Space)
    assert (screen.scores.overall, screen.scores.subscale, screen.scores.stratum) == (overall, distress, stratum)
    text = shown(screen)
    found = start_back.stratum(stratum)
    assert f"Overall score {overall} of 9; distress subscale {distress} of 5" in text
    assert found.label.upper() in text and found.offer in text and found.citation in text
    assert STRATUM_COLOURS[stratum] in screen.result.value and "not this patient's prognosis" in text
    plain = screen._repr_mimebundle_()["text/plain"]
    assert f"Overall score {overall} of 9, distress subscale {distress} of 5: {found.label}." in plain


def test_an_unanswered_item_9_gives_a_message_not_a_traceback():
    screen = StartBackScreen()
    screen.checkboxes[0].value = True
    assert screen.press() is None
    assert shown(screen) == item_9_missing() and "role='alert'" in screen.result.value
    assert item_9_missing() in screen._repr_mimebundle_()["text/plain"]


def test_changing_an_answer_after_scoring_clears_the_result():
    screen = StartBackScreen()
    screen.set_answers([True] * 8, "extremely")
    screen.press()
    assert screen.scores.stratum == "high"
    screen.checkboxes[4].value = False
    assert screen.scores is None and not_scored() in shown(screen)
    screen.clear()
    assert screen.answers is None


@pytest.mark.parametrize(("agrees", "bothersomeness", "message"), [
    ([True] * 7, "slightly", "agrees must be 8 True/False values for items 1-8"),
    ([1] * 8, "slightly", "agrees must be 8 True/False values for items 1-8"),
    ([True] * 8, "a lot", "item 9 answer must be one of not at all, slightly"),
])
def test_set_answers_refuses_what_no_control_can_hold(agrees, bothersomeness, message):
    screen = StartBackScreen()
    with pytest.raises(ValueError, match=message):
        screen.set_answers(agrees, bothersomeness)
    assert screen.answers is None and [box.value for box in screen.checkboxes] == [False] * 8


def test_every_control_has_an_accessible_name_and_the_button_is_keyboard_operable():
    screen = StartBackScreen()
    names = [a11y.accessible_name(control) for control in (*screen.checkboxes, screen.bothersomeness)]
    items = start_back.items()
    assert names == [f"{item.number}. Agrees: {item.domain}" for item in items[:-1]] + [
        f"9. {items[-1].domain.capitalize()}"]
    labels = set(screen.view.a11y.labels.values())
    assert set(names) <= labels
    assert screen.button.description == "Score" and screen.button.tooltip
    assert [label for label, _ in screen.bothersomeness.options][1:] == list(items[-1].answers)


def test_static_mode_shows_the_items_the_rule_and_the_strata_without_a_widget(monkeypatch):
    monkeypatch.setenv(STATIC_ENV, "1")
    bundle = StartBackScreen()._repr_mimebundle_()
    assert set(bundle) == {"text/markdown", "text/plain"}
    text = bundle["text/markdown"]
    assert all(item.domain in text for item in start_back.items())
    assert "High risk: subscale 4-5" in text and start_back.attribution() in text
    assert all(start_back.stratum(name).offer in text for name in start_back.STRATA)
