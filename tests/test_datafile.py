"""The data files and their JSON Schemas: every shipped file validates, and every kind of rule breach is named."""

import json
import subprocess
import sys
from importlib import resources

import pytest
from jsonschema import Draft202012Validator

from spinelab.anatomy import muscles
from spinelab.clinic import case_study, red_flags
from spinelab.course import datafile, quiz
from spinelab.guarding import pain_theories, treatments
from spinelab.multifidus import studies

DATA = resources.files("spinelab").joinpath("data")
SHIPPED = sorted([item.name.removesuffix(".toml") for item in DATA.iterdir() if item.name.endswith(".toml")]
                 + [f"selfcheck/{item.name.removesuffix('.toml')}" for item in DATA.joinpath("selfcheck").iterdir()
                    if item.name.endswith(".toml")])
SCHEMAS = sorted(item.name.removesuffix(".schema.json") for item in DATA.joinpath("schemas").iterdir())

REFERENCE = '[a2000]\nauthors = ["A B"]\nyear = 2000\ntitle = "T"\nverified = "v"\njournal = "J"\n'
STUDIES = """[study.hides2001]
title = "t"\ndesign = "d"\nparticipants = "p"\nmeasured = "m"\nfound = "f"\nlimits = "l"\nverified = "v"
how = "reported in the text/abstract"

[[value]]
id = "v1"\nstudy = "hides2001"\nquantity = "recurrence"\ngroup = "control"\nperiod = [0.0, 1.0]
time_unit = "years"\nvalue = 84\nunit = "%"\nhow = "reported in the text/abstract"\nquote = "q"\nverified = "v"
"""
MUSCLES = """[[muscle]]
id = "multifidus"\nname = "Lumbar multifidus"\nlabel = "Multifidus"\nlayer = "deep"\nbergmark = "local"
bergmark_note = "n"\norigin = "o"\ninsertion = "i"\ninnervation = "Medial branches"\nactions = "a"\nrole = "both"
segments = [2, 5]\nsegments_note = "s"\nlumbar_attachment = "direct"\ncitations = ["macintosh1986"]

[[structure]]
id = "thoracolumbar_fascia"\nname = "Thoracolumbar fascia"\ndescription = "d"\ncitations = ["willard2012"]
"""
RED_FLAGS = "".join(f'[level.{name}]\nlabel = "L"\naction = "A"\nsafety_netting = "S"\nsources = ["finucane2020"]\n'
                    'verified = "v"\n' for name in ("emergency", "same_day", "urgent", "routine", "none")) + """
[combination]
sources = ["henschke2013"]\nverified = "v"
[combination.level]
"spinal fracture" = "urgent"\n"spinal malignancy" = "urgent"\n"spinal infection" = "emergency"

[[flag]]
name = "fever"\nconditions = ["spinal infection"]\nlevel = "urgent"\nsources = ["yusuf2019"]\nverified = "v"
"""
TREATMENTS = """topics = ["superficial heat"]

[[treatment]]
name = "dry needling"\nmechanism = "decay"\nrationale = "r"\nsummary = "s"

[[recommendation]]
guideline = "qaseem2017"\nquote = "q"\nstrength = "strong"\nstages = ["acute"]\npopulation = "p"
topics = ["dry needling"]\nverified = "v"

[[review]]
key = "hu2018"\npopulation = "low back pain"\ntopics = ["dry needling"]
"""
VIGNETTES = """[[vignette]]
id = "warehouse"\ntitle = "T"\nhistory = "h"\nexamination = "e"\nred_flags = []\npainful_side = "right"
painful_level = "L4-L5"
"""
SELFCHECK = """[[objective]]
id = "layers"\ntext = "t"

[[question]]
id = "deep-muscle"\nkind = "multiple_choice"\nbloom = "understand"\nobjectives = ["layers"]\nprompt = "p"
explanation = "e"
citations = ["hides1996"]
[[question.choice]]
text = "Multifidus"\ncorrect = true\nfeedback = "Yes."
[[question.choice]]
text = "Latissimus dorsi"\nfeedback = "No."\nmisconception = "m"

[[question]]
id = "nnt"\nkind = "numeric"\nbloom = "understand"\nobjectives = ["layers"]\nprompt = "p"\nexplanation = "e"
answer = 2\ntolerance = 0.01\ncorrect_feedback = "Yes."

[[exercise]]
id = "fit"\ntitle = "t"\nprompt = "p"\nsolution = "s"
"""
BEDSIDE = """[[test]]
id = "t"\nname = "N"\nkind = "palpation test"\nwhat = "W"\nprocedure = "P"\ncitations = ["hebert2015"]\nlimits = "L"
verified = "v"
[[test.figure]]
id = "f"\nquantity = "Q"\nkind = "kappa"\nvalue = 0.75\nsource = "hebert2015"\nquote = "k=0.75"\nverified = "v"
"""
THEORIES = """[verdict]
key = "vandieen2003"\nquote = "q"

[[theory]]
name = "Pain adaptation"\nshort_name = "adaptation"\npredictions = { agonist = -1, antagonist = 0.5 }
keys = ["lund1991"]
"""

