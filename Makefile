# spinelab: two commands for students and instructors.
#   make lab    set everything up and open the course in JupyterLab
#   make test   set everything up and run the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Students get the runtime dependencies only (make lab); the test tools come with make test.
RUNTIME_STAMP := $(VENV)/.installed-runtime
TEST_STAMP := $(VENV)/.installed-test
CLASS_STAMP := $(VENV)/.installed-class
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

.PHONY: install lab test test-unit test-notebooks test-browser test-hub notebooks present class slides figures guide lms workbook \
	lint lock clean

# The environment is rebuilt only when the dependency files change.
$(RUNTIME_STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $@

$(TEST_STAMP): $(RUNTIME_STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $@

$(CLASS_STAMP): $(RUNTIME_STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[class]"
	touch $@

# JupyterLab settings for the course (no "get Jupyter news?" prompt on first open). Binder reads them from
# .jupyter/ in its home folder, which is the repository; here `spinelab lab-settings` makes them this
# environment's JupyterLab defaults (overrides.d), so a student's own settings still win. `spinelab lab` does
# the same each time it starts.
LAB_SETTINGS := .jupyter/lab/user-settings
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.d/spinelab.json

$(LAB_OVERRIDES): $(RUNTIME_STAMP) $(wildcard $(LAB_SETTINGS)/*/*.jupyterlab-settings $(LAB_SETTINGS)/@*/*/*.jupyterlab-settings)
	$(BIN)/spinelab lab-settings

install: $(RUNTIME_STAMP) $(LAB_OVERRIDES)

lab: $(RUNTIME_STAMP)
	$(BIN)/spinelab lab --no-browser --host $(HOST) --port $(PORT) $(ROOT_FLAG)

test: $(TEST_STAMP)
	$(PYTEST) -n 2 --dist loadfile tests --ignore=tests/browser notebooks $(NBVAL)
	$(BIN)/ruff check --no-cache src tests notebooks benchmarks
	$(BIN)/lint-imports

test-unit: $(TEST_STAMP)
	$(PYTEST) tests --ignore=tests/browser

test-notebooks: $(TEST_STAMP)
	$(PYTEST) notebooks $(NBVAL)

# Real-browser tests: JupyterLab and Voila on loopback, driven in Debian's headless Chromium.
test-browser: $(TEST_STAMP)
	$(PYTEST) tests/browser -v --junitxml=build/browser-tests.xml -o junit_family=legacy

# The room's votes as a JupyterHub service, against a real Hub (needs configurable-http-proxy from npm).
test-hub: $(TEST_STAMP)
	SPINELAB_TEST_HUB=1 $(PYTEST) -m hub tests/test_room_hub.py

# Instructors: the notebooks as apps, code hidden, presenter style, at a URL with a token (printed; on loopback too).
# HOST=0.0.0.0 to reach it from another machine; TOKEN=... (16 characters or more) to choose the token, which goes
# to the server in its environment and a file only you can read, never on a command line; CERT=cert.pem KEY=key.pem
# to serve HTTPS.
TLS_FLAGS = $(if $(CERT),--certfile "$(CERT)",) $(if $(KEY),--keyfile "$(KEY)",)
present: export SPINELAB_TOKEN := $(TOKEN)
present: $(CLASS_STAMP)
	$(BIN)/spinelab present --host $(HOST) --port $(PRESENT_PORT) $(TLS_FLAGS)

# A whole class on this machine: make class NOTEBOOK=02_protective_guarding STUDENTS=40. Preheated kernels for that
# notebook only (the memory is printed first, and refused if the machine cannot hold it), on every interface
# unless HOST is given, with a token in the one URL it prints (and a QR code); CERT=... KEY=... for HTTPS. It also
# prints the instructor's view of the room's votes (ROSTER=names.txt to name students). See
# spinelab.publish.classroom, spinelab.publish.server and spinelab.publish.room.
class: export SPINELAB_TOKEN := $(TOKEN)
class: $(CLASS_STAMP)
	@test -n "$(NOTEBOOK)" -a -n "$(STUDENTS)" || \
		{ echo "usage: make class NOTEBOOK=02_protective_guarding STUDENTS=40 [HOST=0.0.0.0] [PRESENT_PORT=8866]" \
		"[CERT=cert.pem KEY=key.pem] [ROSTER=names.txt] [CLASS_STORE=votes.sqlite]" >&2; exit 2; }
	$(BIN)/spinelab class --notebook "$(NOTEBOOK)" --students "$(STUDENTS)" --port $(PRESENT_PORT) \
		--host $(if $(filter command line environment,$(origin HOST)),$(HOST),0.0.0.0) $(TLS_FLAGS) \
		$(if $(ROSTER),--roster "$(ROSTER)") $(if $(CLASS_STORE),--class-store "$(CLASS_STORE)")

# Each tarball is checked against the sha512 integrity pinned in src/spinelab/publish/vendor.lock before it is
# unpacked; a mismatch (or a package without a pin) stops the build and leaves nothing unpacked for it.
VENDOR_LOCK := src/spinelab/publish/vendor.lock

$(VENDOR)/.unpacked: $(RUNTIME_STAMP) $(VENDOR_LOCK)
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)
	cd $(VENDOR) && for spec in $(VENDOR_PACKAGES); do \
		name=$${spec%@*}; tarball="$$(npm pack --silent $$spec)" || exit 1; \
		$(CURDIR)/$(BIN)/python -m spinelab.publish.vendor $$spec "$$tarball" || { rm -f "$$tarball"; exit 1; }; \
		mkdir -p $$name && tar -xzf "$$tarball" -C $$name || exit 1; done
	touch $@

# Offline reveal.js decks of the topic notebooks, in build/slides/.
slides: $(RUNTIME_STAMP) $(VENDOR)/.unpacked
	$(BIN)/python -m spinelab.publish.slides build/slides $(VENDOR)

# Handout figures (PNG for print, SVG) and figures/README.md, regenerated from the package.
figures: $(RUNTIME_STAMP)
	$(BIN)/python -m spinelab.publish.handouts figures

# The instructor's answer key, from the self-check data, the sources page, from the data files' verified fields, and
# the guide's class kit, from data/class_kit.toml.
guide: $(RUNTIME_STAMP)
	$(BIN)/python -m spinelab.publish.instructor docs/answers.md docs/sources.md --guide docs/instructor_guide.md

# The self-checks for an LMS, from the same data: build/lms/canvas/<notebook>.zip (QTI, for Canvas) and
# build/lms/moodle/<notebook>.xml (Moodle XML question bank). text2qti comes with the environment's extras.
# `make lms VARIANT=SEED`: only an exam variant of the calculated questions, numbers drawn from SEED.
LMS_STAMP := $(VENV)/.installed-lms

$(LMS_STAMP): $(RUNTIME_STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[lms]"
	touch $@

lms: $(LMS_STAMP)
	$(BIN)/python -m spinelab.publish.lms build/lms $(if $(VARIANT),--variant $(VARIANT))

# The printable student workbook, build/workbook/spinelab-workbook.pdf: each notebook's core, its figures with their
# alt text as captions, its questions without answers and its exercises with their rubric and room to write.
# Offline: fpdf2 (the `workbook` extra) draws it in the DejaVu fonts matplotlib ships.
WORKBOOK_STAMP := $(VENV)/.installed-workbook

$(WORKBOOK_STAMP): $(RUNTIME_STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[workbook]"
	touch $@

workbook: $(WORKBOOK_STAMP)
	$(BIN)/python -m spinelab.publish.workbook build/workbook

lint: $(TEST_STAMP)
	$(BIN)/ruff check --no-cache src tests notebooks benchmarks
	$(BIN)/lint-imports

# For authors: re-execute every notebook in place, write each one's reference list (computed from what it cites)
# and strip widget state and execution timestamps (spinelab.publish.rebuild). Run twice on unchanged sources, it
# changes no byte. GitHub and exports show each figure's PNG fallback, which stays in the outputs.
notebooks: $(RUNTIME_STAMP)
	$(BIN)/python -m spinelab.publish.rebuild

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
