# `make run` and `make test` each build .venv from requirements.txt on first use (and when it changes);
# `make test` adds requirements-test.txt (what only the tests and code checks need) and runs the
# code checks (`make lint`: ruff lint, ruff format check, mypy) before the tests.
# `make mutate` adds requirements-mutate.txt and runs the mutation benchmark (not part of `make test`).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
MUTATE_STAMP := $(VENV)/.installed-mutate
PORT ?= 8501
# Single-user local mode serves this computer only; with sign-in configured, set ADDRESS=0.0.0.0.
ADDRESS ?= 127.0.0.1

.PHONY: run test lint bench mutate snapshot clean

$(STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --quiet -r requirements.txt
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.address $(ADDRESS)

$(TEST_STAMP): $(STAMP) requirements-test.txt
	$(BIN)/python -m pip install --disable-pip-version-check --quiet -r requirements.txt -r requirements-test.txt
	@touch $(TEST_STAMP)

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

$(MUTATE_STAMP): $(TEST_STAMP) requirements-mutate.txt
	$(BIN)/python -m pip install --disable-pip-version-check --quiet -r requirements-mutate.txt
	@touch $(MUTATE_STAMP)

# Mutation benchmark: the surviving-mutant rate of the matcher, coverage, eligibility and the store
# (settings in pyproject.toml [tool.mutmut]); takes about an hour on 2 cores.
mutate: $(MUTATE_STAMP)
	rm -rf mutants
	$(BIN)/mutmut run --max-children $${MUTATE_JOBS:-2} || true
	$(BIN)/python bench/mutation_summary.py

bench: $(STAMP)
	$(BIN)/python bench/app_speed.py

snapshot: $(STAMP)
	$(BIN)/python -m htq build-snapshot ../shared/data

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache mutants