#: The shipped wording: every phrase is required, so the minimal document is the file itself.
WORDING = DATA.joinpath("wording.toml").read_text(encoding="utf-8")
LAYER_STEP = DATA.joinpath("layer_step.toml").read_text(encoding="utf-8")
SPINE_MODEL = """[model]
name = "N"\npackage = "p"\nversion = "1"\nlicence = "L"\ncitations = ["walia2025"]\nflexion_degrees = 40.0
limits = ["l"]

[[group]]
prefix = "MF_"\nmuscle = "multifidus"
"""

START_BACK = ("""[tool]
name = "N"\nattribution = "A"\nofficial_form = "https://example.org/"\nsources = ["hill2008"]\nverified = "v"
""" + "".join(f'\n[[item]]\ndomain = "d{n}"\nconstruct = "c"\ndistress = {"true" if n > 4 else "false"}\n'
              for n in range(1, 10)) + """answers = ["no", "yes"]\npositive = ["yes"]
""" + "".join(f'\n[stratum.{name}]\nlabel = "L"\nrule = "R"\noffer = "O"\nsources = ["hay2008"]\nverified = "v"\n'
              for name in ("low", "medium", "high")) + """
[trial]
finding = "f"\nsources = ["hill2011"]\nverified = "v"

[replication]
finding = "f"\nsources = ["rhon2023"]\nverified = "v"

[[recommendation]]
guideline = "nice2016"\nquote = "q"\nstrength = "consider"\nstages = ["acute"]\npopulation = "p"
topics = ["risk stratification"]\nverified = "v"
""")
YELLOW_FLAGS = ("".join(f'[{part}]\ntext = "t"\nsources = ["kendall1997"]\nverified = "v"\n\n'
                        for part in ("definition", "contrast", "targeting", "reassurance")) + """[[flag]]
name = "beliefs"\nkind = "psychological"\ndescription = "d"\nlisten_for = "l"\nsources = ["kendall1997"]
verified = "v"

[[predictor]]
name = "n"\npredicts = "recovery"\nmedian_lr = "0.39"\nlow = "0.38"\nhigh = "0.40"

[predictors]
population = "p"\noutcome = "o"\nreading = "r"\nless_useful = "l"\nsources = ["chou2010"]\nverified = "v"

[[imaging]]
finding = "disk bulge"\nat_20 = 30\nat_80 = 84

[imaging_source]
population = "p"\nconclusion = "c"\nsources = ["brinjikji2015"]\nverified = "v"

[[explanation]]
say = "s"\nwhy = "w"\nsources = ["dasilva2019"]
""")

CASE = """id = "x"\ntitle = "T"\nsummary = "S"\nstart = "a"

[nodes.a]
title = "A"\ntext = "t"\nquestion = "q?"
[[nodes.a.choices]]
label = "L"\nnext = "b"\nfeedback = "f"\ncites = ["finucane2020"]\ngrade = "best"

[nodes.b]
title = "B"\ntext = "t"\noutcome = "good"\ncites = ["finucane2020"]
"""

