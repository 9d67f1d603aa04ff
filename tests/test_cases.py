"""The branching cases of notebook 06: every shipped case is a valid decision graph, and each broken rule is refused.

``FIXTURE`` is a case that uses every kind of tool; the malformed variants change one line of it.
"""

import itertools
import re
import tomllib
from importlib import resources

import pytest
from test_voice import PROVENANCE, _student_strings

from spinelab.clinic import case_graph, cases, red_flags, start_back
from spinelab.multifidus import bedside, post_test, studies

SOURCE = "data/cases/fixture.toml"
FIXTURE = """\
id = "fixture"
title = "The fixture patient"
summary = "A test case that uses every tool."
start = "first-visit"

[nodes.first-visit]
title = "Day 2: first visit"
text = "A 38-year-old with acute low back pain."
question = "What do you do first?"
[nodes.first-visit.tool]
kind = "red_flags"
flags = []
[[nodes.first-visit.choices]]
label = "Screen for red flags before anything else"
next = "risk"
feedback = "Screening comes first."
cites = ["finucane2020"]
grade = "best"
[[nodes.first-visit.choices]]
label = "Start massage straight away"
next = "missed-screen"
feedback = "Treating before screening can delay a serious diagnosis."
cites = ["finucane2020"]
grade = "unhelpful"

[nodes.risk]
title = "Stratify"
text = "She fills in the STarT Back Tool."
question = "Which plan fits her risk group?"
[nodes.risk.tool]
kind = "start_back"
answers = [true, false, true, true, false, false, false, false, false]
[[nodes.risk.choices]]
label = "Advice, reassurance and a plan to stay active"
next = "rule"
feedback = "Low risk: advice and reassurance."
cites = ["hill2011"]
grade = "best"
[[nodes.risk.choices]]
label = "A long course of passive treatment"
next = "missed-screen"
feedback = "Not what the low-risk group was offered."
cites = ["hill2011"]
grade = "unhelpful"
[[nodes.risk.choices]]
label = "Go back to the start"
next = "first-visit"
feedback = "A loop back."
cites = ["hill2011"]
grade = "unhelpful"

[nodes.rule]
title = "The prediction rule"
text = "The rule is positive."
question = "What now?"
[nodes.rule.tool]
kind = "post_test"
test = "stabilisation-rule"
pre_test = 0.3
result = "positive"
[[nodes.rule.choices]]
label = "Offer exercise and keep it up"
next = "recovered"
feedback = "Exercise after treatment reduced recurrence at one year."
cites = ["choi2010"]
grade = "best"
[[nodes.rule.choices]]
label = "Promise it will never come back"
next = "recovered"
feedback = "No one can promise that."
cites = ["dasilva2019"]
grade = "harmful"
sets = ["promised"]

[nodes.recovered]
title = "Recovered"
text = "Her pain has gone."
question = "What do you tell her?"
[[nodes.recovered.variants]]
when = ["promised"]
text = "She reminds you of your promise."
[nodes.recovered.tool]
kind = "evidence"
values = ["hides2001_recurrence_1y_exercise", "hides2001_recurrence_1y_control"]
[[nodes.recovered.choices]]
label = "Recurrences are common; keep exercising"
next = "good-ending"
feedback = "Honest and supported."
cites = ["dasilva2019", "choi2010"]
grade = "best"
[[nodes.recovered.choices]]
label = "Discharge on the pain score alone"
next = "missed-screen"
feedback = "Pain gone is not the only check."
cites = ["hides1996"]
grade = "unhelpful"
[[nodes.recovered.choices]]
label = "Take back the promise"
next = "good-ending"
feedback = "Honest, if late."
cites = ["dasilva2019"]
grade = "best"
when = ["promised"]
variants = [{when = ["promised"], text = "The promise was yours to take back."}]

[nodes.good-ending]
title = "A good course"
text = "She stays active and keeps exercising."
outcome = "good"
cites = ["choi2010"]
[[nodes.good-ending.variants]]
when = ["promised"]
text = "She knows now that nobody can promise it."

[nodes.missed-screen]
title = "A misstep"
text = "Care went ahead without its basis."
outcome = "misstep"
cites = ["finucane2020"]
"""


def fixture_case() -> cases.Case:
    return cases.parse(FIXTURE, SOURCE)


