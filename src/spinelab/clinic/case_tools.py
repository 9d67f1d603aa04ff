"""The tools of notebook 06's branching cases: a course module whose result a step shows.

A tool reuses a module of the course (:func:`tool_result`): the red-flag triage, the STarT Back Tool, a bedside
test's likelihood ratio, or study values; :func:`tool_keys` gives the sources its result cites. Pure Python.
"""

from __future__ import annotations

from dataclasses import dataclass

from spinelab.clinic import red_flags, start_back
from spinelab.course import references, wording
from spinelab.course.text import MarkdownText
from spinelab.multifidus import bedside, post_test, studies

TOOL_KINDS = ("red_flags", "start_back", "post_test", "evidence")


@dataclass(frozen=True)
class Tool:
    """A course module shown at a node: its kind and the inputs of that kind (see :func:`tool_result`)."""

    kind: str
    flags: tuple[str, ...] = ()
    answers: tuple[bool, ...] = ()
    test: str = ""
    pre_test: float = 0.0
    result: str = ""
    values: tuple[str, ...] = ()
    #: "before": the result is part of the step; "after": it comes with the feedback, so that it cannot give the
    #: answer away (a screen whose level names the action, say).
    shown: str = "before"


def _likelihood_ratio(tool: Tool) -> bedside.Figure:
    found = bedside.test(tool.test)
    ratios = [figure for figure in found.figures if figure.kind in bedside.LIKELIHOOD_RATIOS]
    for figure in ratios:
        if figure.result == tool.result:
            return figure
    results = ", ".join(str(figure.result) for figure in ratios) or "none"
    raise ValueError(f"result must be one for which test {tool.test!r} has a likelihood ratio ({results}); "
                     f"got {tool.result!r}")


def tool_keys(tool: Tool) -> tuple[str, ...]:
    """The sources a tool's result cites.

    Raises
    ------
    ValueError
        As :func:`tool_result`, for inputs its module refuses.
    """
    if tool.kind == "red_flags":
        result = red_flags.screen(tool.flags)
        return tuple(dict.fromkeys([red_flags.FRAMEWORK_KEY, *red_flags.level(result.level).sources,
                                    *(key for item in result.flags for key in item.sources)]))
    if tool.kind == "start_back":
        return tuple(dict.fromkeys([*start_back.tool().sources,
                                    *start_back.stratum(start_back.stratify(tool.answers)).sources]))
    if tool.kind == "post_test":
        return (_likelihood_ratio(tool).source,)
    if tool.kind == "evidence":
        return tuple(dict.fromkeys(studies.value(value_id).study for value_id in tool.values))
    raise ValueError(f"kind must be one of {', '.join(TOOL_KINDS)}; got {tool.kind!r}")


def tool_result(tool: Tool) -> MarkdownText:
    """A tool's result, computed by the course's own module (Markdown with citations).

    - ``red_flags``: the triage level, action and reasons (:func:`spinelab.clinic.red_flags.screen`);
    - ``start_back``: the score, the risk group and what is offered (:mod:`spinelab.clinic.start_back`);
    - ``post_test``: the probability after the test's result, from its likelihood ratio
      (:mod:`spinelab.multifidus.bedside`, :func:`spinelab.multifidus.post_test.post_test_probability`);
    - ``evidence``: study values with their citation (:func:`spinelab.multifidus.studies.value`).

    Raises
    ------
    ValueError
        If the tool's inputs are not valid for its module (unknown flag, test, result or value id, wrong answers).
    """
    if tool.kind == "red_flags":
        result = red_flags.screen(tool.flags)
        ticked = ", ".join(item.name for item in result.flags) or "none"
        return MarkdownText(f"**Red-flag screen** (flags found: {ticked}). {result.message} "
                            f"*Safety-netting:* {result.safety_netting}\n\n*{red_flags.DISCLAIMER}*")
    if tool.kind == "start_back":
        scores = start_back.score(tool.answers)
        return MarkdownText(wording.phrase(
            "case_tools", "start_back", citation=references.cite(*start_back.tool().sources), overall=scores.overall,
            items=start_back.ITEM_COUNT, distress=scores.distress, distress_items=len(start_back.DISTRESS_ITEMS),
            stratum=scores.stratum, offer=start_back.offer(scores.stratum)))
    if tool.kind == "post_test":
        figure = _likelihood_ratio(tool)
        worked = post_test.PostTest(tool.pre_test, figure.value, tool.result, str(figure.target))
        return MarkdownText(f"**{bedside.test(tool.test).name}, {tool.result}.** {worked.sentence()} "
                            f"From the study: {figure.sentence()}.")
    if tool.kind == "evidence":
        lines = [_value_line(studies.value(value_id)) for value_id in tool.values]
        return MarkdownText("**The evidence.**\n\n" + "\n".join(f"- {line}" for line in lines))
    raise ValueError(f"kind must be one of {', '.join(TOOL_KINDS)}; got {tool.kind!r}")


def _value_line(item: studies.Value) -> str:
    context = [item.group] if item.group else []
    if item.period is not None and item.time_unit:
        start, end = item.period
        unit, _, rest = item.time_unit.partition(" ")
        when = f"{start:g}" if start == end else f"within {end:g}" if start == 0 else f"{start:g}–{end:g}"
        context.append(" ".join(filter(None, [when, unit.removesuffix("s") if when == "1" else unit, rest])))
    where = f" ({', '.join(context)})" if context else ""
    unit = f" {item.unit}" if item.unit and item.unit not in item.quantity else ""
    interval = f" (95 % CI {item.ci[0]:g} to {item.ci[1]:g})" if item.ci else ""
    return f"{item.quantity}{where}: {item.value:g}{unit}{interval} {references.cite(item.study)}"