# For each schema: a valid document, and one breach per kind of rule with the message expected after "x.toml: ".
NUMERIC_ITEMS = """[[item]]
id = "nnt"
notebook = "n"
title = "t"
bloom = "apply"
formula = "nnt"
stem = "s {c}"
unit = ""
tolerance = 0
method = "m"
citations = ["a2000"]
verified = "v"
[[item.misconception]]
formula = "nnt_rounded_down"
name = "n"
feedback = "f"
[[item.variable]]
name = "c"
label = "l"
unit = "%"
min = 1
max = 2
decimals = 0
"""
LMS = """[wording]
practice_title = "{topic} quiz"
practice_description = "d"
exercise_title = "{title} task"
exercise_description = "d"
exam_title = "{topic} exam {seed}"
exam_description = "d"
rubric_caption = "{points} points"
rubric_columns = ["a", "b", "c", "d"]
number_hint = "n{unit}"
number_unit = " ({unit})"
sources_heading = "s"
wrong_answer = "{value}: {feedback}"

[topic]
x = "X"
"""

CLASS_KIT = """[guide]
introduction = "i"\npeer_instruction = "p"

[before]
notebooks = ["00_start_here"]\ntask = "t"

[[session]]
id = "s1"\nplan = "three sessions"\ntitle = "T"\nlength = 50\ngoal = "g"
[[session.pre_class]]
notebook = "01_muscle_layers"\ntask = "t"
[[session.in_class]]
minutes = 4\nactivity = "a"\nquestion = "latissimus-job"
[session.post_class]
quiz = ["01_muscle_layers"]\nitems = ["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"]
exercise_notebook = "01_muscle_layers"\nexercise = "facet-sprain"\ntask = "t"

[[self_study]]
notebook = "00_start_here"\ntask = "t"
"""
WORKBOOK = "".join(f'{key} = "w"\n' for key in ("title", "introduction", "figure", "more_figures", "question",
                                                "choose_one", "choose_all", "numeric", "exercises", "rubric",
                                                "answer_space"))
MY_WORK = "[labels]\n" + "".join(f'{key} = "w"\n' for key in (
    "title", "intro", "course_version", "exported", "student", "notebook", "score", "question", "answer", "result",
    "attempts", "time", "correct", "incorrect", "unanswered", "exercise", "written", "solution_shown", "yes", "no",
    "nothing", "prepare", "download_html", "download_json")) + 'score_text = "{correct} of {questions}"\n'

MESSAGES = "[ultrasound]\n" + "".join(f'{key} = "m"\n' for key in (
    "point_added", "outside_image", "too_few_points", "crosses_itself", "zero_depth", "oval_used", "checked"))
