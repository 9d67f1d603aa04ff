
import pytest

from spinelab.clinic import red_flags
from spinelab.course import references
from spinelab.course.text import PlainText

# Every flag alone: the level it reaches and the condition group it is shown under (the table the data must meet).
ALONE = [
    ("bilateral leg pain (sciatica in both legs)", "emergency", "cauda equina syndrome"),
    ("saddle anaesthesia", "emergency", "cauda equina syndrome"),
    ("new bladder dysfunction or urinary retention", "emergency", "cauda equina syndrome"),
    ("bowel dysfunction (loss of bowel control or faecal incontinence)", "emergency", "cauda equina syndrome"),
    ("loss of anal tone", "emergency", "cauda equina syndrome"),
    ("loss of sexual function", "emergency", "cauda equina syndrome"),
    ("progressive neurological deficit in the legs", "emergency", "cauda equina syndrome"),
    ("significant trauma", "emergency", "spinal fracture"),
    ("corticosteroid use", "routine", "spinal fracture"),
    ("older age (over 70)", "routine", "spinal fracture"),
    ("previous history of cancer", "urgent", "spinal malignancy"),
    ("age over 50", "routine", "spinal malignancy"),
    ("no improvement after one month", "routine", "spinal malignancy"),
    ("unexplained weight loss", "routine", "spinal malignancy"),
    ("fever", "same_day", "spinal infection"),
    ("intravenous drug use", "routine", "spinal infection"),
    ("immunosuppression", "routine", "spinal infection"),
    ("diabetes", "routine", "spinal infection"),
    ("recent bacterial infection", "routine", "spinal infection"),
    ("recent spinal procedure (such as an injection or surgery)", "routine", "spinal infection"),
]


def test_the_table_covers_every_flag():
    assert [name for name, _, _ in ALONE] == [item.name for item in red_flags.flags()]


@pytest.mark.parametrize("name, level, condition", ALONE)
def test_every_flag_alone_reaches_its_level(name, level, condition):
    result = red_flags.screen([name])
    assert result.level == level and result.flags == (red_flags.flag(name),)
    assert result.conditions[0] == condition or condition in result.conditions
    assert result.refer is (level in ("emergency", "same_day", "urgent"))
    assert result.decision == (red_flags.REFER if result.refer else red_flags.SUSPECT)
    assert result.combined == ()
    assert result.message.startswith("Refer for medical evaluation" if result.refer else "Raises suspicion")
    assert references.cite(*red_flags.flag(name).sources) in result.message


def test_progressive_neurological_deficit_is_an_emergency_not_a_wait_and_see():
    result = red_flags.screen({"progressive neurological deficit in the legs"})
    assert result.level == red_flags.EMERGENCY and result.refer
    assert "emergency department" in result.action and "Not enough to refer" not in result.message
    assert "Bigos et al. 1994" in result.message


@pytest.mark.parametrize("names, condition", [
    (["age over 50", "no improvement after one month"], "spinal malignancy"),
    (["age over 50", "unexplained weight loss"], "spinal malignancy"),
    (["older age (over 70)", "corticosteroid use"], "spinal fracture"),
])
def test_two_routine_flags_for_fracture_or_malignancy_combine_to_urgent(names, condition):
    result = red_flags.screen(names)
    assert result.level == red_flags.URGENT and result.refer and result.combined == (condition,)
    assert f"2 or more flags for {condition} in combination call for urgent assessment" in result.message
    assert red_flags.combination_level(condition) == red_flags.URGENT


@pytest.mark.parametrize("names", [
    ["immunosuppression", "intravenous drug use"],
    ["diabetes", "recent bacterial infection"],
    ["unexplained weight loss", "recent spinal procedure (such as an injection or surgery)"],
])
def test_two_flags_for_spinal_infection_call_for_a_same_day_assessment(names):
    result = red_flags.screen(names)
    assert result.level == red_flags.SAME_DAY and result.refer and result.combined == ("spinal infection",)
    assert "2 or more flags for spinal infection in combination call for a same-day assessment" in result.message
    assert "or the doctor cannot be reached today" in result.action