def all_paths(case: cases.Case) -> list[list[str]]:
    """Every path from the start that visits no node twice, as node ids (depth first)."""
    found, stack = [], [[case.start]]
    while stack:
        path = stack.pop()
        node = case.node(path[-1])
        if node.is_ending:
            found.append(path)
        stack += [[*path, choice.next] for choice in node.choices if choice.next not in path]
    return found


#: The case files by stem: each is parsed by itself, so that a broken file fails its own tests with its message.
SHIPPED = [name.removesuffix(".toml") for name in cases._case_files()]
ALL = pytest.mark.parametrize("case", ["fixture", *SHIPPED], indirect=True)


@pytest.fixture
def case(request) -> cases.Case:
    if request.param == "fixture":
        return fixture_case()
    path = f"{cases.CASES_FOLDER}/{request.param}.toml"
    return cases.parse(resources.files("spinelab").joinpath(path).read_text(encoding="utf-8"), path)


# ------------------------------------------------------------------ every case: a valid graph


def test_every_file_of_the_cases_folder_is_loaded_by_its_id():
    assert [case.id for case in cases.cases()] == SHIPPED and len(SHIPPED) >= 4
    for case_id in SHIPPED:
        assert cases.load(case_id).source == f"data/cases/{case_id}.toml"


@ALL
def test_every_ending_is_reachable_by_some_path_of_choices(case):
    reached = {path[-1] for path in all_paths(case)}
    endings = {node.id for node in case.nodes.values() if node.is_ending}
    assert endings and reached == endings
    for path in all_paths(case):
        picks = [next(c.label for c in case.node(a).choices if c.next == b) for a, b in itertools.pairwise(path)]
        assert [node.id for node in cases.walk(case, picks)] == path


def test_what_students_read_in_the_case_files_speaks_about_the_science_not_its_sources():
    folder = resources.files("spinelab").joinpath(cases.CASES_FOLDER)
    for name in cases._case_files():
        for text in _student_strings(tomllib.loads(folder.joinpath(name).read_text(encoding="utf-8"))):
            match = PROVENANCE.search(text)
            assert match is None, f"{name}: ...{text[max(0, match.start() - 80):match.end() + 40]}..."


# ------------------------------------------------------------------ the walker


def test_walk_follows_labels_or_indices_and_refuses_a_choice_that_is_not_offered():
    case = fixture_case()
    assert [n.id for n in cases.walk(case, [0, "Go back to the start", 1])] == \
        ["first-visit", "risk", "first-visit", "missed-screen"]
    with pytest.raises(ValueError, match=r"choice at node 'first-visit' must be one of: Screen for red flags"):
        cases.walk(case, ["Order an MRI"])
    with pytest.raises(ValueError, match=r"choice at node 'first-visit' must be an index from 0 to 1; got 5"):
        cases.walk(case, [5])
    with pytest.raises(ValueError, match=r"picks go past the ending 'missed-screen'"):
        cases.walk(case, [1, 0])


def test_load_names_the_parameter_and_lists_the_ids():
    with pytest.raises(ValueError, match=r"^case_id must be one of .*; got 'nobody'"):
        cases.load("nobody")


# ------------------------------------------------------------------ malformed variants


def _node_block(node_id: str, body: str) -> str:
    return f"\n[nodes.{node_id}]\n{body}"