CASES = {
    "my_work": (MY_WORK, [
        ('title = "w"\n', "", r"labels: field 'title' is missing"),
        ('score_text = "{correct} of {questions}"', 'score_text = "all"',
         r"labels: field 'score_text' must be text with \{correct\}, \{questions\} and \{answered\}"),
    ]),
    "workbook": (WORKBOOK, [
        ('rubric = "w"\n', "", r"field 'rubric' is missing"),
        ('title = "w"', 'title = " "', r"field 'title' must be non-empty text"),
    ]),
    "class_kit": (CLASS_KIT, [
        ("length = 50", "length = 45",
         r"session 1 \('s1'\): field 'length' must be 50 \(one of three sessions\) or 90"),
        ("minutes = 4", "minutes = 0",
         r"session 1 \('s1'\) in-class step 1: field 'minutes' must be between 1 and 30; got 0"),
        ('notebook = "01_muscle_layers"', 'notebook = "muscle layers"',
         r"session 1 \('s1'\) pre-class 1: field 'notebook' must be a notebook name such as 01_muscle_layers"),
        ('exercise = "facet-sprain"\n', "", r"session 1 \('s1'\) post_class: field 'exercise' is missing"),
    ]),
    "case": (CASE, [
        ('feedback = "f"\n', "", r"node 'a' choice 1: field 'feedback' is missing"),
        ('outcome = "good"', 'outcome = "fine"', r"node 'b': field 'outcome' must be one of good, misstep; got 'fine'"),
        ('cites = ["finucane2020"]\ngrade', 'cites = []\ngrade',
         r"node 'a' choice 1: field 'cites' must be a non-empty list of reference keys"),
        ("[nodes.b]", "[nodes.B]", r"node key 'B' must be lowercase letters, digits and hyphens"),
        ('grade = "best"', 'grade = "good"', r"node 'a' choice 1: field 'grade' must be one of best, acceptable, "
                                             r"unhelpful, harmful; got 'good'"),
        ('grade = "best"', 'grade = "best"\nwhen = ["Fear"]', r"node 'a' choice 1: field 'when'"),
        ('question = "q?"', 'question = "q?"\n[nodes.a.tool]\nkind = "post_test"\ntest = "t"',
         r"node 'a' tool: field 'pre_test' is missing"),
    ]),
    "references": (REFERENCE, [
        ('title = "T"\n', "", r"reference 'a2000': field 'title' is missing"),
        ('journal = "J"', 'journal = "J"\ncolour = "red"',
         r"reference 'a2000': unknown field\(s\) colour; known: authors"),
        ("year = 2000", 'year = "2000"', r"reference 'a2000': field 'year' must be a whole number; got '2000'"),
        ("year = 2000", "year = 1066", r"reference 'a2000': field 'year' must be between 1800 and 2100; got 1066"),
        ('title = "T"', 'title = " "', r"reference 'a2000': field 'title' must be non-empty text; got ' '"),
        ('["A B"]', "[]", r"reference 'a2000': field 'authors' must be a non-empty list; got \[\]"),
        ('journal = "J"', 'et_al = "yes"', r"reference 'a2000': needs field 'journal' or 'publisher'"),
        ('journal = "J"', 'journal = "J"\net_al = 1', r"reference 'a2000': field 'et_al' must be true or false"),
        ('journal = "J"', 'journal = "J"\ndoi = "doi:10.1/x"', r"reference 'a2000': field 'doi' must be a DOI"),
        ("[a2000]", "[A2000]", r"reference key 'A2000' must be a lowercase name and a year"),
    ]),
    "studies": (STUDIES, [
        ('limits = "l"\n', "", r"study 'hides2001': field 'limits' is missing"),
        ('how = "reported in the text/abstract"\n\n', 'how = "guessed"\n\n',
         r"study 'hides2001': field 'how' must be one of reported in the text/abstract, read off a published figure"),
        ("value = 84", "value = 184", r"value 1 \('v1'\): field 'value' must be a percentage between 0 and 100"),
        ("value = 84", 'value = "84"', r"value 1 \('v1'\): field 'value' must be a number; got '84'"),
        ('time_unit = "years"\n', "", r"value 1 \('v1'\): field 'time_unit' is missing \(needed with field 'period'\)"),
        ("period = [0.0, 1.0]", "period = [-1.0, 1.0]", r"value 1 \('v1'\): field 'period' item 1 must be at least 0"),
        ("period = [0.0, 1.0]", "period = [1.0]",
         r"value 1 \('v1'\): field 'period' must be a list of exactly 2 items"),
        ('id = "v1"', 'id = "V 1"', r"value 1 \('V 1'\): field 'id' must be lowercase letters, digits and underscores"),
        ('quote = "q"', 'quote = "q"\nsize = 3', r"value 1 \('v1'\): unknown field\(s\) size"),
    ]),
    "muscles": (MUSCLES, [
        ('actions = "a"\n', "", r"muscle 1 \('multifidus'\): field 'actions' is missing"),
        ('layer = "deep"', 'layer = "middle"', r"muscle 1 \('multifidus'\): field 'layer' must be one of superficial, "
                                               "intermediate, deep, abdominal wall; got 'middle'"),
        ("segments = [2, 5]", "segments = [2, 40]",
         r"muscle 1 \('multifidus'\): field 'segments' item 2 must be between 0 and 25; got 40"),
        ("segments = [2, 5]", "segments = [2.5, 5]",
         r"muscle 1 \('multifidus'\): field 'segments' item 1 must be a whole number"),
        ('id = "multifidus"', 'id = "Multifidus"', r"muscle 1 \('Multifidus'\): field 'id' must be lowercase letters"),
        ('citations = ["macintosh1986"]', "citations = []",
         r"muscle 1 \('multifidus'\): field 'citations' must be a non-empty list"),
        ('role = "both"', 'role = "both"\ncolour = "red"', r"muscle 1 \('multifidus'\): unknown field\(s\) colour"),
        ('description = "d"\n', "", r"structure 1 \('thoracolumbar_fascia'\): field 'description' is missing"),
    ]),
    "red_flags": (RED_FLAGS, [
        ('action = "A"\n', "", r"level 'emergency': field 'action' is missing"),
        ("[level.none]", "[level.later]", r"level 'none' is missing"),
        ('level = "urgent"', 'level = "none"', r"flag 1 \('fever'\): field 'level' must be one of routine, urgent, "
                                               "same_day, emergency; got 'none'"),
        ('["spinal infection"]', '["gout"]', r"flag 1 \('fever'\): field 'conditions' item 1 must be one of cauda"),
        ('["spinal infection"]', '["spinal infection", "spinal infection"]',
         r"flag 1 \('fever'\): field 'conditions' must be a list without repeats"),
        ('["yusuf2019"]', '"yusuf2019"', r"flag 1 \('fever'\): field 'sources' must be a list; got 'yusuf2019'"),
        ('name = "fever"\n', "", r"flag 1: field 'name' is missing"),
        ("[[flag]]", "[[flags]]", r"field 'flag' is missing"),
    ]),
    "treatments": (TREATMENTS, [
        ('summary = "s"\n', "", r"treatment 1 \('dry needling'\): field 'summary' is missing"),
        ('mechanism = "decay"', 'mechanism = "magic"',
         r"treatment 1 \('dry needling'\): field 'mechanism' must be one of drive, loop, decay; got 'magic'"),
        ('["acute"]', '["sudden"]', r"recommendation 1: field 'stages' item 1 must be one of acute, subacute, chronic"),
        ('strength = "strong"', "strength = 3", r"recommendation 1: field 'strength' must be non-empty text; got 3"),
        ('["superficial heat"]', '["heat", "heat"]', r"field 'topics' must be a list without repeats"),
        ('population = "low back pain"', 'population = "low back pain"\nsize = 1',
         r"review 1: unknown field\(s\) size; known: key, population, topics"),
    ]),
    "messages": (MESSAGES, [
        ('zero_depth = "m"\n', "", r"messages 'ultrasound': field 'zero_depth' is missing"),
        ('checked = "m"', 'checked = " "', r"messages 'ultrasound': field 'checked' must be non-empty text; got ' '"),
        ('[ultrasound]', '[ultrasound]\nshout = "m"', r"messages 'ultrasound': unknown field\(s\) shout"),
    ]),
    "vignettes": (VIGNETTES, [
        ('history = "h"\n', "", r"vignette 1 \('warehouse'\): field 'history' is missing"),
        ('painful_side = "right"', 'painful_side = "middle"',
         r"vignette 1 \('warehouse'\): field 'painful_side' must be one of left, right, both; got 'middle'"),
        ('title = "T"', 'title = ""', r"vignette 1 \('warehouse'\): field 'title' must be non-empty text"),
        ("red_flags = []", 'red_flags = "fever"', r"vignette 1 \('warehouse'\): field 'red_flags' must be a list"),
        ("red_flags = []", 'red_flags = ["fever"]\nage = 3', r"vignette 1 \('warehouse'\): unknown field\(s\) age"),
    ]),
    "selfcheck": (SELFCHECK, [
        ('prompt = "p"\nexplanation', "explanation", r"question 1 \('deep-muscle'\): field 'prompt' is missing"),
        ('kind = "multiple_choice"', 'kind = "essay"', r"question 1 \('deep-muscle'\): field 'kind' must be one of "
                                                       "multiple_choice, true_false, select_all, numeric; got 'essay'"),
        ('feedback = "No."\nmisconception = "m"', 'feedback = "No."',
         r"question 1 \('deep-muscle'\) choice 2: field 'misconception' is missing"),
        ("tolerance = 0.01\n", "", r"question 2 \('nnt'\): field 'tolerance' is missing"),
        ("tolerance = 0.01", "tolerance = 0", r"question 2 \('nnt'\): field 'tolerance'"),
        ('objectives = ["layers"]\nprompt = "p"\nexplanation = "e"\ncitations',
         'prompt = "p"\nexplanation = "e"\ncitations', r"question 1 \('deep-muscle'\): field 'objectives' is missing"),
        ('feedback = "No."', 'feedback = ""', r"question 1 \('deep-muscle'\) choice 2: field 'feedback' must be non"),
        ("correct = true", 'correct = "yes"\nmisconception = "m"',
         r"question 1 \('deep-muscle'\) choice 1: field 'correct' must be true or false"),
        ('[[question.choice]]\ntext = "Latissimus dorsi"\nfeedback = "No."\n', "",
         r"question 1 \('deep-muscle'\): field 'choice' must be a list of at least 2 items"),
        ('solution = "s"\n', "", r"exercise 1 \('fit'\): field 'solution' is missing"),
        ('id = "fit"', 'id = "Fit it"', r"exercise 1 \('Fit it'\): field 'id' must be lowercase letters, digits"),
        ('citations = ["hides1996"]', "citations = []",
         r"question 1 \('deep-muscle'\): field 'citations' must be a non-empty list"),
    ]),
    "bedside_tests": (BEDSIDE, [
        ('kind = "kappa"', 'kind = "kapa"', r"test 1 \('t'\) figure 1 \('f'\): field 'kind' must be one of kappa"),
        ('kind = "kappa"', 'kind = "positive likelihood ratio"',
         r"test 1 \('t'\) figure 1 \('f'\): field 'target' is missing"),
        ('what = "W"\n', "", r"test 1 \('t'\): field 'what' is missing"),
    ]),
    "start_back": (START_BACK, [
        ('official_form = "https://example.org/"', 'official_form = "keele.ac.uk"',
         r"tool: field 'official_form' must be an https:// address; got 'keele.ac.uk'"),
        ('domain = "d9"\n', "", r"item 9: field 'domain' is missing"),
        ('domain = "d9"\nconstruct = "c"\ndistress = true', 'domain = "d9"\nconstruct = "c"\ndistress = "yes"',
         r"item 9: field 'distress' must be true or false"),
        ('positive = ["yes"]', "", r"item 9: field 'positive' is missing \(needed with field 'answers'\)"),
        ("[stratum.high]", "[stratum.severe]", r"stratum 'high' is missing"),
        ('offer = "O"', 'offer = ""', r"stratum 'low': field 'offer' must be non-empty text"),
        ('stages = ["acute"]', 'stages = ["later"]', r"recommendation 1: field 'stages' item 1 must be one of acute"),
        ("[trial]", "[trials]", r"trial is missing"),
        ('finding = "f"\nsources = ["rhon2023"]', 'finding = "f"\nsources = "rhon2023"',
         r"replication: field 'sources' must be a list"),
    ]),
    "yellow_flags": (YELLOW_FLAGS, [
        ('kind = "psychological"', 'kind = "social"',
         r"flag 1 \('beliefs'\): field 'kind' must be one of psychological, work; got 'social'"),
        ('median_lr = "0.39"', "median_lr = 0.39",
         r"predictor 1 \('n'\): field 'median_lr' must be a likelihood ratio as printed"),
        ('predicts = "recovery"', 'predicts = "cure"',
         r"predictor 1 \('n'\): field 'predicts' must be one of persistent"),
        ("at_80 = 84", "at_80 = 184", r"imaging 1: field 'at_80' must be between 0 and 100; got 184"),
        ('listen_for = "l"\n', "", r"flag 1 \('beliefs'\): field 'listen_for' is missing"),
        ('why = "w"\n', "", r"explanation 1: field 'why' is missing"),
        ("[reassurance]", "[comfort]", r"field 'reassurance' is missing"),
    ]),
    "spine_model": (SPINE_MODEL, [
        ("flexion_degrees = 40.0", "flexion_degrees = 90.0", r"model: field 'flexion_degrees' must be at most 60"),
        ('muscle = "multifidus"', 'muscle = "Multifidus"', r"group 1: field 'muscle' must be a muscle id"),
        ('limits = ["l"]', "limits = []", r"model: field 'limits' must be a non-empty list"),
    ]),
    "theories": (THEORIES, [
        ('quote = "q"\n', "", r"verdict: field 'quote' is missing"),
        ("agonist = -1,", "agonist = -2,", r"theory 1 \('Pain adaptation'\): field 'predictions' key 'agonist' must be "
                                           "one of 1, 0.5, -1, redistributed; got -2"),
        ("agonist = -1, ", "", r"theory 1 \('Pain adaptation'\): field 'predictions' key 'agonist' is missing"),
        ("antagonist = 0.5", "antagonist = 0.5, synergist = 1",
         r"theory 1 \('Pain adaptation'\): field 'predictions' has unknown key\(s\) synergist"),
        ('keys = ["lund1991"]', "keys = []", r"theory 1 \('Pain adaptation'\): field 'keys' must be a non-empty list"),
    ]),
    "numeric_items": (NUMERIC_ITEMS, [
        ('id = "nnt"', 'id = "NNT"', r"item 1 \('NNT'\): field 'id' must be lowercase words joined by hyphens"),
        ('bloom = "apply"', 'bloom = "use"', r"item 1 \('nnt'\): field 'bloom' must be one of remember"),
        ("decimals = 0", "decimals = 5", r"item 1 \('nnt'\) variable 1 \('c'\): field 'decimals' must be between 0"),
        ('method = "m"\n', "", r"item 1 \('nnt'\): field 'method' is missing"),
        ("tolerance = 0", "tolerance = -1", r"item 1 \('nnt'\): field 'tolerance' must be at least 0"),
        ('feedback = "f"\n', "", r"item 1 \('nnt'\) misconception 1 \('n'\): field 'feedback' is missing"),
    ]),
    "lms": (LMS, [
        ('practice_title = "{topic} quiz"', 'practice_title = "quiz"',
         r"wording: field 'practice_title' must be text with the placeholder \{topic\}"),
        ('rubric_columns = ["a", "b", "c", "d"]', 'rubric_columns = ["a"]',
         r"wording: field 'rubric_columns' must be a list of exactly 4 items"),
        ('x = "X"', 'x = ""', r"topic: field 'x' must be non-empty text"),
    ]),
    "layer_step": (LAYER_STEP, [
        ('best = "Yes."\n', "", r"verdicts: field 'best' is missing"),
        ('muscle = "latissimus_dorsi"', 'muscle = "Latissimus dorsi"',
         r"inhibited answer 1: field 'muscle' must be a muscle id"),
        ('text = "on the side opposite the pain"', "text = 3",
         r"where answer 3: field 'text' must be non-empty text; got 3"),
    ]),
    "wording": (WORDING, [
        ('no_red_flags = "no red flags"\n', "", r"yellow_flags: field 'no_red_flags' is missing"),
        ('numbers_summary = "The model\'s numbers"', 'numbers_summary = ""',
         r"spine_model: field 'numbers_summary' must be non-empty text"),
        ('imaging_header = ["Finding", "At 20 years", "At 80 years"]', "imaging_header = []",
         r"yellow_flags: field 'imaging_header' must be a non-empty list"),
        ("[spine_model]", "[spine_models]", r"spine_model is missing"),
    ]),
}