def test_suspected_infection_is_a_same_day_level_of_its_own_between_urgent_and_emergency():
    assert red_flags.LEVELS.index(red_flags.URGENT) < red_flags.LEVELS.index(red_flags.SAME_DAY) \
        < red_flags.LEVELS.index(red_flags.EMERGENCY)
    same_day, emergency = red_flags.level(red_flags.SAME_DAY), red_flags.level(red_flags.EMERGENCY)
    assert "Emergency" not in same_day.label and "today" in same_day.label
    # A systemically unwell patient, or a new deficit, still goes to the emergency department.
    assert "emergency department if the patient is systemically unwell" in same_day.action
    assert "new neurological deficit" in same_day.action
    assert "fever" not in emergency.action and "doctor" not in emergency.action
    assert "two infection risk factors" in red_flags.RULE and "simplification" in red_flags.RULE
    assert "systemically unwell" in red_flags.RULE


def test_age_over_50_is_the_malignancy_flag_and_older_age_the_fracture_flag():
    assert red_flags.flag("age over 50").conditions == ("spinal malignancy",)
    assert red_flags.flag("older age").conditions == ("spinal fracture",)  # the name before the cut-off was added
    fracture_age = red_flags.flag("older age")
    assert "over 70" in fracture_age.name and "Henschke et al. 2009" in fracture_age.citation
    assert red_flags.screen(["age over 50", "corticosteroid use"]).level == red_flags.ROUTINE  # different conditions
    with pytest.raises(ValueError, match="condition must be one of"):
        red_flags.combination_level("cauda equina syndrome")


@pytest.mark.parametrize("names", [
    ["age over 50", "diabetes"],
    ["older age", "diabetes"],
    ["corticosteroid use", "diabetes"],
    ["no improvement after one month", "intravenous drug use"],
])
def test_flags_for_different_conditions_do_not_combine(names):
    result = red_flags.screen(names)
    assert result.level == red_flags.ROUTINE and not result.refer and result.combined == ()


def test_cauda_equina_signs_do_not_combine_but_the_highest_level_wins():
    assert red_flags.screen(["saddle anaesthesia", "loss of sexual function"]).combined == ()
    mixed = red_flags.screen(["age over 50", "previous history of cancer", "saddle anaesthesia"])
    assert mixed.level == red_flags.EMERGENCY and mixed.combined == ("spinal malignancy",)
    assert mixed.conditions == ("cauda equina syndrome", "spinal malignancy")


@pytest.mark.parametrize("names, level", [
    (["corticosteroid use", "previous history of cancer"], "urgent"),  # routine + urgent, different conditions
    (["fever", "previous history of cancer"], "same_day"),  # same day + urgent, different conditions
    (["fever", "saddle anaesthesia"], "emergency"),  # same day + emergency
    (["diabetes", "loss of anal tone"], "emergency"),  # routine + emergency
])
def test_the_highest_level_of_the_ticked_flags_wins(names, level):
    assert red_flags.screen(names).level == level
    assert red_flags.screen(reversed(names)).level == level  # whatever the order of ticking


def test_diabetes_is_its_own_flag_not_a_kind_of_immunosuppression():
    assert not any("diabetes" in item.name and item.name != "diabetes" for item in red_flags.flags())
    assert red_flags.screen(["diabetes"]).flags == (red_flags.flag("diabetes"),)


def test_no_flag_gives_level_none_with_safety_netting():
    result = red_flags.screen([])
    assert result.level == red_flags.NONE and not result.refer and result.decision == red_flags.CLEAR
    assert result.message.startswith("No red flags ticked") and "does not rule out" in result.message


