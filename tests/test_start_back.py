"""STarT Back scoring (spinelab.clinic.start_back): every boundary, item 9, bad input, and the data file."""

import itertools
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

import spinelab.start_back as public
from spinelab.clinic import start_back
from spinelab.course import datafile

ALL_ANSWERS = list(itertools.product([False, True], repeat=9))


def answers(*positive: int) -> list[bool]:
    """Nine answers with the given item numbers (1-9) positive."""
    return [number in positive for number in range(1, 10)]


def expected_stratum(items: tuple[bool, ...]) -> str:
    """The published rule, written independently of the module: overall 0-3 low; subscale 4-5 high; else medium."""
    overall, distress = sum(items), sum(items[4:])
    if overall <= 3:
        return "low"
    return "high" if distress >= 4 else "medium"


# ------------------------------------------------------------------ scores and strata


@pytest.mark.parametrize(("positive", "overall", "distress", "stratum"), [
    ((), 0, 0, "low"),
    ((1, 2, 3), 3, 0, "low"),                 # overall 3: the top of low risk
    ((1, 2, 3, 4), 4, 0, "medium"),           # overall 4: medium
    ((5, 6, 7), 3, 3, "low"),                 # subscale 3 but overall 3: still low
    ((5, 6, 7, 8), 4, 4, "high"),             # overall 4 and subscale 4: high
    ((1, 5, 6, 7), 4, 3, "medium"),           # subscale 3 with overall 4: medium
    ((1, 2, 3, 4, 5, 6, 7), 7, 3, "medium"),  # a high overall score alone is not high risk
    ((1, 5, 6, 7, 8), 5, 4, "high"),          # subscale 4: high
    ((5, 6, 7, 8, 9), 5, 5, "high"),
    (tuple(range(1, 10)), 9, 5, "high"),
])
def test_scores_and_stratum_at_every_boundary(positive, overall, distress, stratum):
    found = start_back.score(answers(*positive))
    assert (found.overall, found.distress, found.subscale) == (overall, distress, distress)
    assert found.stratum == stratum == start_back.stratify(answers(*positive))


def test_every_one_of_the_512_answer_sets_follows_the_published_rule():
    for items in ALL_ANSWERS:
        assert start_back.stratify(items) == expected_stratum(items), items


@given(st.lists(st.booleans(), min_size=9, max_size=9), st.integers(min_value=0, max_value=8))
def test_agreeing_with_one_more_item_never_lowers_the_risk(items, flip):
    more = [*items]
    more[flip] = True
    assert start_back.STRATA.index(start_back.stratify(more)) >= start_back.STRATA.index(start_back.stratify(items))


@given(st.lists(st.booleans(), min_size=9, max_size=9))
def test_the_subscale_counts_items_5_to_9_only(items):
    found = start_back.score(items)
    assert found.distress == sum(items[4:]) and found.overall - found.distress == sum(items[:4])


def test_items_1_to_4_never_make_a_patient_high_risk():
    assert {start_back.stratify(answers(*positive)) for positive in
            itertools.chain.from_iterable(itertools.combinations(range(1, 5), n) for n in range(5))} == {"low",
                                                                                                       "medium"}


# ------------------------------------------------------------------ item 9


@pytest.mark.parametrize(("answer", "positive"), [("not at all", False), ("slightly", False), ("moderately", False),
                                                  ("very much", True), ("extremely", True)])
def test_item_9_is_positive_only_for_very_much_or_extremely(answer, positive):
    assert start_back.bothersome(answer) is positive


def test_item_9_decides_high_risk_at_subscale_3():
    three = answers(1, 5, 6, 7)
    assert start_back.stratify([*three[:8], start_back.bothersome("moderately")]) == "medium"
    assert start_back.stratify([*three[:8], start_back.bothersome("very much")]) == "high"


@pytest.mark.parametrize("answer", ["Very much", "very", "", None, 4])
def test_an_item_9_answer_outside_the_five_is_refused_with_the_list(answer):
    with pytest.raises(ValueError, match=r"item 9 answer must be one of not at all, slightly, moderately, very "
                                         r"much, extremely; got"):
        start_back.bothersome(answer)


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(("bad", "problem"), [
    (None, "got NoneType None"),
    (5, "got int 5"),
    ("TTTTFFFFF", "got str 'TTTTFFFFF'"),
    (b"\x01" * 9, "got bytes"),
    ({1, 2}, "got set"),
    ((value for value in [True] * 9), "got generator"),
    ([True] * 8, "got 8 answers"),
    ([True] * 10, "got 10 answers"),
    ([], "got 0 answers"),
    ([1, 0, 0, 0, 0, 0, 0, 0, 0], "item 1 is int 1"),
    ([True] * 8 + [0], "item 9 is int 0"),
    ([True, None, *[False] * 7], "item 2 is NoneType None"),
    ([False] * 4 + ["yes"] + [False] * 4, "item 5 is str 'yes'"),
    ([False] * 8 + [1.0], "item 9 is float 1.0"),
    ([False] * 8 + ["very much"], "item 9 is str 'very much'"),
])
def test_bad_answers_raise_a_value_error_naming_the_problem(bad, problem):
    for function in (start_back.score, start_back.stratify):
        with pytest.raises(ValueError) as raised:
            function(bad)
        message = str(raised.value)
        assert message.startswith("answers must be a sequence of 9 booleans in the tool's item order")
        assert problem in message


