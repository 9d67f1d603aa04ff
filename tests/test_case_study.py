from importlib import resources

import pytest

from spinelab.anatomy import muscles
from spinelab.clinic import case_study as cs
from spinelab.clinic import red_flags
from spinelab.clinic.case_steps import LayerStep
from spinelab.course import quiz, references

# ------------------------------------------------------------------ the patient

def test_vignettes_load_with_known_flags():
    ids = [item.id for item in cs.vignettes()]
    assert ids == ["warehouse"]
    for item in cs.vignettes():
        assert all(red_flags.flag(name).name == name for name in item.red_flags)
        assert item.painful_side in cs.SIDES and "\n" not in item.history


def test_the_layer_step_names_the_warehouse_workers_painful_side_and_level():
    patient = cs.vignette("warehouse")
    assert (patient.painful_side, patient.painful_level) == ("right", "about L4-L5")
    assert "(pain: right side, about L4-L5)" in LayerStep("warehouse").step.widget.children[3].value


def test_the_step_displays_itself_and_shows_only_the_question_in_static_mode(monkeypatch):
    assert "application/vnd.jupyter.widget-view+json" in LayerStep()._repr_mimebundle_()
    monkeypatch.setenv("SPINELAB_STATIC", "1")
    layers = LayerStep()._repr_mimebundle_()
    assert set(layers) == {"text/markdown", "text/plain"}
    assert layers["text/plain"].startswith("[Step: guarding and inhibition]")
    assert "Erector spinae" in layers["text/markdown"] and "working hypothesis" not in layers["text/markdown"]


def test_the_reference_keys_are_every_source_the_feedback_cites(monkeypatch):
    cited = set()
    cite = references.cite
    monkeypatch.setattr(references, "cite", lambda *keys: cited.update(keys) or cite(*keys))
    for option in cs.guarding_options():
        cs.guarding_feedback(option)
    for option in cs.layer_options():
        cs.inhibited_feedback(option)
    cs.where_feedback(cs.where_options()[0])
    keys = cs.citation_keys()
    assert len(keys) == len(set(keys)) and cited == set(keys)
    assert {"vandieen2003", "hodgestucker2011", "hodges2013", "hides1994", "hodges2006", "bogduk1980"} <= set(keys)


@pytest.mark.parametrize("text, message", [
    ('[[vignette]]\nid = "x"\ntitle = "X"\nhistory = "h"\nexamination = "e"\nred_flags = ["sore toe"]\n'
     'painful_side = "left"\npainful_level = "L5"\n', "flag must be one of"),
    ('[[vignette]]\nid = "x"\ntitle = ""\nhistory = "h"\nexamination = "e"\nred_flags = []\n'
     'painful_side = "left"\npainful_level = "L5"\n', "field 'title'"),
    ('[[vignette]]\nid = "x"\ntitle = "X"\nhistory = "h"\nexamination = "e"\nred_flags = []\n'
     'painful_side = "middle"\npainful_level = "L5"\n', "painful_side"),
])
def test_bad_vignette_data_is_refused_naming_the_field(text, message):
    with pytest.raises(ValueError, match=message):
        cs.parse(text)


def test_unknown_vignette_names_the_parameter():
    with pytest.raises(ValueError, match="vignette_id must be one of warehouse"):
        cs.vignette("nobody")


# ------------------------------------------------------------------ step 2: layers

def test_layer_step_reads_guarding_as_a_hypothesis_and_grades_no_muscle_as_the_splint():
    layers = LayerStep()
    assert layers.check() == {"guarding": None, "inhibited": None, "where": None}
    layers.choose(cs.guarding_answer(), "multifidus", cs.where_options()[0])
    assert layers.check() == {"guarding": True, "inhibited": True, "where": True}
    text = layers.step.feedback.value
    assert "working hypothesis" in text and "differs between people" in text
    assert "Hodges &amp; Tucker 2011" in text and "Hodges et al. 2013" in text and "van Dieën et al. 2003" in text
    assert "Hides et al. 1994" in text and "Hodges et al. 2006" in text
    assert "erector spinae aponeurosis" in text and "Bogduk 1980" in text
    # One framing: the feedback never names a muscle as the splint the course expects.
    every = " ".join(cs.guarding_feedback(option)[1] + cs.inhibited_feedback(muscle)[1]
                     for option in cs.guarding_options() for muscle in cs.layer_options())
    assert "the splint" not in every.replace("no one muscle is the splint", "")
    assert "expect it tight" not in every and "splint the painful segment:" not in every
    # The fibres felt beside L4-L5 are the lumbar parts (local); the thoracic parts are tendon there (global).
    assert {muscles.get(part).bergmark for part in cs.ERECTOR_SPINAE_PARTS[:2]} == {"local"}
    assert {muscles.get(part).bergmark for part in cs.ERECTOR_SPINAE_PARTS[2:]} == {"global"}
    assert all("aponeurosis" in muscles.get(part).insertion for part in cs.ERECTOR_SPINAE_PARTS[2:])