@pytest.mark.parametrize("name", SCHEMAS)
def test_every_schema_is_a_valid_draft_2020_12_schema_with_a_test_case(name):
    Draft202012Validator.check_schema(datafile.schema(name))
    assert name in CASES


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_data_file_validates(name):
    assert datafile.load(name)


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_minimal_documents_are_valid(name):
    assert datafile.parse(CASES[name][0], name, "x.toml")


@pytest.mark.parametrize(("name", "old", "new", "message"),
                         [(name, *case) for name, (_, cases) in CASES.items() for case in cases])
def test_each_kind_of_breach_names_the_file_the_entry_and_the_field(name, old, new, message):
    valid = CASES[name][0]
    assert old in valid
    with pytest.raises(ValueError, match=rf"^x\.toml: {message}"):
        datafile.parse(valid.replace(old, new, 1), name, "x.toml")


def test_invalid_toml_names_the_file():
    with pytest.raises(ValueError, match=r"^x\.toml: not valid TOML"):
        datafile.parse("[[flag]\n", "red_flags", "x.toml")


def test_entries_are_named_by_number_and_label_or_by_key():
    assert datafile.entry("flag", 2, {"name": "fever"}) == "flag 3 ('fever')"
    assert datafile.entry("recommendation", 0, {"quote": "q"}) == "recommendation 1"
    assert datafile.entry("level", "urgent") == "level 'urgent'"