BROKEN = [
    ("an edge to a missing node", 'next = "rule"', 'next = "nowhere"',
     r"node 'risk' choice 1: field 'next' must name a node of the case; got 'nowhere'"),
    ("an unreachable ending", 'outcome = "misstep"\ncites = ["finucane2020"]\n',
     'outcome = "misstep"\ncites = ["finucane2020"]\n'
     + _node_block("orphan", 'title = "O"\ntext = "t"\noutcome = "misstep"\ncites = ["finucane2020"]\n'),
     r"node 'orphan': this ending is not reachable from the start node 'first-visit'"),
    ("a choice without feedback", 'feedback = "Screening comes first."\n', "",
     r"node 'first-visit' choice 1: field 'feedback' is missing"),
    ("a choice with empty feedback", 'feedback = "Screening comes first."', 'feedback = " "',
     r"node 'first-visit' choice 1: field 'feedback' must be non-empty text"),
    ("a choice without cites", 'cites = ["finucane2020"]\ngrade = "best"', 'grade = "best"',
     r"node 'first-visit' choice 1: field 'cites' is missing"),
    ("an unknown citation key", 'cites = ["hill2011"]\ngrade = "best"', 'cites = ["hill2099"]\ngrade = "best"',
     r"node 'risk' choice 1: field 'cites': unknown citation key 'hill2099'; did you mean hill2011"),
    ("no best choice", 'cites = ["finucane2020"]\ngrade = "best"', 'cites = ["finucane2020"]\ngrade = "acceptable"',
     r"node 'first-visit': no choice is graded best"),
    ("no misstep ending", 'outcome = "misstep"', 'outcome = "good"',
     r"a case needs at least one 'good' and one 'misstep' ending; no ending has outcome 'misstep' "
     r"\(endings: node 'good-ending' \(good\), node 'missed-screen' \(good\)\)"),
    ("no good ending", 'outcome = "good"', 'outcome = "misstep"',
     r"a case needs at least one 'good' and one 'misstep' ending; no ending has outcome 'good'"),
    ("an unknown field in a node", '[[nodes.rule.choices]]\nlabel = "Promise it will never come back"',
     '[[nodes.rule.unused]]\nlabel = "Promise it will never come back"',
     r"node 'rule': unknown field\(s\) unused"),
    ("a best path that ends in a misstep",
     'label = "Discharge on the pain score alone"\nnext = "missed-screen"\nfeedback = "Pain gone is not the only '
     'check."\ncites = ["hides1996"]\ngrade = "unhelpful"',
     'label = "Discharge on the pain score alone"\nnext = "missed-screen"\nfeedback = "Pain gone is not the only '
     'check."\ncites = ["hides1996"]\ngrade = "best"',
     r"node 'missed-screen': following the best choices from 'first-visit' ends here, a 'misstep' ending "
     r"\(first-visit -> risk -> rule -> recovered -> missed-screen\)"),
    ("a best loop", 'feedback = "A loop back."\ncites = ["hill2011"]\ngrade = "unhelpful"',
     'feedback = "A loop back."\ncites = ["hill2011"]\ngrade = "best"',
     r"node 'first-visit': following the best choices from 'first-visit' loops back here "
     r"\(first-visit -> risk -> first-visit\)"),
    ("a condition on a fact no choice sets", 'grade = "best"\nwhen = ["promised"]', 'grade = "best"\nwhen = ["vowed"]',
     r"node 'recovered' choice 3: field 'when' reads fact 'vowed', which no choice sets \(facts set: promised\)"),
    ("a fact no condition reads", 'grade = "harmful"\nsets = ["promised"]',
     'grade = "harmful"\nsets = ["promised", "noted"]',
     r"node 'rule' choice 2: field 'sets' sets fact 'noted', which no condition reads"),
    ("a choice that never shows", 'grade = "best"\nwhen = ["promised"]',
     'grade = "best"\nwhen = ["promised", "not promised"]',
     r"node 'recovered' choice 3: its condition \['promised', 'not promised'\] holds under no reachable state"),
    ("a variant that never shows", 'question = "What do you do first?"',
     'question = "What do you do first?"\n[[nodes.first-visit.variants]]\nwhen = ["promised"]\ntext = "Never."',
     r"node 'first-visit' variant 1: its condition \['promised'\] holds under no reachable state, so it never shows"),
    ("a step with one choice under a reachable state", 'feedback = "Honest and supported."',
     'when = ["promised"]\nfeedback = "Honest and supported."',
     r"node 'recovered': under the reachable state \{\} \(no fact set\) only 1 choice\(s\) are available"),
    ("no best choice under a reachable state", 'cites = ["dasilva2019", "choi2010"]\ngrade = "best"',
     'cites = ["dasilva2019", "choi2010"]\ngrade = "acceptable"',
     r"node 'recovered': under the reachable state \{\} \(no fact set\) no available choice is graded best"),
    ("an ending without an outcome", 'outcome = "good"\n', "",
     r"node 'good-ending': a node without choices is an ending and needs field 'outcome'"),
    ("a step with an outcome", 'question = "What now?"', 'question = "What now?"\noutcome = "good"',
     r"node 'rule': a step \(a node with choices\) has no field 'outcome'; endings have no choices"),
    ("a step without a question", 'question = "What now?"\n', "", r"node 'rule': a step needs field 'question'"),
    ("an ending with a question", 'title = "A good course"', 'title = "A good course"\nquestion = "Why?"',
     r"node 'good-ending': an ending has no field 'question'"),
    ("a start that is not a node", 'start = "first-visit"', 'start = "triage"',
     r"field 'start' must name a node \(first-visit, risk, rule, recovered, good-ending, missed-screen\); "
     r"got 'triage'"),
    ("an unknown red flag", "flags = []", 'flags = ["sore toe"]',
     r"node 'first-visit' tool: flag must be one of: .*; got 'sore toe'"),
    ("a wrong STarT Back answer count", "answers = [true, false, true, true, false, false, false, false, false]",
     "answers = [true, false]", r"node 'risk' tool: answers must be a sequence of 9 booleans.*got 2 answers"),
    ("an unknown bedside test", 'test = "stabilisation-rule"', 'test = "slump"',
     r"node 'rule' tool: test_id must be one of multifidus-lift-test"),
    ("a test without a likelihood ratio", 'test = "stabilisation-rule"', 'test = "multifidus-lift-test"',
     r"node 'rule' tool: result must be one for which test 'multifidus-lift-test' has a likelihood ratio \(none\)"),
    ("an unknown study value", '"hides2001_recurrence_1y_control"]', '"hides2001_recurrence_9y"]',
     r"node 'recovered' tool: value_id must be one of .*; got 'hides2001_recurrence_9y'"),
    ("a tool without its inputs", "flags = []\n", "", r"node 'first-visit' tool: field 'flags' is missing"),
    ("a pre-test probability of 1", "pre_test = 0.3", "pre_test = 1.0",
     r"node 'rule' tool: field 'pre_test' must be a probability strictly between 0 and 1; got 1.0"),
    ("a bad node id", "[nodes.good-ending]", "[nodes.Good_Ending]",
     r"node key 'Good_Ending' must be lowercase letters, digits and hyphens"),
]


