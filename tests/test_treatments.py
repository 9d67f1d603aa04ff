import re

import pytest

from spinelab.course import datafile, references
from spinelab.guarding import treatments

JOSPT_ACUTE_EXERCISE = ("Physical therapists can use exercise training interventions, including specific trunk muscle "
                        "activation, for patients with acute low back pain (LBP).")

GOOD = '''
topics = ["superficial heat"]

[[treatment]]
name = "dry needling"
mechanism = "decay"
rationale = "r"
summary = "s"

[[recommendation]]
guideline = "qaseem2017"
quote = "q"
strength = "strong recommendation"
stages = ["acute"]
population = "p"
topics = ["superficial heat", "dry needling"]
verified = "v"

[[review]]
key = "hu2018"
population = "low back pain"
topics = ["dry needling"]
'''


def test_names_match_the_data_file_and_load_in_order():
    assert tuple(row["name"] for row in datafile.load("treatments")["treatment"]) == treatments.NAMES
    assert tuple(treatments.all_treatments()) == treatments.NAMES


def test_a_small_valid_file_loads_with_its_evidence():
    data = treatments.load(GOOD, "x.toml")
    needling = data.treatments["dry needling"]
    assert needling.keys == ("qaseem2017", "hu2018")
    assert needling.evidence[0].statement == "“q” (strong recommendation; p)"
    assert needling.evidence[1].statement == references.get("hu2018").finding


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('quote = "q"\n', "", r"^x\.toml: recommendation 1: field 'quote' is missing"),
        ('guideline = "qaseem2017"', 'guideline = "qaseem2071"', r"^x\.toml: recommendation 1: field 'guideline'.*"),
        ('stages = ["acute"]', 'stages = ["sudden"]',
         r"^x\.toml: recommendation 1: field 'stages' item 1 must be one of acute, subacute, chronic"),
        ('stages = ["acute"]', "stages = []", r"^x\.toml: recommendation 1: field 'stages' must be a non-empty list"),
        ('strength = "strong recommendation"', "strength = 3",
         r"^x\.toml: recommendation 1: field 'strength' must be non-empty text; got 3"),
        ('"superficial heat", "dry needling"]', '"cupping"]', r"^x\.toml: recommendation 1: field 'topics'"),
        ('key = "hu2018"', 'key = "george2021x"', r"^x\.toml: review 1: field 'key'"),
        ('population = "low back pain"\n', "", r"^x\.toml: review 1: field 'population'"),
        ('mechanism = "decay"', 'mechanism = "magic"', r"^x\.toml: treatment 1 \('dry needling'\): field 'mechanism' "
                                                       r"must be one of drive, loop, decay"),
        ('summary = "s"\n', "", r"^x\.toml: treatment 1 \('dry needling'\): field 'summary'"),
        ('topics = ["superficial heat"]\n', "", r"^x\.toml: field 'topics'"),
        ("[[review]]", "[[review]", r"^x\.toml: not valid TOML"),
    ],
)
def test_bad_data_is_refused_naming_file_entry_and_field(old, new, message):
    assert old in GOOD
    with pytest.raises(ValueError, match=message):
        treatments.load(GOOD.replace(old, new), "x.toml")


def test_every_quote_has_strength_population_and_a_resolving_guideline():
    items = treatments.recommendations()
    assert len(items) >= 10
    for item in items:
        assert item.quote and item.strength and item.population and item.stages and item.topics
        assert "2026-11-25" in item.verified
        references.get(item.guideline)
        assert item.guideline in {"george2021", "nice2016", "nice2017", "qaseem2017"}
    assert set(treatments.citation_keys()) >= {item.guideline for item in items}


def test_recommendations_filter_by_population():
    acute = treatments.recommendations(population="acute")
    chronic = treatments.recommendations(population="chronic")
    assert all("acute" in item.stages for item in acute) and all("chronic" in item.stages for item in chronic)
    assert set(acute) | set(chronic) <= set(treatments.recommendations())
    with pytest.raises(ValueError, match="population must be one of acute, subacute, chronic"):
        treatments.recommendations(population="sideways")


def test_jospt_acute_exercise_recommendation_is_given_for_acute_pain():
    acute = [item for item in treatments.recommendations("acute") if item.quote == JOSPT_ACUTE_EXERCISE]
    assert len(acute) == 1
    assert acute[0].guideline == "george2021" and acute[0].strength.startswith("grade C")
    exercise = treatments.get("corrective exercise")
    assert "no evidence" not in exercise.evidence_summary.lower()
    assert "acute" in exercise.evidence_summary.lower()
    assert any(JOSPT_ACUTE_EXERCISE in item.statement for item in exercise.evidence)


