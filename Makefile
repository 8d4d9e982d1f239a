# The command interface of xxgk. `make run` and `make test` work on a fresh clone: they create
# .venv from requirements.lock (uv, installed from PyPI into the venv) before doing anything.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# no telemetry, nothing downloaded at run time
export DAGSTER_DISABLE_TELEMETRY := 1
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := false
export UV_COMPILE_BYTECODE := 1

.PHONY: install native run test test-fast lint bench dev clean

# The parser's modules compiled with mypyc (ingestion/native.py): built when their sources changed since
# the last build (the digest in ingestion/_native.json decides, not a list of files here). Without a C
# compiler the build says so once per change and everything runs as pure Python.

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check "uv==0.13.9"
	@$(BIN)/uv pip install -q --system-certs --python $(BIN)/python -r requirements.lock
	@$(BIN)/uv pip install -q --system-certs --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)
	@$(BIN)/xxgk native build --if-stale || true

native: $(STAMP)
	$(BIN)/xxgk native build

run: install
	$(BIN)/xxgk run

# both cores: the dbt builds of the end-to-end tests dominate, and work stealing spreads them
test: install
	$(BIN)/python -m pytest -n 2 --dist worksteal

test-fast: install
	$(BIN)/python -m pytest -n 2 --dist worksteal -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check ingestion orchestration expectations tests
	$(BIN)/ruff format --check ingestion
	$(BIN)/mypy

bench: install
	$(BIN)/xxgk bench --n $(or $(N),10000)

# the UI and daemon on the same instance as `make run` (data/dagster_home, telemetry off in its dagster.yaml)
dev: $(STAMP)
	$(BIN)/python -c "from orchestration.env import prepare; prepare()"
	DAGSTER_HOME=$${DAGSTER_HOME:-$(CURDIR)/data/dagster_home} $(BIN)/dagster dev -m orchestration.definitions -h 127.0.0.1 -p 3000

clean:
	rm -rf $(VENV) data/warehouse.duckdb data/reports data/archive data/dagster_home
	rm -f ingestion/*.so xxgk_native__mypyc*.so ingestion/_native.json