@pytest.mark.parametrize(("old", "new", "message"), [case[1:] for case in BROKEN], ids=[case[0] for case in BROKEN])
def test_each_malformed_variant_is_refused_naming_the_file_and_the_node(old, new, message):
    assert old in FIXTURE
    with pytest.raises(cases.CaseError, match=rf"^data/cases/fixture\.toml: {message}"):
        cases.parse(FIXTURE.replace(old, new, 1), SOURCE)


def test_a_case_error_is_a_value_error_and_the_id_must_equal_the_file_stem():
    assert issubclass(cases.CaseError, ValueError)
    with pytest.raises(cases.CaseError, match=r"^data/cases/other\.toml: field 'id' must equal the file name's stem "
                                              r"'other'; got 'fixture'"):
        cases.parse(FIXTURE, "data/cases/other.toml")


def test_a_loop_with_no_way_out_under_a_reachable_state_is_a_dead_end():
    limbo = ('\n[nodes.limbo]\ntitle = "Limbo"\ntext = "Round and round."\nquestion = "Again?"\n'
             + "".join(f'[[nodes.limbo.choices]]\nlabel = "{label}"\nnext = "limbo"\nfeedback = "f"\n'
                       f'cites = ["dasilva2019"]\ngrade = "{grade}"\n'
                       for label, grade in (("A", "best"), ("B", "harmful"))))
    broken = FIXTURE.replace('next = "good-ending"\nfeedback = "Honest, if late."',
                             'next = "limbo"\nfeedback = "Honest, if late."') + limbo
    with pytest.raises(cases.CaseError, match=r"^data/cases/fixture\.toml: node 'limbo': under the reachable state "
                                              r"\{promised\} no ending can be reached: a dead end"):
        cases.parse(broken, SOURCE)


def test_a_step_needs_two_choices():
    second = ('[[nodes.rule.choices]]\nlabel = "Promise it will never come back"\nnext = "recovered"\n'
              'feedback = "No one can promise that."\ncites = ["dasilva2019"]\ngrade = "harmful"\n'
              'sets = ["promised"]\n')
    assert second in FIXTURE
    with pytest.raises(cases.CaseError, match=r"^data/cases/fixture\.toml: node 'rule': a step needs at least 2 "
                                              r"choices; got 1"):
        cases.parse(FIXTURE.replace(second, ""), SOURCE)  # the node check comes before the facts are read


# ------------------------------------------------------------------ tools: the course's own modules


