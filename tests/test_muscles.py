import json
from pathlib import Path

import pytest

from spinelab.anatomy import muscles
from spinelab.course import references

ROW = """
[[muscle]]
id = "multifidus"
name = "Lumbar multifidus"
label = "Multifidus"
layer = "deep"
bergmark = "local"
bergmark_note = "Attaches to the lumbar vertebrae."
origin = "Laminae and spinous processes of L1-L5"
insertion = "Mammillary processes two to five levels below"
innervation = "Medial branches of the lumbar dorsal rami"
actions = "Extends the lumbar spine"
role = "both"
segments = [2, 5]
segments_note = "Per fascicle."
lumbar_attachment = "direct"
citations = ["macintosh1986"]

[[structure]]
id = "thoracolumbar_fascia"
name = "Thoracolumbar fascia"
description = "Layers of fascia."
citations = ["willard2012"]
"""


def test_a_valid_row_parses_into_a_muscle():
    catalogue = muscles.parse(ROW)
    muscle = catalogue.muscles[0]
    assert (muscle.id, muscle.layer, muscle.segments, muscle.lumbar_attachment) == ("multifidus", "deep", (2, 5),
                                                                                     "direct")
    assert muscle.segments_text == "2-5"
    assert catalogue.structures[0].name == "Thoracolumbar fascia"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (('layer = "deep"', 'layer = "middle"'), "layer"),
        (('bergmark = "local"', 'bergmark = "semi-local"'), "bergmark"),
        (('role = "both"', 'role = "helper"'), "role"),
        (('innervation = "Medial branches of the lumbar dorsal rami"\n', ""), "innervation"),
        (('origin = "Laminae and spinous processes of L1-L5"', 'origin = ""'), "origin"),
        (("segments = [2, 5]", "segments = [5, 2]"), "segments"),
        (("segments = [2, 5]", "segments = [2, 40]"), "segments"),
        (("segments = [2, 5]", 'segments = "two to five"'), "segments"),
        (('lumbar_attachment = "direct"', 'lumbar_attachment = "yes"'), "lumbar_attachment"),
        (('lumbar_attachment = "direct"', 'lumbar_attachment = "none"'), "bergmark"),
        (('citations = ["macintosh1986"]', 'citations = ["macintosh1986"]\nverified = ""'), "verified"),
        (('citations = ["macintosh1986"]', 'citations = ["nobody1999"]'), "citations"),
        (('citations = ["macintosh1986"]', "citations = []"), "citations"),
    ],
)
def test_a_malformed_row_raises_naming_the_muscle_and_the_field(change, field):
    with pytest.raises(ValueError, match=rf"^data/muscles\.toml: muscle 1 \('multifidus'\): field '{field}'"):
        muscles.parse(ROW.replace(*change))


def test_unknown_fields_and_duplicate_ids_are_rejected():
    with pytest.raises(ValueError, match=r"multifidus'\): unknown field\(s\) colour; known: id, name"):
        muscles.parse(ROW.replace('role = "both"', 'role = "both"\ncolour = "red"'))
    with pytest.raises(ValueError, match=r"^data/muscles\.toml: id 'multifidus' is used by more than one row"):
        muscles.parse(ROW.replace('id = "thoracolumbar_fascia"', 'id = "multifidus"'))


def test_the_shipped_data_has_every_muscle_the_course_names():
    wanted = {"trapezius", "latissimus_dorsi", "rhomboids", "levator_scapulae", "serratus_posterior_inferior",
              "iliocostalis_lumborum_lumbar", "iliocostalis_lumborum_thoracic", "longissimus_thoracis_lumbar",
              "longissimus_thoracis_thoracic", "spinalis", "semispinalis", "multifidus", "rotatores",
              "interspinales", "intertransversarii_mediales", "intertransversarii_laterales",
              "quadratus_lumborum", "psoas_major", "transversus_abdominis",
              "internal_oblique", "external_oblique", "rectus_abdominis"}
    assert wanted == set(muscles.ids())
    assert muscles.structure("thoracolumbar_fascia").citations == ("willard2012",)


