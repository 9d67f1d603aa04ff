"""What a test result means for one patient: Bayes' rule in odds form (pure Python, no widget import).

A likelihood ratio (LR) says how much more likely a test result is in people with the condition than in
people without it. Starting from the probability before the test (the *pre-test* probability, from the
clinic's population or the history), the probability after the result is

    post-test odds = pre-test odds × LR,   odds = p / (1 − p),   p = odds / (1 + odds).

An LR of 1 changes nothing; a positive result with LR 4 raises the odds fourfold; a negative result with
LR 0.18 lowers them to about a fifth.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from spinelab.course import wording
from spinelab.course.validation import check_number


def _probability(name: str, value: object) -> float:
    """A probability strictly between 0 and 1 (:func:`spinelab.course.validation.check_number`)."""
    return check_number(name, value, 0.0, 1.0, low_open=True, high_open=True)


def _ratio(name: str, value: object) -> float:
    """A finite ratio greater than 0."""
    return check_number(name, value, 0.0, low_open=True)


def _logistic(log_odds: float) -> float:
    """The probability of these log-odds, without overflow: 0 <= result <= 1, never NaN."""
    if log_odds >= 0.0:
        return 1.0 / (1.0 + math.exp(-log_odds))
    small = math.exp(log_odds)
    return small / (1.0 + small)


def odds(probability: float) -> float:
    """Odds ``p / (1 − p)`` of a probability strictly between 0 and 1.

    Raises
    ------
    ValueError
        If ``probability`` is not strictly between 0 and 1.
    """
    p = _probability("probability", probability)
    return p / (1.0 - p)


def probability_from_odds(value: float) -> float:
    """Probability ``o / (1 + o)`` of odds greater than 0.

    Raises
    ------
    ValueError
        If ``value`` (the odds) is not a finite number greater than 0.
    """
    return _logistic(math.log(_ratio("odds", value)))


def post_test_probability(pre_test: float, likelihood_ratio: float) -> float:
    """The probability of the condition after a test result, by Bayes' rule in odds form.

    Parameters
    ----------
    pre_test : float
        Probability of the condition before the test, strictly between 0 and 1.
    likelihood_ratio : float
        The likelihood ratio of the result obtained (the +LR for a positive result, the −LR for a
        negative one); greater than 0.

    Returns
    -------
    float
        The post-test probability, from 0 to 1: computed in log-odds, so it is never NaN; it is exactly 0 or 1
        only when the true value is closer to it than a float can tell apart (a likelihood ratio near 1e308, say).

    Raises
    ------
    ValueError
        Naming ``pre_test`` if it is not strictly between 0 and 1, or ``likelihood_ratio`` if it is not
        greater than 0.

    Examples
    --------
    >>> round(post_test_probability(0.30, 4.0), 3)
    0.632
    """
    p = _probability("pre_test", pre_test)
    ratio = _ratio("likelihood_ratio", likelihood_ratio)
    return _logistic(math.log(p) - math.log1p(-p) + math.log(ratio))


def likelihood_ratios(sensitivity: float, specificity: float) -> tuple[float, float]:
    """The (+LR, −LR) of a test: ``sens / (1 − spec)`` and ``(1 − sens) / spec``.

    Raises
    ------
    ValueError
        Naming ``sensitivity`` or ``specificity`` if it is not strictly between 0 and 1.
    """
    sens = _probability("sensitivity", sensitivity)
    spec = _probability("specificity", specificity)
    return sens / (1.0 - spec), (1.0 - sens) / spec


@dataclass(frozen=True)
class PostTest:
    """A worked post-test calculation, with the sentence a student can check by hand."""

    pre_test: float
    likelihood_ratio: float
    result: str
    target: str

    @property
    def post_test(self) -> float:
        """The post-test probability."""
        return post_test_probability(self.pre_test, self.likelihood_ratio)

    def sentence(self) -> str:
        """The calculation step by step, in words."""
        pre_odds = odds(self.pre_test)
        return wording.phrase("post_test", "sentence", target=self.target, pre_test=f"{self.pre_test:.0%}",
                              pre_odds=f"{pre_odds:.2f}", result=self.result, ratio=f"{self.likelihood_ratio:g}",
                              post_odds=f"{pre_odds * self.likelihood_ratio:.2f}", post_test=f"{self.post_test:.0%}")
