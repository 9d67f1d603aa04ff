"""No answer before the question: a predict-then-reveal exercise is not answered above its widget or in a list
printed before it (issue 22, item 10)."""

from __future__ import annotations

import json
from pathlib import Path

from spinelab.course import references
from spinelab.publish.reading_time import split_details

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def _cells(stem: str) -> list[dict]:
    return json.loads((NOTEBOOKS / f"{stem}.ipynb").read_text(encoding="utf-8"))["cells"]


def _shown(cell: dict) -> str:
    """What a cell shows before anything is opened: Markdown outside <details>, and its stored outputs."""
    if cell["cell_type"] == "markdown":
        return split_details("".join(cell["source"]))[0]
    parts = []
    for output in cell.get("outputs", []):
        parts.append("".join(output.get("text", "")))
        value = output.get("data", {}).get("text/markdown") or output.get("data", {}).get("text/plain", "")
        parts.append("".join(value) if isinstance(value, list) else value)
    return "\n".join(parts)


def _index(cells: list[dict], needle: str) -> int:
    return next(number for number, cell in enumerate(cells) if needle in "".join(cell["source"]))


def test_the_start_notebook_prints_no_title_that_answers_the_prediction_of_notebook_03():
    title = references.get("hides1996").title
    assert "not automatic" in title
    assert not any(title in "".join(cell["source"]) + _shown(cell) for cell in _cells("00_start_here"))


def test_notebook_03_does_not_state_the_result_above_its_predict_then_reveal_widget():
    cells = _cells("03_multifidus_research")
    before = "\n".join(_shown(cell) for cell in cells[:_index(cells, "PredictThenReveal()")])
    for answer in ("does **not** recover", "does not recover", "not automatic", "did not recover"):
        assert answer not in before


def test_notebook_04_answers_each_prediction_only_after_the_widget_that_tests_it():
    cells = _cells("04_measuring_multifidus")
    trainer, calculator = _index(cells, "UltrasoundTrainer(case_number=2)"), _index(cells, "PostTestCalculator(")
    answer = _index(cells, "The answer to the prediction is no")
    assert answer > trainer + 1 and "Check my tracing" in _shown(cells[trainer + 1])
    between = "\n".join(_shown(cell) for cell in cells[trainer + 1:answer]).lower()
    assert "prediction: no" not in between and "prediction is no" not in between
    assert all("18/54" not in "".join(cell["source"]) for cell in cells[:calculator])
    assert any("18/54" in "".join(cell["source"]) for cell in cells[calculator + 1:])


def test_notebook_04_calculator_starts_at_a_likelihood_ratio_of_1_so_it_shows_no_answer_under_the_prediction():
    cells = _cells("04_measuring_multifidus")
    calculator = _index(cells, "PostTestCalculator(")
    shown = _shown(cells[calculator])
    assert "LR 1" in shown or "likelihood ratio 1" in shown
    assert "66%" not in shown and "66 %" not in shown and "× 4" not in shown
