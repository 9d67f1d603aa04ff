# spinelab: two commands for students and instructors.
#   make lab    set everything up and open the course in JupyterLab
#   make test   set everything up and run the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8888
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
# Hypothesis keeps a cache; put it outside the working tree, which a test run must not change.
PYTEST := PYTHONDONTWRITEBYTECODE=1 HYPOTHESIS_STORAGE_DIRECTORY=$${TMPDIR:-/tmp}/spinelab-hypothesis $(BIN)/python -m pytest
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

PRESENT_PORT ?= 8866
VENDOR := build/vendor
# reveal.js, MathJax and the scripts nbconvert's slides need, from the npm registry, so that decks open offline.
VENDOR_PACKAGES := reveal.js@4.0.2 requirejs@2.3.6 jquery@3.5.1 mathjax@2.7.7

.PHONY: install lab test test-unit test-notebooks test-browser notebooks present slides figures guide lms lint lock clean

# The environment is rebuilt only when the dependency files change.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $(STAMP)

# JupyterLab settings for the course (no "get Jupyter news?" prompt on first open). Binder reads them from
# .jupyter/ in its home folder, which is the repository; here they become this environment's JupyterLab
# defaults (overrides.d), so a student's own settings still win. The files are plain JSON.
LAB_SETTINGS := .jupyter/lab/user-settings
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.d/spinelab.json

$(LAB_OVERRIDES): $(STAMP) $(wildcard $(LAB_SETTINGS)/*/*.jupyterlab-settings $(LAB_SETTINGS)/@*/*/*.jupyterlab-settings)
	mkdir -p $(@D)
	$(BIN)/python -c 'import json, pathlib, sys; root = pathlib.Path(sys.argv[1]); \
		files = sorted(root.rglob("*.jupyterlab-settings")); \
		ids = [path.parent.relative_to(root).as_posix() + ":" + path.name.removesuffix(".jupyterlab-settings") \
		       for path in files]; \
		pathlib.Path(sys.argv[2]).write_text(json.dumps(dict(zip(ids, [json.loads(path.read_text()) for path in files])), indent=2) + "\n")' \
		$(LAB_SETTINGS) $@

install: $(STAMP) $(LAB_OVERRIDES)

lab: $(STAMP) $(LAB_OVERRIDES)
	$(BIN)/jupyter lab --no-browser --ip=$(HOST) --port=$(PORT) $(ROOT_FLAG) \
		--LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb

test: $(STAMP)
	$(PYTEST) -n 2 --dist loadfile tests --ignore=tests/browser notebooks $(NBVAL)
	$(BIN)/ruff check --no-cache src tests notebooks benchmarks
	$(BIN)/lint-imports

test-unit: $(STAMP)
	$(PYTEST) tests --ignore=tests/browser

test-notebooks: $(STAMP)
	$(PYTEST) notebooks $(NBVAL)

# Real-browser tests: JupyterLab and Voila on loopback, driven in Debian's headless Chromium.
test-browser: $(STAMP)
	$(PYTEST) tests/browser -v --junitxml=build/browser-tests.xml -o junit_family=legacy

# Instructors: the notebooks as apps, code hidden, presenter style. HOST=0.0.0.0 to reach it from another machine.
present: $(STAMP)
	@echo "Course map: http://$(HOST):$(PRESENT_PORT)/voila/render/00_start_here.ipynb"
	SPINELAB_PRESENTER=1 $(BIN)/voila notebooks --no-browser --Voila.ip=$(HOST) --port=$(PRESENT_PORT)

$(VENDOR)/.unpacked:
	mkdir -p $(VENDOR)
	cd $(VENDOR) && for spec in $(VENDOR_PACKAGES); do \
		name=$${spec%@*}; mkdir -p $$name && tar -xzf "$$(npm pack --silent $$spec)" -C $$name; done
	touch $@

# Offline reveal.js decks of the topic notebooks, in build/slides/.
slides: $(STAMP) $(VENDOR)/.unpacked
	$(BIN)/python -m spinelab.publish.slides build/slides $(VENDOR) notebooks/0[1-6]_*.ipynb

# Handout figures (PNG for print, SVG) and figures/README.md, regenerated from the package.
figures: $(STAMP)
	$(BIN)/python -m spinelab.publish.handouts figures

# The instructor's answer key, from the self-check data, and the sources page, from the data files' verified fields.
guide: $(STAMP)
	$(BIN)/python -m spinelab.publish.instructor docs/answers.md docs/sources.md

# The self-checks for an LMS, from the same data: build/lms/canvas/<notebook>.zip (QTI, for Canvas) and
# build/lms/moodle/<notebook>.xml (Moodle XML question bank). text2qti comes with the environment's extras.
lms: $(STAMP)
	$(BIN)/python -m spinelab.publish.lms build/lms

lint: $(STAMP)
	$(BIN)/ruff check --no-cache src tests notebooks benchmarks
	$(BIN)/lint-imports

# For authors: re-execute every notebook in place so that stored outputs stay current. Widget state is not
# stored (it was most of each file, and nbval never compares it): a running kernel recreates the widgets, and
# GitHub and exports show each figure's PNG fallback, which stays in the outputs.
notebooks: $(STAMP)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.store_widget_state=False \
		notebooks/*.ipynb
	$(BIN)/python -c 'import nbformat, sys; \
		[nbformat.write(nb, path) for path in sys.argv[1:] for nb in [nbformat.read(path, as_version=4)] \
		 if nb.metadata.pop("widgets", None) is not None]' notebooks/*.ipynb

# Refresh constraints.txt: resolve the newest versions in a scratch venv, then run `make test`.
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet -e ".[test]"
	.venv-lock/bin/python -m pip freeze --exclude-editable | grep -v '^spinelab' > constraints.txt
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) build