@pytest.mark.parametrize("level", ["none", "routine", "urgent"])
def test_safety_netting_sends_cauda_equina_signs_straight_to_an_emergency_department_and_fever_the_same_day(level):
    advice = red_flags.level(level).safety_netting
    for sign in ("between your legs", "urine", "bowel movement", "sexual function", "both legs", "difficulty walking"):
        assert sign in advice
    assert "straight to an emergency department" in advice and "emergency department the same day" not in advice
    assert "the same day if you develop a fever" in advice


def test_every_result_carries_action_and_cited_safety_netting():
    for names in ([], ["fever"], ["significant trauma"], ["saddle anaesthesia"]):
        result = red_flags.screen(names)
        assert result.action == red_flags.level(result.level).action
        assert result.safety_netting.endswith(references.cite(*red_flags.level(result.level).sources))
    assert "emergency department now" in red_flags.screen(["saddle anaesthesia"]).safety_netting


def test_unknown_flags_and_single_strings_are_refused():
    with pytest.raises(ValueError, match=r"flag must be one of: .*fever"):
        red_flags.screen(["headache"])
    with pytest.raises(ValueError, match="collection of flag names"):
        red_flags.screen("fever")
    with pytest.raises(ValueError, match="condition must be one of"):
        red_flags.flags_for("appendicitis")
    with pytest.raises(ValueError, match="level must be one of"):
        red_flags.level("soon")
    assert red_flags.flag("Saddle Anesthesia").name == "saddle anaesthesia"


LEVELS_TOML = "".join(
    f'[level.{name}]\nlabel = "L"\naction = "A"\nsafety_netting = "S"\nsources = ["finucane2020"]\nverified = "v"\n'
    for name in ("emergency", "same_day", "urgent", "routine", "none")) + \
    '[combination]\nsources = ["henschke2013"]\nverified = "v"\n[combination.level]\n"spinal fracture" = "urgent"\n' \
    '"spinal malignancy" = "urgent"\n"spinal infection" = "emergency"\n'
FLAG = '[[flag]]\nname = "fever"\nconditions = ["spinal infection"]\nlevel = "routine"\nsources = ["yusuf2019"]\n' \
       'verified = "v"\n'


def test_a_valid_minimal_file_parses():
    levels, flags, combination = red_flags.parse(LEVELS_TOML + FLAG, "x.toml")
    assert set(levels) == set(red_flags.LEVELS) and flags[0].conditions == ("spinal infection",)
    assert combination == {"spinal fracture": "urgent", "spinal malignancy": "urgent", "spinal infection": "emergency"}


@pytest.mark.parametrize("text, message", [
    (LEVELS_TOML + FLAG.replace('level = "routine"', 'level = "soon"'),
     r"x\.toml: flag 1 \('fever'\): field 'level' must be one of routine, urgent, same_day, emergency"),
    (LEVELS_TOML + FLAG.replace('level = "routine"', 'level = "none"'), r"flag 1 \('fever'\): field 'level'"),
    (LEVELS_TOML + FLAG.replace('["yusuf2019"]', '["yusuf2091"]'),
     r"x\.toml: flag 1 \('fever'\): field 'sources': unknown citation key 'yusuf2091'"),
    (LEVELS_TOML + FLAG.replace('["yusuf2019"]', '[]'), r"flag 1 \('fever'\): field 'sources' must be a non-empty"),
    (LEVELS_TOML + FLAG.replace('verified = "v"\n', ''), r"flag 1 \('fever'\): field 'verified' is missing"),
    (LEVELS_TOML + FLAG.replace('"spinal infection"', '"gout"'), r"flag 1 \('fever'\): field 'conditions'"),
    (LEVELS_TOML + FLAG + 'colour = "red"\n', r"flag 1 \('fever'\): unknown field\(s\) colour"),
    (LEVELS_TOML + FLAG + FLAG.replace("fever", "Fever"), r"flag 2 \('Fever'\): field 'name' repeats"),
    (LEVELS_TOML + FLAG.replace('name = "fever"\n', ''), r"x\.toml: flag 1: field 'name' is missing"),
    (LEVELS_TOML.replace('action = "A"\n', '', 1) + FLAG, r"x\.toml: level 'emergency': field 'action' is missing"),
    (LEVELS_TOML.replace("[level.none]", "[level.later]") + FLAG, r"x\.toml: level 'none' is missing"),
    (LEVELS_TOML, r"x\.toml: field 'flag' is missing"),
    (LEVELS_TOML.replace('"spinal infection" = "emergency"', '"spinal infection" = "routine"') + FLAG,
     r"x\.toml: field 'combination' key 'level' key 'spinal infection' must be one of urgent, same_day, "
     r"emergency"),
    (LEVELS_TOML.replace('sources = ["henschke2013"]', 'sources = ["henschke2031"]') + FLAG,
     r"x\.toml: field 'combination' key 'sources': unknown citation key 'henschke2031'"),
    ("[[flag]\n", r"x\.toml: not valid TOML"),
])
def test_data_file_errors_name_the_file_the_flag_and_the_field(text, message):
    with pytest.raises(ValueError, match=message):
        red_flags.parse(text, "x.toml")