def test_every_citation_of_every_muscle_and_structure_resolves():
    for item in (*muscles.load(), *muscles.catalogue().structures):
        assert item.citations, item.id
        for key in item.citations:
            assert references.get(key).key == key
        assert item.cite().startswith("(")


def test_multifidus_is_the_deep_local_segmental_muscle_and_latissimus_the_superficial_one():
    multifidus, latissimus = muscles.get("multifidus"), muscles.get("latissimus_dorsi")
    assert (multifidus.layer, multifidus.bergmark, multifidus.segments) == ("deep", "local", (2, 5))
    assert "medial branch" in multifidus.innervation.lower()
    assert (latissimus.layer, latissimus.role) == ("superficial", "mover")
    assert "humerus" in latissimus.insertion
    assert latissimus.segments[1] > multifidus.segments[1]


def test_layers_partition_the_muscles():
    assert sum(len(muscles.by_layer(layer)) for layer in muscles.LAYERS) == len(muscles.load())
    assert {m.id for m in muscles.by_layer("intermediate")} == {"serratus_posterior_inferior"}
    local = {m.id for m in muscles.load() if m.bergmark == "local"}
    assert {"multifidus", "interspinales", "longissimus_thoracis_lumbar"} <= local
    assert "longissimus_thoracis_thoracic" not in local


def test_the_classification_follows_lumbar_attachment_for_every_muscle():
    for muscle in muscles.load():
        if muscle.bergmark == "local":
            expected = "through fascia" if muscle.id == "transversus_abdominis" else "direct"
            assert muscle.lumbar_attachment == expected, muscle.id
        if muscle.bergmark == "global":
            assert muscle.lumbar_attachment != "direct", muscle.id
    assert all(muscles.class_fits_attachment(m.id, m.bergmark, m.lumbar_attachment) for m in muscles.load())
    assert not muscles.class_fits_attachment("internal_oblique", "local", "through fascia")


def test_every_muscle_attached_directly_to_the_lumbar_vertebrae_is_local_unless_the_usual_summary_leaves_it_out():
    direct = {m.id: m.bergmark for m in muscles.load() if m.lumbar_attachment == "direct"}
    assert {"spinalis", "multifidus", "psoas_major"} <= set(direct)
    assert {muscle_id for muscle_id, bergmark in direct.items() if bergmark != "local"} == \
        set(muscles.UNCLASSIFIED_DIRECT) == {"psoas_major", "spinalis"}
    assert muscles.class_fits_attachment("spinalis", "not classified", "direct")
    assert not muscles.class_fits_attachment("multifidus", "not classified", "direct")
    assert muscles.class_fits_attachment("rotatores", "not classified", "none")


def test_muscles_the_usual_lists_do_not_name_are_left_unclassified_not_placed_by_guesswork():
    for muscle_id in ("spinalis", "serratus_posterior_inferior"):
        muscle = muscles.get(muscle_id)
        assert muscle.bergmark == "not classified" and "guesswork" in muscle.bergmark_note
    # Serratus posterior inferior arises through an aponeurosis blended with the fascia, like latissimus dorsi.
    assert muscles.get("serratus_posterior_inferior").lumbar_attachment == "through fascia" == \
        muscles.get("latissimus_dorsi").lumbar_attachment
    assert "unclassified" in muscles.get("longissimus_thoracis_thoracic").bergmark_note
    assert "femur" not in muscles.get("psoas_major").bergmark_note  # no reason of the course's own


def test_a_muscle_attached_directly_but_left_unclassified_fails_to_load():
    row = ROW.replace('bergmark = "local"', 'bergmark = "not classified"')
    with pytest.raises(ValueError, match=r"multifidus'\): field 'bergmark' is 'not classified'.*psoas"):
        muscles.parse(row)
    assert muscles.get("longissimus_thoracis_thoracic").lumbar_attachment == "some fascicles"


