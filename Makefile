# Two commands do all the set-up on a fresh machine (see README):
#   make example   install into .venv (no test extras) and generate every document of the example case into output/
#   make test      install into .venv (with test extras) and run the whole test suite
#   make serve     install into .venv and start the web form on http://127.0.0.1:8000/
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := -m pip install -qq --disable-pip-version-check

.PHONY: example test clean bench serve

# A Python older than setup.cfg's python_requires (3.11) gets one clear line, not pip's errors:
# $(call supported,PYTHON-PROGRAM,WHAT-TO-DO)
supported = @$(1) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	echo "Fejl: $(1) er $$($(1) -V 2>&1 || echo 'ikke Python'), men beredskab kræver Python 3.11 eller nyere; $(2)" >&2; \
	exit 1; }

$(BIN)/python:
	$(call supported,$(PYTHON),kør igen med fx PYTHON=python3.11)
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python $(PIP) --upgrade pip

# What `make example` needs: beredskab and its run-time dependencies, no test extras.
$(VENV)/.installed-run: $(BIN)/python setup.cfg pyproject.toml
	$(call supported,$(BIN)/python,slet $(VENV) (make clean) og kør igen med fx PYTHON=python3.11)
	@$(BIN)/python $(PIP) -e .
	@touch $@

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(call supported,$(BIN)/python,slet $(VENV) (make clean) og kør igen med fx PYTHON=python3.11)
	@$(BIN)/python $(PIP) -e '.[test]'
	@touch $@ $(VENV)/.installed-run

example: $(VENV)/.installed-run
	@$(BIN)/beredskab generate examples/trussel-telefon.json --out output --force

# axe-core for the web form's accessibility scan, from the committed package.json and lock.
AXE := tests/web/node_modules/axe-core/axe.min.js
$(AXE): tests/web/package.json tests/web/package-lock.json
	npm ci --prefix tests/web --no-audit --no-fund --silent
	touch $@

test: $(VENV)/.installed $(AXE)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/run.py

serve: $(VENV)/.installed
	$(BIN)/beredskab serve

clean:
	rm -rf $(VENV) build *.egg-info
