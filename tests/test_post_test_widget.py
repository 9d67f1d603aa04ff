import pytest

from spinelab.multifidus.bedside_figures import PostTestCalculator


def test_the_calculator_shows_hand_computed_post_test_probabilities():
    calculator = PostTestCalculator(pre_test_percent=30, figure_id="cpr_success_plr")
    # 0.30 / 0.70 = 0.4286; x 4.0 = 1.714; 1.714 / 2.714 = 0.632
    assert calculator.calculation().post_test == pytest.approx(0.632, abs=0.001)
    assert "63" in calculator.readout.value and calculator.labels[1].get_text() == "after 63 %"
    before = calculator.live.png()
    calculator.set(figure_id="cpr_failure_nlr")  # 0.4286 x 0.18 = 0.0771; / 1.0771 = 0.072
    assert calculator.calculation().post_test == pytest.approx(0.072, abs=0.001)
    assert calculator.live.png() != before


def test_an_own_likelihood_ratio_of_one_leaves_the_probability_where_it_was():
    calculator = PostTestCalculator(pre_test_percent=45).set(own_ratio=1.0)
    assert not calculator.own.disabled
    assert calculator.calculation().post_test == pytest.approx(0.45)
    assert calculator.labels[0].get_text() == "before 45 %" and calculator.labels[1].get_text() == "after 45 %"
