# Developer entry points. `make run` starts the API; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Reinstall only when the dependencies in pyproject.toml change.
STAMP := $(VENV)/.installed

.PHONY: venv run test lint bench reliability clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The demo union is recorded on the first start only (an empty store); later starts skip it.
run: venv
	$(BIN)/union-ledger demo
	$(BIN)/union-ledger serve --host 127.0.0.1 --port 8000

lint: venv
	$(BIN)/ruff check .
	$(BIN)/mypy

# pytest exits 5 when it collected nothing: a suite that tests nothing must not pass.
test: venv lint
	@status=0; $(BIN)/pytest || status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; \
	exit $$status

# Not part of `make test`: seeds PostgreSQL databases and loads the API for minutes
# (BENCH_ARGS=--quick) or about an hour (the full sizes); see docs/PERFORMANCE.md.
BENCH_ARGS ?= --quick
bench: venv
	$(BIN)/union-ledger bench $(BENCH_ARGS)

# The reliability tests (tests/reliability) run briefly inside `make test`; this runs them
# for minutes: the bank test under load with repeated kill -9, many projector crashes on a
# year-long log, and many more fuzzing examples (see tests/reliability/budget.py).
reliability: venv
	RELIABILITY_BANK_SECONDS=180 RELIABILITY_BANK_KILLS=6 RELIABILITY_CRASH_KILLS=40 \
	RELIABILITY_CRASH_WEEKS=52 RELIABILITY_FUZZ_EXAMPLES=100 RELIABILITY_FUZZ_COVERAGE=1 \
	$(BIN)/pytest tests/reliability --durations=5

# Removes the environment and caches; never var/, which holds the ledger's data.
clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis *.egg-info build dist
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
