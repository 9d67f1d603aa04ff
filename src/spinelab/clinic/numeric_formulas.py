"""The formulas that grade parameterised numeric items, and the misconceptions an item can recognise.

Every formula reuses the package's own calculation (ARR and NNT from :mod:`spinelab.multifidus.recurrence`, Bayes'
rule from :mod:`spinelab.multifidus.post_test`, the asymmetry from :mod:`spinelab.multifidus.ultrasound`, the STarT
Back scores from :mod:`spinelab.clinic.start_back`) and carries the same formula written for an LMS
(:attr:`Formula.expression`, Moodle's ``{name}`` syntax). A misconception computes the value a wrong method gives, for
:mod:`spinelab.clinic.numeric_items` to recognise in a student's answer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from spinelab.clinic import start_back
from spinelab.multifidus import post_test, recurrence, ultrasound

#: STarT Back items 1-8 (agree = 1) and item 9 (0-4: its five answers in order).
_START_BACK_ITEMS = tuple(f"i{number}" for number in range(1, 10))


@dataclass(frozen=True)
class Formula:
    """How an item is graded: the package's calculation and the same formula for an LMS.

    Attributes
    ----------
    id : str
        The name items give in their ``formula`` field.
    variables : tuple of str
        The variables it needs, by name.
    compute : callable
        The answer from the variables' values (a mapping of name to number).
    expression : str
        The formula in Moodle's syntax, variables as ``{name}`` (Canvas: the same without braces).
    decimals : int
        Decimals of the answer as an LMS shows it.
    requires : callable, optional
        Whether values admit an answer (e.g. the treated rate below the control rate); None: any values do.
    requirement : str
        The requirement in words, for the error when values do not meet it.
    """

    id: str
    variables: tuple[str, ...]
    compute: Callable[[Mapping[str, float]], float]
    expression: str
    decimals: int
    requires: Callable[[Mapping[str, float]], bool] | None = None
    requirement: str = ""


def _start_back_scores(values: Mapping[str, float]) -> start_back.Scores:
    """The tool's scores of answers coded 1/0 (items 1-8) and 0-4 (item 9), by the package's scorer."""
    agree = [values[name] == 1 for name in _START_BACK_ITEMS[:8]]
    bothersome = start_back.bothersome(start_back.items()[-1].answers[int(values["i9"])])
    return start_back.score([*agree, bothersome])


def _nnt(values: Mapping[str, float]) -> float:
    return float(recurrence.number_needed_to_treat(values["control"] / 100, values["treated"] / 100))


def _treated_below_control(values: Mapping[str, float]) -> bool:
    return values["treated"] < values["control"]


_BELOW_CONTROL = "treated must be below control (else there is no risk reduction and no NNT)"


_START_BACK_SUM = " + ".join(f"{{{name}}}" for name in _START_BACK_ITEMS[:8])
_DISTRESS_SUM = " + ".join(f"{{{name}}}" for name in _START_BACK_ITEMS[4:8])

#: Every formula an item can name.
FORMULAS: dict[str, Formula] = {formula.id: formula for formula in (
    Formula("arr", ("control", "treated"),
            lambda v: 100 * recurrence.absolute_risk_reduction(v["control"] / 100, v["treated"] / 100),
            "{control} - {treated}", 0, _treated_below_control, _BELOW_CONTROL),
    Formula("nnt", ("control", "treated"), _nnt, "ceil(100 / ({control} - {treated}))", 0,
            _treated_below_control, _BELOW_CONTROL),
    Formula("post_test", ("pre", "lr"), lambda v: 100 * post_test.post_test_probability(v["pre"] / 100, v["lr"]),
            "100 * {pre} * {lr} / ({pre} * {lr} + 100 - {pre})", 1),
    Formula("sensitivity", ("tp", "fn", "fp", "tn"), lambda v: 100 * v["tp"] / (v["tp"] + v["fn"]),
            "100 * {tp} / ({tp} + {fn})", 1),
    Formula("specificity", ("tp", "fn", "fp", "tn"), lambda v: 100 * v["tn"] / (v["tn"] + v["fp"]),
            "100 * {tn} / ({tn} + {fp})", 1),
    Formula("csa_asymmetry", ("left", "right"), lambda v: ultrasound.asymmetry_percent(v["left"], v["right"]),
            "100 * abs({left} - {right}) / max({left}, {right})", 1),
    Formula("start_back_overall", _START_BACK_ITEMS, lambda v: float(_start_back_scores(v).overall),
            f"{_START_BACK_SUM} + floor({{i9}} / 3)", 0),
    Formula("start_back_distress", _START_BACK_ITEMS, lambda v: float(_start_back_scores(v).distress),
            f"{_DISTRESS_SUM} + floor({{i9}} / 3)", 0),
)}


@dataclass(frozen=True)
class Misconception:
    """A wrong method an item can recognise: the value it gives for a draw's numbers.

    Attributes
    ----------
    id : str
        The name items give in a misconception's ``formula`` field.
    formulas : tuple of str
        The ids of the :data:`FORMULAS` whose items it can follow.
    compute : callable
        The wrong value from the variables' values.
    expression : str
        The same in Moodle's syntax, as the answer key shows it.
    """

    id: str
    formulas: tuple[str, ...]
    compute: Callable[[Mapping[str, float]], float]
    expression: str


#: Every misconception an item can name.
MISCONCEPTIONS: dict[str, Misconception] = {misconception.id: misconception for misconception in (
    Misconception("nnt_rounded_down", ("nnt",),
                  lambda v: float(math.floor(round(100 / (v["control"] - v["treated"]), 9))),
                  "floor(100 / ({control} - {treated}))"),
    Misconception("rrr_for_arr", ("arr",), lambda v: 100 * (v["control"] - v["treated"]) / v["control"],
                  "100 * ({control} - {treated}) / {control}"),
    Misconception("arr_as_proportion", ("arr",), lambda v: (v["control"] - v["treated"]) / 100,
                  "({control} - {treated}) / 100"),
    Misconception("ppv_for_sensitivity", ("sensitivity",), lambda v: 100 * v["tp"] / (v["tp"] + v["fp"]),
                  "100 * {tp} / ({tp} + {fp})"),
    Misconception("npv_for_specificity", ("specificity",), lambda v: 100 * v["tn"] / (v["tn"] + v["fn"]),
                  "100 * {tn} / ({tn} + {fn})"),
    Misconception("pre_times_lr", ("post_test",), lambda v: v["pre"] * v["lr"], "{pre} * {lr}"),
)}

