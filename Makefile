VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
OUTPUT ?= output

.PHONY: demo test lint install clean bench-server

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/archiver demo --output $(OUTPUT)

test: $(STAMP)
	$(VENV)/bin/ruff check archiver tests
	$(VENV)/bin/ruff format --check archiver tests
	$(VENV)/bin/mypy archiver
	$(VENV)/bin/pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check archiver tests
	$(VENV)/bin/ruff format --check archiver tests
	$(VENV)/bin/mypy archiver

bench-server: $(STAMP)
	$(PY) benchmarks/sample_server_load.py

clean:
	rm -rf $(VENV) output/archive.db output/warc