def test_a_global_muscle_with_a_direct_lumbar_attachment_fails_to_load():
    row = ROW.replace('bergmark = "local"', 'bergmark = "global"')
    with pytest.raises(ValueError, match=r"multifidus'\): field 'bergmark' is 'global'.*'direct'"):
        muscles.parse(row)


def test_lateral_intertransversarii_are_supplied_by_ventral_rami_and_medial_ones_by_dorsal_rami():
    lateral, medial = muscles.get("intertransversarii_laterales"), muscles.get("intertransversarii_mediales")
    assert "ventral rami" in lateral.innervation.lower() and "dorsal" not in lateral.innervation.lower()
    assert "dorsal ramus" in medial.innervation.lower() and "ventral" not in medial.innervation.lower()
    assert (lateral.layer, medial.layer) == ("abdominal wall", "deep")
    for muscle in muscles.by_layer("deep"):
        assert "ventral" not in muscle.innervation.lower(), muscle.id


def test_thoracic_longissimus_ends_on_lumbar_spinous_processes_and_the_sacrum_and_is_not_given_a_joint_range():
    muscle = muscles.get("longissimus_thoracis_thoracic")
    assert "upper thoracic fascicles end on lumbar spinous processes" in muscle.insertion
    assert "lower thoracic fascicles on the sacrum" in muscle.insertion
    assert muscle.segments is None and "T12 to the sacrum" in muscle.segments_note


COURSE_VOICE = ("could not be opened", "could not find", "we could not", "not verified", "was not read",
                "were not read", "while this notebook was written", "as reported in", "textbook summary",
                "we read", "not measured")


def test_student_facing_muscle_fields_talk_about_the_science_not_the_course():
    for muscle in muscles.load():
        shown = (muscle.bergmark_note, muscle.origin, muscle.insertion, muscle.innervation, muscle.actions,
                 muscle.segments_note)
        for text in shown:
            assert not any(phrase in text.lower() for phrase in COURSE_VOICE), (muscle.id, text)


def test_bad_lookups_say_what_is_allowed():
    with pytest.raises(KeyError, match="did you mean multifidus"):
        muscles.get("multifidis")
    with pytest.raises(ValueError, match="layer must be one of superficial"):
        muscles.by_layer("outer")


def test_text_summaries_name_layers_and_sources():
    table = muscles.layer_table()
    assert "superficial: Trapezius, Latissimus dorsi" in table
    text = muscles.compare("latissimus_dorsi", "multifidus")
    assert "joints crossed: 11" in text and "joints crossed: 2-5" in text
    assert "lumbar vertebrae: reaches them only through the thoracolumbar fascia" in text
    assert "Macintosh et al. 1986" in text


def test_counted_muscles_are_sorted_by_their_longest_fascicle():
    counted = muscles.counted()
    longest = [m.segments[1] for m in counted]
    assert longest == sorted(longest)
    assert {m.id for m in muscles.load()} - {m.id for m in counted} == {
        "trapezius", "rhomboids", "levator_scapulae", "serratus_posterior_inferior", "longissimus_thoracis_thoracic"}
    table = muscles.segments_table().splitlines()
    assert table[0].startswith("muscle") and len(table) == len(muscles.load()) + 1
    assert any(line.startswith("Multifidus") and "2-5" in line and "local" in line for line in table)
    classes = [next(c for c in muscles.BERGMARK_CLASSES if c in line) for line in table[1:]]
    assert classes == sorted(classes, key=muscles.BERGMARK_CLASSES.index)


def test_notebook_01_text_and_outputs_talk_about_the_science_not_the_course():
    notebook = json.loads((Path(__file__).parents[1] / "notebooks" / "01_muscle_layers.ipynb").read_text("utf-8"))
    shown = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            shown.append("".join(cell["source"]))
        for output in cell.get("outputs", []):
            shown.append("".join(output.get("text", "")))
            shown.extend("".join(value) for value in output.get("data", {}).values() if isinstance(value, (str, list)))
    text = "\n".join(shown).lower()
    assert not [phrase for phrase in COURSE_VOICE if phrase in text]
    assert "1-2 joints" not in text and "ventral rami" in text
