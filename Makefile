# ASM Hub. `make demo` runs the platform with its demo data; `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.bench-installed

.PHONY: demo test test-sqlite test-postgres test-browser check lint typecheck imports format messages screenshots bench bench-library bench-search bench-iati bench-matching bench-monitoring bench-polls bench-reports bench-strategy-import bench-web bench-soak clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is needed (the platform runs on Python 3.11)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/asmhub demo

test: $(STAMP)
	scripts/run-tests

test-sqlite: $(STAMP)
	scripts/run-tests sqlite

test-postgres: $(STAMP)
	scripts/run-tests postgres

test-browser: $(STAMP)
	scripts/run-tests browser

check: lint typecheck imports

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy asmhub

# The order of the apps and a Django-free lib/ (contracts in pyproject.toml).
imports: $(STAMP)
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: $(STAMP)
	cd asmhub && ../$(BIN)/asmhub makemessages -l fr -i "*/tests/*" -i conftest.py && ../$(BIN)/asmhub compilemessages

screenshots: $(STAMP)
	ASMHUB_SCREENSHOTS=docs/screenshots scripts/run-tests browser

$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(BIN)/pip install --quiet -e ".[dev,bench]"
	touch $(BENCH_STAMP)

bench: bench-library bench-iati bench-matching bench-monitoring bench-polls bench-reports bench-strategy-import

bench-library: $(BENCH_STAMP)
	$(BIN)/python -m bench.library

# The embedded search index against the database engine and Datasette (bench/search_engines.py).
bench-search: $(BENCH_STAMP)
	$(BIN)/python -m bench.search_engines --size $${BENCH_SEARCH_SIZE:-full}

bench-iati: $(STAMP)
	$(BIN)/python -m bench.iati_import

bench-matching: $(STAMP)
	$(BIN)/python -m bench.matching
	$(BIN)/python -m bench.matching --postgres "$${ASMHUB_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/asmhub}"

bench-monitoring: $(BENCH_STAMP)
	$(BIN)/python -m bench.monitoring_scale
	$(BIN)/python -m bench.monitoring_scale --postgres "$${ASMHUB_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/asmhub}"
	$(BIN)/python -m bench.monitoring
	$(BIN)/python -m bench.monitoring --postgres "$${ASMHUB_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/asmhub}"

bench-polls: $(STAMP)
	$(BIN)/python -m bench.polls

# The results framework import: the dry run and the write (bench/strategy_import.py).
bench-strategy-import: $(STAMP)
	$(BIN)/python -m bench.strategy_import

bench-reports: $(STAMP)
	$(BIN)/python -m bench.reports

# The web tier under load through gunicorn and hey (bench/web.py), on SQLite then PostgreSQL.
bench-web: $(STAMP)
	$(BIN)/python -m bench.web
	$(BIN)/python -m bench.web --postgres "$${ASMHUB_BENCH_WEB_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/asmhub_web}"

# Ten minutes of mixed traffic at 32 clients (bench/web.py --soak; BENCH_SOAK_MINUTES=2 for a short run).
bench-soak: $(STAMP)
	$(BIN)/python -m bench.web --soak --minutes $${BENCH_SOAK_MINUTES:-10}

clean:
	rm -rf $(VENV) var test-artifacts
