# `make run` and `make test` each build .venv from requirements.txt on first use (and when it changes);
# `make test` adds requirements-test.txt (what only the tests need).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
PORT ?= 8501
# Single-user local mode serves this computer only; with sign-in configured, set ADDRESS=0.0.0.0.
ADDRESS ?= 127.0.0.1

.PHONY: run test bench snapshot clean

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

test: $(TEST_STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/app_speed.py

snapshot: $(STAMP)
	$(BIN)/python -m htq build-snapshot ../shared/data

clean:
	rm -rf $(VENV) .pytest_cache