def test_education_pain_neuroscience_education_and_heat_appear():
    table = treatments.evidence_table()
    for topic in ("Education and reassurance", "Pain neuroscience education", "Superficial heat"):
        assert f"**{topic}**" in table
    heat = [item for item in treatments.recommendations("acute") if "superficial heat" in item.topics]
    assert heat and heat[0].guideline == "qaseem2017" and "moderate-quality evidence" in heat[0].quote
    assert any("education and reassurance" in item.topics for item in treatments.recommendations("acute"))
    assert references.get("wood2019").finding in table


def test_dry_needling_shows_what_the_review_found():
    needling = treatments.get("dry needling")
    assert references.get("hu2018").finding in [item.statement for item in needling.evidence]
    assert "firm conclusion" in needling.evidence_summary


def test_the_model_is_called_illustrative_once_and_students_see_no_provenance():
    table = treatments.evidence_table()
    assert table.count(treatments.illustrative_note()) == 1
    texts = [table, *(treatment.evidence_markdown() for treatment in treatments.all_treatments().values())]
    for text in texts:
        for phrase in ("retrieved", "verified", "this course", "not checked", "not seen"):
            assert phrase not in text.lower()


def test_evidence_table_keeps_one_line_per_topic_and_collapses_the_quotes():
    table = treatments.evidence_table()
    shown = re.sub(r"<details>.*?</details>", "", table, flags=re.DOTALL)
    for treatment in treatments.all_treatments().values():
        assert treatment.evidence_summary in shown
    assert "not robust" in shown and "grade A" in shown
    for item in treatments.recommendations():
        assert item.markdown() in table and f"“{item.quote}”" not in shown
    for key, _, _ in treatments.catalogue().reviews:
        assert references.get(key).finding in table
    assert table.count("<details><summary>") == table.count("</details>")
    assert "</summary>\n\n" in table


def test_evidence_table_for_one_population_leaves_the_others_out():
    acute = treatments.evidence_table("acute")
    assert JOSPT_ACUTE_EXERCISE in acute
    assert "patients with chronic LBP and movement control impairment" not in acute


def test_guidelines_without_a_readable_quote_are_linked_not_paraphrased():
    data = treatments.catalogue()
    covered = {(item.guideline, topic) for item in data.coverage for topic in item.topics}
    assert {("george2021", "dry needling"), ("george2021", "pain neuroscience education"),
            ("who2023", "dry needling")} <= covered
    assert not any(item.guideline == "who2023" for item in data.recommendations)  # no unverified WHO quote
    table = str(treatments.evidence_table())
    assert "George et al. 2021 addresses dry needling" in table and "https://doi.org/10.2519/jospt.2021.0304" in table
    assert "per the guideline's verb key (should = A, may = B, can = C)" in table
    assert {"george2021", "who2023", "macedo2016"} <= set(treatments.citation_keys())


def test_a_coverage_entry_with_an_unknown_topic_is_refused():
    text = ('topics = ["acupuncture"]\n[[treatment]]\nname = "dry needling"\nmechanism = "decay"\nrationale = "r"\n'
            'summary = "s"\n[[coverage]]\nguideline = "who2023"\nstatement = "s"\npopulation = "p"\n'
            'topics = ["cupping"]\nverified = "v"\n')
    with pytest.raises(ValueError, match=r"x\.toml: coverage 1: field 'topics' must list only"):
        treatments.load(text, "x.toml")


def test_a_topic_line_names_the_population_of_each_grade_so_no_grade_repeats():
    shown = re.sub(r"<details>.*?</details>", "", str(treatments.evidence_table()), flags=re.DOTALL)
    acupuncture = next(line for line in shown.splitlines() if line.startswith("**Acupuncture**"))
    assert "Qaseem et al. 2017 *strong recommendation* (acute or subacute low back pain)" in acupuncture
    assert "Qaseem et al. 2017 *strong recommendation* (chronic low back pain)" in acupuncture
    grades = acupuncture.split(": ", 1)[1].split("; ")
    assert len(grades) == len(set(grades))


def test_each_recommendation_is_quoted_once_and_later_topics_point_back_to_it():
    table = str(treatments.evidence_table())
    for item in treatments.recommendations():
        assert table.count(f"“{item.quote}”") == 1, item.number or item.quote[:40]
    chronic = next(item for item in treatments.recommendations() if item.number == "Recommendation 2")
    assert len(chronic.topics) >= 2
    assert table.count("Qaseem et al. 2017, Recommendation 2: quoted under **") == len(chronic.topics) - 1
