"""Post-test probability by Bayes' rule in odds form: hand-computed values, properties, bad input."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinelab.multifidus import bedside
from spinelab.multifidus.post_test import (
    PostTest,
    likelihood_ratios,
    odds,
    post_test_probability,
    probability_from_odds,
)

probabilities = st.floats(min_value=0.001, max_value=0.999)
ratios = st.floats(min_value=0.01, max_value=100.0)


@pytest.mark.parametrize(("pre", "ratio", "expected"), [
    (0.30, 4.0, 0.632),   # odds 0.4286 x 4 = 1.714 -> 1.714 / 2.714
    (0.50, 4.0, 0.800),   # odds 1 x 4 = 4 -> 4 / 5
    (0.10, 4.0, 0.308),   # odds 0.111 x 4 = 0.444 -> 0.444 / 1.444
    (0.50, 0.18, 0.153),  # odds 1 x 0.18 -> 0.18 / 1.18
    (18 / 54, 4.0, 0.667),  # Hicks et al. 2005: 18 successes of 54, rule for success positive
])
def test_hand_computed_values(pre, ratio, expected):
    assert post_test_probability(pre, ratio) == pytest.approx(expected, abs=0.0005)


@given(probabilities)
def test_a_likelihood_ratio_of_one_changes_nothing(pre):
    assert post_test_probability(pre, 1.0) == pytest.approx(pre, rel=1e-12)


@given(probabilities, ratios, ratios)
def test_a_larger_likelihood_ratio_never_lowers_the_result(pre, first, second):
    low, high = sorted((first, second))
    assert post_test_probability(pre, low) <= post_test_probability(pre, high) + 1e-12


@given(probabilities, ratios)
def test_result_is_a_probability_and_moves_the_right_way(pre, ratio):
    post = post_test_probability(pre, ratio)
    assert 0.0 < post < 1.0
    if ratio > 1:
        assert post >= pre - 1e-12
    if ratio < 1:
        assert post <= pre + 1e-12


@given(probabilities)
def test_odds_and_probability_are_inverse(p):
    assert probability_from_odds(odds(p)) == pytest.approx(p, rel=1e-12)


@pytest.mark.parametrize("pre", [0.0, 1.0, -0.1, 1.5, math.nan, math.inf, "0.3", True])
def test_pre_test_outside_zero_one_is_refused_by_name(pre):
    with pytest.raises(ValueError, match="pre_test"):
        post_test_probability(pre, 2.0)


@pytest.mark.parametrize("ratio", [0.0, -1.0, math.nan, math.inf, None])
def test_likelihood_ratio_not_positive_is_refused_by_name(ratio):
    with pytest.raises(ValueError, match="likelihood_ratio"):
        post_test_probability(0.3, ratio)


def test_likelihood_ratios_from_sensitivity_and_specificity():
    positive, negative = likelihood_ratios(0.8, 0.8)
    assert positive == pytest.approx(4.0)
    assert negative == pytest.approx(0.25)
    with pytest.raises(ValueError, match="specificity"):
        likelihood_ratios(0.8, 1.0)


def test_the_worked_sentence_shows_each_step():
    text = PostTest(0.30, 4.0, "positive", "success").sentence()
    assert "30%" in text and "0.43" in text and "× 4" in text and "63%" in text


def test_every_likelihood_ratio_in_the_data_gives_a_valid_post_test_probability():
    for figure in bedside.likelihood_ratios():
        post = post_test_probability(0.3, figure.value)
        assert (post > 0.3) == (figure.kind == "positive likelihood ratio")