def test_a_tuple_is_accepted_like_a_list():
    assert start_back.score(tuple(answers(5, 6, 7, 8))) == start_back.score(answers(5, 6, 7, 8))


# ------------------------------------------------------------------ offers, data and the public alias


@pytest.mark.parametrize(("name", "words"), [("low", "30-minute session"), ("medium", "physiotherapy"),
                                             ("high", "cognitive behavioural principles")])
def test_each_stratum_has_an_offer_with_its_citation(name, words):
    offer = start_back.offer(name)
    assert offer.startswith(f"{name.capitalize()} risk: ") and words in offer
    assert offer.endswith("(Hay et al. 2008; Hill et al. 2011).")


@pytest.mark.parametrize("bad", ["Low", "moderate", "", None])
def test_an_unknown_stratum_is_refused_with_the_three_names(bad):
    with pytest.raises(ValueError, match=r"stratum must be one of low, medium, high; got"):
        start_back.offer(bad)


def test_the_items_are_nine_by_domain_with_items_5_to_9_in_the_subscale():
    items = start_back.items()
    assert [item.number for item in items] == list(range(1, 10))
    assert [item.distress for item in items] == [False] * 4 + [True] * 5
    assert [item.construct for item in items][4:] == ["fear", "anxiety", "catastrophising", "depression",
                                                      "bothersomeness"]
    assert items[-1].answers == ("not at all", "slightly", "moderately", "very much", "extremely")
    assert all(not item.answers for item in items[:-1])


def test_the_tool_is_attributed_to_keele_and_points_to_the_official_form():
    # Keele asks that its copyright and funding statement be kept whole wherever the tool is used.
    assert start_back.attribution().startswith("The copyright (©2007) of the STarT Back Screening Tool")
    assert "owned by Keele University" in start_back.attribution()
    assert "part funded by Arthritis Research UK" in start_back.attribution()
    assert start_back.official_form().startswith("https://") and "keele.ac.uk" in start_back.official_form()
    shown = str(start_back.items_markdown())
    assert start_back.attribution() in shown and start_back.official_form() in shown


def test_nice_recommendations_are_quoted_as_consider_with_their_numbers():
    recs = start_back.recommendations()
    assert [rec.number for rec in recs] == ["1.1.2", "1.1.3"]
    assert all(rec.guideline == "nice2016" and rec.strength.startswith("consider") for rec in recs)
    assert recs[0].quote.startswith("Consider using risk stratification (for example, the STarT Back")
    text = str(start_back.guidance())
    assert "<details>" in text and all(rec.quote in text for rec in recs)


def test_tables_show_every_stratum_and_the_trial_result_with_its_numbers():
    table = str(start_back.strata_table())
    assert all(start_back.stratum(name).label in table for name in start_back.STRATA)
    result = start_back.trial_result()
    assert "1.81, 95% CI 1.06 to 2.57" in result and "(Hill et al. 2011)" in result
    later = result.index("<details>")
    assert "did not give better Roland-Morris disability scores" in result[later:] and "(Rhon et al. 2023)" in result


def test_every_citation_key_resolves():
    from spinelab.course import references

    assert {"hill2008", "hay2008", "hill2011", "nice2016"} <= set(start_back.citation_keys())
    assert all(references.get(key) for key in start_back.citation_keys())


def _text() -> str:
    from importlib import resources

    return resources.files("spinelab").joinpath(start_back.DATA_FILE).read_text(encoding="utf-8")


@pytest.mark.parametrize(("old", "new", "message"), [
    ('construct = "fear"\ndistress = true', 'construct = "fear"\ndistress = false',
     r"item 5: field 'distress' must be True \(the distress subscale is items 5 to 9\)"),
    ('positive = ["very much", "extremely"]', 'positive = ["very much", "a lot"]',
     r"item 9: field 'positive' must list only answers of field 'answers'"),
    ('sources = ["hill2008"]', 'sources = ["hill2099"]', r"tool: field 'sources'"),
    ('guideline = "nice2016"', 'guideline = "nice2099"', r"recommendation 1: field 'guideline'"),
])
def test_the_loader_names_the_entry_and_field_at_fault(old, new, message):
    text = _text()
    assert old in text
    with pytest.raises(ValueError, match=rf"^x\.toml: {message}"):
        start_back.load(text.replace(old, new, 1), "x.toml")


def test_the_schema_refuses_eight_or_ten_items():
    text = _text()
    first, second = text.index("[[item]]"), text.index("[[item]]", text.index("[[item]]") + 1)
    for changed in (text[:first] + text[second:], text[:first] + text[first:second] + text[first:]):
        with pytest.raises(ValueError, match=r"^x\.toml: field 'item' must be a list of exactly 9 items"):
            start_back.load(changed, "x.toml")
    assert datafile.load("start_back")


def test_the_top_level_alias_is_the_clinic_implementation():
    assert public.stratify is start_back.stratify and public.score is start_back.score
    assert public.offer is start_back.offer and public.bothersome is start_back.bothersome
    assert public.stratify(answers(5, 6, 7, 8)) == "high"
    assert re.search(r"\bstratify\b", public.__doc__ or "")
