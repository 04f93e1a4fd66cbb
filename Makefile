# geoaccess: the few commands a newcomer needs.
#   make demo   - create .venv, install geoaccess, run the Rutland demo into ./out
#   make test   - create .venv, install geoaccess with dev tools, run ruff, mypy and the tests
#   make bench  - full benchmarks (writes benchmarks/results.json and results.md)
#   make bench-quick - the same in a few minutes
#   make docs   - the documentation site in build/docs
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench bench-quick docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[all,dev,docs]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/geoaccess demo --out out

lint: $(STAMP)
	$(BIN)/ruff check geoaccess tests benchmarks scripts
	$(BIN)/mypy

test: lint
	@$(BIN)/python -m pytest --doctest-modules geoaccess tests --nbmake notebooks -p no:cacheprovider; \
	rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 0; fi; exit $$rc

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

bench-quick: $(STAMP)
	$(BIN)/python -m benchmarks.run --quick

# make docs                               site in build/docs, notebooks without outputs
# make docs GEOACCESS_DOCS_EXECUTE=force  also run the notebooks into the pages (~1 min)
GEOACCESS_DOCS_EXECUTE ?= off

docs: $(STAMP)
	GEOACCESS_DOCS_EXECUTE=$(GEOACCESS_DOCS_EXECUTE) $(BIN)/python -m sphinx -E -W --keep-going -b html docs build/docs
	@echo "documentation: build/docs/index.html"

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