def test_the_red_flag_tool_gives_the_triage_of_the_red_flags_module():
    tool = cases.Tool("red_flags", flags=("saddle anaesthesia", "fever"))
    result = red_flags.screen(tool.flags)
    text = cases.tool_result(tool)
    assert result.level == "emergency" and result.message in text and result.safety_netting in text
    assert "saddle anaesthesia, fever" in text and red_flags.DISCLAIMER in text
    assert set(cases.tool_keys(tool)) >= {"finucane2020", *red_flags.flag("fever").sources}


def test_the_start_back_tool_gives_the_score_stratum_and_offer_of_the_start_back_module():
    answers = (True, True, True, True, True, True, True, True, False)
    scores = start_back.score(answers)
    text = cases.tool_result(cases.Tool("start_back", answers=answers))
    assert (scores.overall, scores.distress, scores.stratum) == (8, 4, "high")
    assert "overall score 8 of 9, distress subscale 4 of 5: high risk" in text
    assert start_back.offer("high") in text


def test_the_post_test_tool_gives_the_probability_from_the_tests_likelihood_ratio():
    text = cases.tool_result(cases.Tool("post_test", test="stabilisation-rule", pre_test=0.3, result="positive"))
    ratio = bedside.figure("cpr_success_plr").value
    assert ratio == 4.0
    assert f"after the test {post_test.post_test_probability(0.3, ratio):.0%}" in text and "after the test 63%" in text
    negative = cases.tool_result(cases.Tool("post_test", test="stabilisation-rule", pre_test=0.3, result="negative"))
    assert f"after the test {post_test.post_test_probability(0.3, 0.18):.0%}" in negative  # 7 %
    assert cases.tool_keys(cases.Tool("post_test", test="stabilisation-rule", pre_test=0.3,
                                      result="negative")) == ("hicks2005",)


def test_the_evidence_tool_gives_the_study_values_with_their_citation():
    text = cases.tool_result(cases.Tool("evidence", values=("hides2001_recurrence_1y_control",
                                                            "hides2001_recurrence_3y_exercise")))
    control, exercise = studies.value("hides2001_recurrence_1y_control"), studies.value(
        "hides2001_recurrence_3y_exercise")
    assert f"recurrence (control, 1 year after treatment): {control.value:g} %" in text
    assert f"recurrence (specific exercise, 2–3 years after treatment): {exercise.value:g} %" in text
    assert "(Hides et al. 2001)" in text
    ratio = studies.value("choi2010_rate_ratio_1y")
    line = cases.tool_result(cases.Tool("evidence", values=(ratio.id,)))
    assert f": {ratio.value:g} (95 % CI {ratio.ci[0]:g} to {ratio.ci[1]:g}) (Choi et al. 2010)" in line
    assert ratio.unit in ratio.quantity and f"{ratio.value:g} {ratio.unit}" not in line  # said once, in the quantity


def test_an_unknown_tool_kind_names_the_allowed_kinds():
    with pytest.raises(ValueError, match=r"kind must be one of red_flags, start_back, post_test, evidence; got 'x'"):
        cases.tool_result(cases.Tool("x"))
    with pytest.raises(ValueError, match=r"kind must be one of red_flags, start_back, post_test, evidence; got 'x'"):
        cases.tool_keys(cases.Tool("x"))


# ------------------------------------------------------------------ state: facts, conditions, variants


def test_a_choice_sets_facts_that_change_later_text_choices_feedback_and_the_ending():
    case = fixture_case()
    steps = cases.play(case, ["Screen for red flags before anything else",
                              "Advice, reassurance and a plan to stay active", "Promise it will never come back"])
    recovered = steps[-1]
    assert recovered.node.id == "recovered" and recovered.facts == {"promised"}
    assert cases.node_text(recovered.node, recovered.facts).endswith("She reminds you of your promise.")
    assert "promise" not in cases.node_text(recovered.node, frozenset())
    labels = [choice.label for choice in cases.available(recovered.node, recovered.facts)]
    assert "Take back the promise" in labels
    assert "Take back the promise" not in [c.label for c in cases.available(recovered.node, frozenset())]
    take_back = next(c for c in recovered.node.choices if c.label == "Take back the promise")
    assert cases.feedback_text(take_back, recovered.facts) == \
        "Honest, if late.\n\nThe promise was yours to take back."
    ending = cases.play(case, [0, 0, 1, "Take back the promise"])[-1]
    assert ending.node.outcome == "good" and ending.facts == {"promised"}
    assert cases.node_text(ending.node, ending.facts).endswith("She knows now that nobody can promise it.")
    with pytest.raises(ValueError, match=r"choice at node 'recovered' must be one of: .*; got 'Take back the promise'"):
        cases.walk(case, [0, 0, 0, "Take back the promise"])