def test_layer_step_explains_wrong_answers_with_their_evidence_and_muscle_facts():
    layers = LayerStep()
    spasm, splint = cs.guarding_options()[0], cs.guarding_options()[1]
    layers.choose(splint, cs.ERECTOR_SPINAE, cs.where_options()[1])
    assert layers.check() == {"guarding": False, "inhibited": False, "where": False}
    feedback = layers.step.feedback.value
    assert "smaller at the painful level" in feedback and "Hides et al. 1994" in feedback
    assert "commonly summarised" in feedback and "Bergmark class" not in feedback
    assert "crosses 2-5 joints" in feedback
    assert "not well supported" in cs.guarding_feedback(spasm)[1]
    assert "no injury at all" in cs.guarding_feedback(cs.guarding_options()[3])[1]
    assert [cs.guarding_feedback(option)[0] for option in cs.guarding_options()].count(True) == 1
    for option in cs.layer_options():
        assert cs.inhibited_feedback(option)[0] == (option == "multifidus")
    assert [name for _label, name in LayerStep().inhibited.options[1:]] == list(cs.layer_options())
    assert list(LayerStep().guarding.options) == list(cs.guarding_options())
    assert cs.option_name(cs.ERECTOR_SPINAE) == "Erector spinae (lumbar and thoracic fibres)"
    with pytest.raises(ValueError, match="muscle_id must be one of"):
        cs.inhibited_feedback("longissimus_thoracis_thoracic")
    with pytest.raises(ValueError, match="answer must be one of"):
        cs.guarding_feedback(cs.ERECTOR_SPINAE)


def test_the_guarding_answer_is_not_cued_by_position_or_length():
    lengths = sorted(len(option) for option in cs.guarding_options())
    assert len(cs.guarding_answer()) not in (lengths[0], lengths[-1])
    assert cs.guarding_options().index(cs.guarding_answer()) not in (0, len(cs.guarding_options()) - 1)


def test_layer_step_refuses_unknown_answers():
    with pytest.raises(ValueError, match="guarding must be one of"):
        LayerStep().choose(cs.ERECTOR_SPINAE, "multifidus", cs.where_options()[0])
    with pytest.raises(ValueError, match="inhibited_muscle must be one of"):
        LayerStep().choose(cs.guarding_answer(), "biceps", cs.where_options()[0])
    with pytest.raises(ValueError, match="answer must be one of"):
        cs.where_feedback("everywhere")


def test_self_check_is_complete_for_the_answer_key():
    check = quiz.load("06_case_studies")
    assert len(check.questions) >= 3 and {e.id for e in check.exercises} == {"follow-up"}
    assert all(question.citations for question in check.questions)


# ------------------------------------------------------------------ the step's words are data

LAYER_STEP = (resources.files("spinelab") / "data" / "layer_step.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("old", "new", "message"), [
    ('text = "Her muscles work differently, thought to protect the area; which ones change differs by person"\n'
     'best = true', 'text = "Her muscles work differently, thought to protect the area; which ones change differs by '
     'person"', r"^x\.toml: guarding: exactly one answer must have best = true; got 0"),
    ('[[where.answer]]\ntext = "on the side opposite the pain"', '[[where.answer]]\ntext = "on the side opposite the '
     'pain"\nbest = true', r"^x\.toml: where: exactly one answer must have best = true; got 2"),
    ('muscle = "quadratus_lumborum"', 'muscle = "biceps"', r"^x\.toml: inhibited answer 3: field 'muscle': "),
    ('muscle = "quadratus_lumborum"\nwhy = "It is local like multifidus, but the studies behind this case measured '
     'multifidus."', 'muscle = "quadratus_lumborum"', r"^x\.toml: inhibited answer 3: an answer that is not the best "
                                                       r"needs field 'why'"),
    ('sources = ["vandieen2003"]', 'sources = ["nobody2099"]', r"^x\.toml: guarding answer 1: field 'sources'"),
    ("lesion with no change on the other side {citation}.", "lesion with no change on the other side.",
     r"^x\.toml: where: field 'explanation' must use the placeholders \{citation\}; it uses none"),
    ("(pain: {side} side, {level})", "(pain: {side} side)",
     r"^x\.toml: step: field 'where_question' must use the placeholders \{level\}, \{side\}; it uses side"),
])
def test_the_layer_step_data_is_checked_naming_the_file_the_question_and_the_field(old, new, message):
    assert old in LAYER_STEP
    with pytest.raises(ValueError, match=message):
        cs.parse_layer_step(LAYER_STEP.replace(old, new, 1), "x.toml")


def test_the_answers_and_their_grades_come_from_the_data():
    edited = LAYER_STEP.replace('text = "on the side opposite the pain"',
                                'text = "on the side opposite the pain, where it hurts less"')
    step = cs.parse_layer_step(edited, "x.toml")
    assert step.where.options[-1] == "on the side opposite the pain, where it hurts less"
    assert step.where.best == cs.where_answer() == "on the painful side, at the painful level"
    assert [answer.best for answer in step.inhibited.answers].count(True) == 1