def test_student_facing_text_talks_about_the_science_only():
    shown = [red_flags.RULE, red_flags.DISCLAIMER, *red_flags.notes()]
    shown += [getattr(red_flags.level(name), part) for name in red_flags.LEVELS
              for part in ("label", "action", "safety_netting")]
    for text in shown:
        for phrase in ("not verified", "could not be read", "commonly listed", "for this course"):
            assert phrase not in text
    assert "this course's simplification" in red_flags.RULE and "Henschke et al. (2013)" in red_flags.RULE


def test_no_flag_still_gets_general_safety_netting_and_fever_is_same_day():
    advice = red_flags.screen([]).safety_netting
    assert "has not improved" in advice and "fever" in advice and "difficulty walking" in advice
    fever = red_flags.screen(["fever"])
    assert fever.level == red_flags.SAME_DAY and "same or the next day" not in fever.label
    assert "a medical assessment today by the patient's doctor" in fever.action
    assert "fever raises suspicion of spinal infection, same-day on its own" in fever.message


def test_the_same_day_safety_netting_names_the_emergency_department_and_the_cauda_equina_signs():
    advice = red_flags.level(red_flags.SAME_DAY).safety_netting
    assert "See your doctor today" in advice and "cannot see you today" in advice
    for sign in ("very unwell", "between your legs", "urine", "bowel movement", "sexual function",
                 "difficulty walking"):
        assert sign in advice


def test_the_rule_is_generated_from_the_data_each_flag_under_its_own_level():
    rule = red_flags.RULE
    order = (red_flags.EMERGENCY, red_flags.SAME_DAY, red_flags.URGENT, red_flags.ROUTINE)
    starts = [rule.index(red_flags.level(name).label) for name in order]
    assert starts == sorted(starts)
    for item in red_flags.flags():
        if item.level == red_flags.ROUTINE:
            continue
        position = order.index(item.level)
        assert starts[position] < rule.index(item.name) < starts[position + 1], item.name
    assert "fever" in rule[starts[1]:starts[2]] and red_flags.FRAMEWORK_KEY in red_flags.citation_keys()


def test_examples_give_one_line_per_set_of_ticked_flags_with_its_level():
    text = red_flags.examples({"age over 50", "no improvement after one month"}, {"saddle anaesthesia"}, set())
    assert isinstance(text, PlainText)
    urgent, emergency, none = text.splitlines()
    assert red_flags.examples({"fever"}) == f"Fever → {red_flags.level('same_day').label}"
    assert urgent == f"Age over 50 and no improvement after one month → {red_flags.level('urgent').label}"
    assert emergency == f"Saddle anaesthesia → {red_flags.level('emergency').label}"
    assert none == red_flags.level("none").label  # the data's words, no machine text ("-> none:")