def test_the_state_space_holds_every_reachable_pair_of_node_and_facts():
    graph = case_graph.explore(fixture_case())
    assert {key for key in graph if key[0] == "recovered"} == {("recovered", frozenset()),
                                                               ("recovered", frozenset({"promised"}))}
    assert ("first-visit", frozenset({"promised"})) not in graph
    assert all(not moves for (node_id, _), moves in graph.items() if node_id.endswith(("ending", "screen")))


def test_routes_and_figures_are_counted_from_the_graph():
    case = fixture_case()
    found = case_graph.routes(case)
    assert ("first-visit", "missed-screen") in found and not found[("first-visit", "missed-screen")]
    assert ("first-visit", "risk", "rule", "recovered", "good-ending") in found
    figures = case_graph.figures(case)
    # risk (passive -> missed-screen, loop -> first-visit), first-visit and recovered branch; rule does not.
    assert (figures.decisions, figures.branching) == (4, 3)
    assert figures.recovery_routes == 0  # the promise is harmful but leads where the best choice does
    assert figures.routes == len(found) == 4  # the loop back to the start revisits a state: not a new route


# ------------------------------------------------------------------ the shipped cases: structure and wording

#: What issue 26 asks of every case.
MIN_ROUTES = 4


@pytest.mark.parametrize("case_id", SHIPPED)
def test_each_case_branches_offers_routes_a_recovery_and_graded_choices(case_id):
    figures = case_graph.figures(cases.load(case_id))
    assert figures.branching >= figures.decisions / 2, figures
    assert figures.routes >= MIN_ROUTES, figures
    assert figures.recovery_routes >= 1, figures
    assert figures.two_defensible >= 1, figures
    assert {"best", "acceptable"} <= set(figures.grades) and set(figures.grades) & set(case_graph.MISSTEPS)


def test_there_are_six_cases_or_more_including_an_early_cauda_equina_call_and_persistent_pain():
    ids = {case.id for case in cases.cases()}
    assert len(ids) >= 6 and {"warehouse", "cauda-equina", "progressing-leg", "recurrent"} <= ids
    call = cases.load("saddle-call").node("answers")
    assert call.tool.flags == ("saddle anaesthesia",)  # one sign, not the classic full picture
    assert red_flags.screen(call.tool.flags).level == "emergency"
    risk = next(node for node in cases.load("persistent").nodes.values()
                if node.tool and node.tool.kind == "start_back")
    assert start_back.stratify(risk.tool.answers) == "high"


_QUOTE = re.compile(r'"[^"]{12,}"')


def test_feedback_quotes_at_most_once_per_decision():
    for case in cases.cases():
        for node in case.nodes.values():
            for choice in node.choices:
                text = cases.feedback_text(choice, frozenset(case.facts()))
                assert len(_QUOTE.findall(text)) <= 1, f"{case.id}/{node.id}: {choice.label}"


def test_the_best_choice_is_not_cued_by_length_or_absolute_words():
    steps = [node for case in cases.cases() for node in case.nodes.values() if not node.is_ending]
    longest = sum(max(node.choices, key=lambda c: len(c.label)).concordant for node in steps)
    shortest = sum(min(node.choices, key=lambda c: len(c.label)).concordant for node in steps)
    chance = sum(1 / len(node.choices) for node in steps)  # how often a random choice would be the best one
    assert longest <= 1.25 * chance and shortest <= 1.25 * chance, (longest, shortest, chance)
    absolute = re.compile(r"\b(always|never|only|all|must|will|ruled? out)\b", re.IGNORECASE)
    hedged = re.compile(r"\b(may|might|probably|likely|perhaps|possibly)\b", re.IGNORECASE)
    # "Pick the one choice without an absolute word" or "pick the one hedged choice" must not beat chance.
    for rule in (lambda label: not absolute.search(label), lambda label: bool(hedged.search(label))):
        hits = [node for node in steps if sum(rule(c.label) for c in node.choices) == 1]
        found = sum(next(c for c in node.choices if rule(c.label)).concordant for node in hits)
        assert found <= sum(1 / len(node.choices) for node in hits) + 1, found