def test_the_python_constants_match_the_allowed_values_of_the_schemas():
    muscle = datafile.schema("muscles")["properties"]["muscle"]["items"]["properties"]
    assert tuple(muscle["layer"]["enum"]) == muscles.LAYERS
    assert tuple(muscle["bergmark"]["enum"]) == muscles.BERGMARK_CLASSES
    assert tuple(muscle["role"]["enum"]) == muscles.ROLES
    assert tuple(muscle["lumbar_attachment"]["enum"]) == tuple(muscles.LUMBAR_ATTACHMENTS)
    assert tuple(datafile.schema("studies")["$defs"]["how"]["enum"]) == studies.HOW_OBTAINED
    treatment = datafile.schema("treatments")["properties"]
    assert tuple(treatment["treatment"]["items"]["properties"]["mechanism"]["enum"]) == tuple(treatments.MECHANISMS)
    assert tuple(treatment["recommendation"]["items"]["properties"]["stages"]["items"]["enum"]) == treatments.STAGES
    predictions = datafile.schema("theories")["properties"]["theory"]["items"]["properties"]["predictions"]
    assert tuple(predictions["required"]) == pain_theories.ROLES
    vignette = datafile.schema("vignettes")["properties"]["vignette"]["items"]["properties"]
    assert tuple(vignette["painful_side"]["enum"]) == case_study.SIDES
    flag = datafile.schema("red_flags")["properties"]["flag"]["items"]["properties"]
    assert tuple(flag["conditions"]["items"]["enum"]) == red_flags.CONDITIONS
    assert tuple(flag["level"]["enum"]) == red_flags.FLAG_LEVELS
    assert set(datafile.schema("red_flags")["properties"]["level"]["required"]) == set(red_flags.LEVELS)
    question = datafile.schema("selfcheck")["properties"]["question"]["items"]["properties"]
    assert tuple(question["kind"]["enum"]) == quiz.KINDS


#: Imports every module of the package; prints the modules whose own code read a data file while being imported.
IMPORT_ALL = """
import importlib, json, pkgutil, sys
import spinelab
from spinelab.course import datafile

readers, real = set(), datafile.load

def spy(name):
    frame = sys._getframe(1)
    while frame and not (frame.f_code.co_name == "<module>"
                         and frame.f_globals.get("__name__", "").startswith("spinelab")):
        frame = frame.f_back
    readers.add(frame.f_globals["__name__"] if frame else "?")
    return real(name)

datafile.load = spy
for info in pkgutil.walk_packages(spinelab.__path__, "spinelab."):
    importlib.import_module(info.name)
print(json.dumps([sorted(readers), real.cache_info().currsize, datafile.schema.cache_info().currsize]))
"""


def _readers_at_import(script: str) -> list:
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_no_module_of_the_package_reads_a_data_file_at_import():
    assert _readers_at_import(IMPORT_ALL) == [[], 0, 0]

