"""The case player: buttons in a seeded order, feedback after a choice, Continue, an ending with the path taken,
Start again, and a case picker; driven here by clicking its buttons as a student would."""

import ipywidgets as widgets
import pytest
from test_cases import FIXTURE, fixture_case

from spinelab.clinic import cases
from spinelab.clinic.case_player import CasePlayer, choice_order
from spinelab.course import a11y
from spinelab.course.marks import mark

#: A grade as the player shows it: its mark (an inline SVG), then its words.
BEST, UNHELPFUL = mark("best", "Best choice."), mark("unhelpful", "Unhelpful.")


@pytest.fixture
def player() -> CasePlayer:
    return CasePlayer(library=[fixture_case()])


def click(player: CasePlayer, label: str) -> None:
    """Press the choice button with this text (its on_click handlers run, as in the browser)."""
    button = next(button for button in player.choice_buttons if button.description == label)
    button.click()


def test_clicking_the_concordant_choices_reaches_the_good_ending_with_the_path_shown(player):
    case = player.case
    for node in cases.concordant_path(case)[:-1]:
        assert player.node is node and player.continue_button.layout.display == "none"
        choice = next(choice for choice in node.choices if choice.concordant)
        click(player, choice.label)
        assert BEST in player.feedback.value
        assert choice.feedback in player.feedback.value
        assert all(button.disabled for button in player.choice_buttons)
        assert player.continue_button.layout.display == ""
        player.continue_button.click()
    state = player.state()
    assert state["ending"] and state["outcome"] == "good" and state["node"] == "good-ending"
    assert "Outcome: Good care." in player.body.value and "(Choi et al. 2010)" in player.body.value
    for node, choice in player.path:
        assert f"{node.title}: <i>{choice.label}</i>: <b>{BEST}</b>" in player.body.value
    assert "recovered after" not in player.body.value
    assert player.choice_buttons == [] and player.restart_button.layout.display == ""


def test_a_misstep_shows_its_feedback_and_ends_in_a_misstep_then_start_again_returns_to_the_start(player):
    click(player, "Start massage straight away")
    assert UNHELPFUL in player.feedback.value
    assert "Treating before screening can delay a serious diagnosis." in player.feedback.value
    assert [b.button_style for b in player.choice_buttons if b.description == "Start massage straight away"] == \
        ["warning"]
    player.continue_button.click()
    assert player.state() == {"case": "fixture", "node": "missed-screen", "ending": True, "outcome": "misstep",
                              "path": ["Start massage straight away"], "grades": ["unhelpful"], "facts": []}
    assert "Outcome: A misstep." in player.body.value and f"<b>{UNHELPFUL}</b>" in player.body.value
    player.restart_button.click()
    assert player.state() == {"case": "fixture", "node": "first-visit", "ending": False, "outcome": None, "path": [],
                              "grades": [], "facts": []}
    assert player.feedback.value == "" and player.restart_button.layout.display == "none"
    assert not any(button.disabled for button in player.choice_buttons)


def test_a_loop_back_revisits_a_step_and_the_tool_result_is_shown_at_its_node(player):
    click(player, "Screen for red flags before anything else")
    player.proceed()
    assert "overall score 3 of 9, distress subscale 0 of 5: low risk" in player.body.value
    click(player, "Go back to the start")
    player.proceed()
    assert player.node.id == "first-visit" and "Step 3" in player.heading.value
    assert "Red-flag screen" in player.body.value


def test_the_choice_order_is_seeded_by_case_and_node_and_not_always_concordant_first():
    case = fixture_case()
    steps = [node for node in case.nodes.values() if not node.is_ending]
    orders = {node.id: [choice.label for choice in choice_order(case, node)] for node in steps}
    assert orders == {node.id: [choice.label for choice in choice_order(case, node)] for node in steps}
    assert all(sorted(order) == sorted(c.label for c in case.node(key).choices) for key, order in orders.items())
    assert not all(choice_order(case, node)[0].concordant for node in steps)
    shown = CasePlayer(library=[case])
    assert [b.description for b in shown.choice_buttons] == orders["first-visit"]
    renamed = cases.Case("other-id", case.title, case.summary, case.start, case.nodes, case.source)
    assert any([c.label for c in choice_order(renamed, node)] != orders[node.id] for node in steps)


def test_focus_moves_to_continue_after_a_choice_and_to_the_first_choice_after_continue(player, monkeypatch):
    focused = []
    monkeypatch.setattr(widgets.Button, "focus", lambda self: focused.append(self.description))
    first = player.choice_buttons[0].description
    click(player, "Screen for red flags before anything else")
    player.continue_button.click()
    assert focused == ["Continue", player.choice_buttons[0].description]
    player.restart_button.click()
    assert focused[-1] == first


def test_choosing_twice_or_continuing_without_a_choice_is_refused_with_a_message(player):
    with pytest.raises(ValueError, match=r"choose at 'first-visit' before continuing"):
        player.proceed()
    with pytest.raises(ValueError, match=r"label must be one of: Screen for red flags before anything else; "
                                         r"Start massage straight away; got 'Order an MRI'"):
        player.choose("Order an MRI")
    player.choose("Start massage straight away")
    with pytest.raises(ValueError, match=r"a choice was already made at 'first-visit'; press Continue first"):
        player.choose("Screen for red flags before anything else")


