# Two commands do all the set-up on a fresh machine (see README):
#   make example   install into .venv and generate every document of the example case into output/
#   make test      install into .venv (with test extras) and run the whole test suite
#   make serve     install into .venv and start the web form on http://127.0.0.1:8000/
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: example test clean bench serve

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

example: $(VENV)/.installed
	$(BIN)/beredskab generate examples/trussel-telefon.json --out output --force

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
