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
PYTEST := PYTHONDONTWRITEBYTECODE=1 $(BIN)/python -m pytest
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: install lab test test-unit test-notebooks notebooks lint lock clean

# The environment is rebuilt only when the dependency files change.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --no-browser --ip=$(HOST) --port=$(PORT) $(ROOT_FLAG) notebooks/00_start_here.ipynb

test: $(STAMP)
	$(PYTEST) -n 2 --dist loadfile tests --ignore=tests/browser notebooks $(NBVAL)
	$(BIN)/ruff check src tests notebooks

test-unit: $(STAMP)
	$(PYTEST) tests --ignore=tests/browser

test-notebooks: $(STAMP)
	$(PYTEST) notebooks $(NBVAL)

lint: $(STAMP)
	$(BIN)/ruff check src tests notebooks

# For authors: re-execute every notebook in place so that stored outputs stay current.
notebooks: $(STAMP)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace notebooks/*.ipynb

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