def test_the_picker_switches_case_and_is_labelled_for_screen_readers():
    first = fixture_case()
    second = cases.parse(FIXTURE.replace('id = "fixture"', 'id = "second"').replace(
        'title = "The fixture patient"', 'title = "The second patient"'), "data/cases/second.toml")
    player = CasePlayer("second", library=[first, second])
    assert player.case.id == "second" and player.picker.options == (("The fixture patient", "fixture"),
                                                                     ("The second patient", "second"))
    click(player, "Start massage straight away")
    player.picker.value = "fixture"
    assert player.state() == {"case": "fixture", "node": "first-visit", "ending": False, "outcome": None, "path": [],
                              "grades": [], "facts": []}
    assert a11y.accessible_name(player.picker) == "Choose a case to work through"
    assert "Choose a case to work through" in player.view.a11y.labels.values()
    with pytest.raises(ValueError, match=r"case_id must be one of fixture, second; got 'third'"):
        CasePlayer("third", library=[first, second])


def test_its_plain_text_is_one_stable_line_and_static_mode_shows_the_first_step_without_feedback(player, monkeypatch):
    text = player._repr_mimebundle_()["text/plain"]
    assert text == ("[Case player] The fixture patient: A test case that uses every tool. (Other cases: the Case "
                    "menu.) Choose, read the grade and feedback, press Continue.")
    click(player, "Start massage straight away")
    assert player._repr_mimebundle_()["text/plain"] == text
    monkeypatch.setenv("SPINELAB_STATIC", "1")
    static = player._repr_mimebundle_()["text/markdown"]
    assert "*What do you do first?*" in static and "- Screen for red flags before anything else" in static
    assert "Screening comes first." not in static


def test_the_announcement_says_the_verdict_after_a_choice(player):
    click(player, "Screen for red flags before anything else")
    assert player.view.a11y.live == "Best choice. Screening comes first."
    player.proceed()
    assert player.view.a11y.live == "Step 2: Stratify. Which plan fits her risk group?"


def test_in_the_shipped_cases_the_concordant_choice_is_shown_in_more_than_one_position():
    positions = [[choice.concordant for choice in choice_order(case, node)].index(True)
                 for case in cases.cases() for node in case.nodes.values() if not node.is_ending]
    assert len(set(positions)) > 1 and positions.count(0) < len(positions) / 2


def test_a_tool_shown_after_the_choice_stays_hidden_until_the_student_has_chosen():
    after = FIXTURE.replace('kind = "red_flags"\nflags = []', 'kind = "red_flags"\nflags = []\nshown = "after"')
    case = cases.parse(after, "data/cases/fixture.toml")
    player = CasePlayer(library=[case])
    result = "No red flags ticked."  # the screen's verdict for the fixture's empty list of flags
    assert result in str(cases.tool_result(case.node("first-visit").tool))
    assert case.node("first-visit").tool.shown == "after"
    assert result not in player.body.value and result not in player.feedback.value
    click(player, "Start massage straight away")
    assert result in player.feedback.value and result not in player.body.value


def test_a_tool_is_shown_before_the_choice_unless_the_case_says_after(player):
    result = "No red flags ticked."
    assert player.node.tool.shown == "before" and result in player.body.value
    click(player, "Start massage straight away")
    assert result not in player.feedback.value


def test_a_harmful_choice_sets_a_fact_the_later_step_reads_and_the_best_choice_recovers(player):
    for label in ("Screen for red flags before anything else", "Advice, reassurance and a plan to stay active",
                  "Promise it will never come back"):
        click(player, label)
        player.proceed()
    assert player.state()["facts"] == ["promised"] and player.state()["grades"] == ["best", "best", "harmful"]
    assert "She reminds you of your promise." in player.body.value
    assert "Take back the promise" in [button.description for button in player.choice_buttons]
    click(player, "Take back the promise")
    assert "The promise was yours to take back." in player.feedback.value
    assert [b.button_style for b in player.choice_buttons if b.description == "Take back the promise"] == ["success"]
    player.proceed()
    assert "She knows now that nobody can promise it." in player.body.value
    assert "Outcome: Good care. The case was recovered after 1 unhelpful or harmful choice." in player.body.value
    assert f"<b>{mark('harmful', 'Harmful.')}</b>" in player.body.value
    assert "Outcome: Good care." in player.view.a11y.live
    player.restart()
    assert "Take back the promise" not in [button.description for button in player.choice_buttons]
    assert "She reminds you" not in player.body.value


def test_where_the_student_is_and_a_review_of_the_path_with_grades(player):
    assert player.where.value == "<p><small>Step 1 of this path.</small></p>"
    assert player.review_button.layout.display == "none" and player.review.value == ""
    click(player, "Screen for red flags before anything else")
    player.proceed()
    click(player, "Go back to the start")
    player.proceed()
    assert player.where.value == "<p><small>Step 3 of this path: after Day 2: first visit → Stratify.</small></p>"
    assert player.review_button.layout.display == "" and player.review.value == ""
    player.review_button.value = True
    assert f"<li>Day 2: first visit: <i>Screen for red flags before anything else</i>: <b>{BEST}</b>" in \
        player.review.value
    assert f"<i>Go back to the start</i>: <b>{UNHELPFUL}</b> <small>(Hill et al. 2011)</small>" in player.review.value
    player.review_button.value = False
    assert player.review.value == ""
