from pathlib import Path

from test_cases import fixture_case

from spinelab.anatomy import muscle_sort, muscles
from spinelab.clinic import case_study, cases
from spinelab.course import quiz
from spinelab.publish import instructor
from spinelab.publish.notebooks import course_notebooks

ROOT = Path(__file__).resolve().parents[1]


def test_answer_key_has_every_answer_and_solution():
    text = instructor.answers_markdown()
    for name in quiz.available():
        check = quiz.load(name)
        for question in check.questions:
            assert f"{question.answer_text()}\n" in text and question.prompt in text
            if question.vignette:
                assert f"*Case.* {question.vignette}" in text
        for exercise in check.exercises:
            assert exercise.solution in text


def test_answer_key_covers_every_kind_of_question(monkeypatch, selfcheck):
    check = selfcheck
    monkeypatch.setattr(quiz, "available", lambda: ["test"])
    monkeypatch.setattr(quiz, "load", lambda name: check)
    text = instructor.answers_markdown()
    assert "- `layers`: Tell the deep from the superficial back muscles." in text
    assert "- **Answer:** Multifidus\n" in text and "- **Answer:** False\n" in text
    assert "- **Answer (select all that apply):** Multifidus; Rotatores\n" in text
    assert "- **Answer (numeric):** 4 weeks (± 0.5 weeks)\n" in text
    assert "- **Misconception behind 10 weeks:** The follow-up is the treatment." in text
    assert "- **Misconception behind Trapezius:** Big muscles are deep." in text
    assert "*Case.* A 32-year-old warehouse worker" in text and "- **Objectives:** layers" in text
    assert "**Solution.** The **answer**." in text


def test_answer_key_shows_each_notebooks_bloom_levels(monkeypatch, selfcheck_toml):
    text = selfcheck_toml.replace('bloom = "understand"', 'bloom = "evaluate"\nnovel_data = true', 1)
    check = quiz.parse("test", text)
    monkeypatch.setattr(quiz, "available", lambda: ["test"])
    monkeypatch.setattr(quiz, "load", lambda name: check)
    text = instructor.answers_markdown()
    header = ("| Notebook | remember | understand | apply | analyse | evaluate | create | Apply or above "
              "| New case or data |")
    assert header in text
    assert "| test | 0 | 3 | 0 | 0 | 1 | 0 | 1 (25%) | 1 |" in text
    assert "- **Level (Bloom):** evaluate; gives a new case or data set to interpret\n" in text
    assert "- **Level (Bloom):** understand\n" in text


def test_answer_key_has_the_sorter_and_the_layer_step():
    text = instructor.answers_markdown()
    for muscle_id in muscle_sort.DEFAULT_MUSCLES:
        assert f"{muscles.get(muscle_id).label}: **{muscles.get(muscle_id).layer}**" in text
    guarding = case_study.guarding_answer()
    assert f"- **Guarding:** {guarding}. {case_study.guarding_feedback(guarding)[1]}" in text
    assert case_study.where_feedback(case_study.where_answer())[1] in text


def test_answer_key_covers_every_decision_of_every_case(monkeypatch):
    monkeypatch.setattr(cases, "cases", lambda: (fixture_case(),))
    lines = instructor._case_lines(fixture_case())
    text = "\n".join(lines)
    assert "**Best path:** `first-visit` → `risk` → `rule` → `recovered` → `good-ending`." in text
    assert ("**Figures:** 4 decisions, 3 of them branching (a choice leads somewhere the best choice does not); 4 "
            "distinct routes from the start to an ending, 0 of them recovering through a consequence to a good ending; "
            "1 step(s) with two defensible choices.") in text
    assert "**State (facts a choice sets):** `promised` (set at `rule`)." in lines
    assert ("- **Best choice**: Screen for red flags before anything else → `risk` (Stratify). *Feedback:* Screening "
            "comes first. (Finucane et al. 2020)") in lines
    assert ("- **Unhelpful**: Go back to the start → `first-visit` (Day 2: first visit). *Feedback:* A loop back. "
            "(Hill et al. 2011)") in lines
    assert ("- **Harmful**: Promise it will never come back → `recovered` (Recovered). *Sets* `promised`. "
            "*Feedback:* No one can promise that. (da Silva et al. 2019)") in lines
    assert "- **Best choice**: Take back the promise → `good-ending` (A good course). *Shown if `promised`.* " in text
    assert "  - *Feedback if `promised`:* The promise was yours to take back." in lines
    assert "- *Text if `promised`:* She reminds you of your promise." in lines
    assert "  - *If `promised`:* She knows now that nobody can promise it." in lines
    assert ("- **Ending `missed-screen`: A misstep** (a misstep). Care went ahead without its basis. "
            "(Finucane et al. 2020)") in lines
    grades = tuple(f"- **{label}**" for label in map(cases.grade_label, cases.GRADES))
    assert sum(line.startswith(grades) for line in lines) == 10
    assert "**Step `rule`: The prediction rule.** What now?" in lines
    assert any(line.startswith("- *Tool (post_test):*") and "after the test 63%" in line for line in lines)
    assert "### 06_case_studies: case 'The fixture patient'" in instructor.answers_markdown()


def test_answer_key_has_every_shipped_case_and_each_choice_with_its_grade():
    text = instructor.answers_markdown()
    for case in cases.cases():
        assert f"case '{case.title}' (`{case.source}`)" in text
        assert f"`figures/06_case_map_{case.id}.svg`" in text
        for node in case.nodes.values():
            for choice in node.choices:
                assert f"- **{cases.grade_label(choice.grade)}**: {choice.label} → `{choice.next}`" in text


def test_committed_answer_key_is_current():
    committed = (ROOT / "docs" / "answers.md").read_text(encoding="utf-8")
    assert committed == instructor.answers_markdown(), "docs/answers.md is stale: run make guide"


def test_guide_covers_every_notebook_and_links_the_answer_key():
    guide = (ROOT / "docs" / "instructor_guide.md").read_text(encoding="utf-8")
    for notebook in course_notebooks():
        number = notebook.stem.split("_")[0]
        assert f"| {number} " in guide, f"notebook {number} needs its outcomes in the guide"
        assert f"| `{notebook.stem}` |" in guide, f"notebook {number} needs a step in the kit's self-study route"
    assert "(answers.md)" in guide
    for command in ("make present", "make slides", "make figures"):
        assert command in guide
