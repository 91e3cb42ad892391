VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
REPLAY := .venv-replay
REPLAY_STAMP := $(REPLAY)/.installed
OUTPUT ?= output

.PHONY: demo test lint install replay-tools clean bench bench-large bench-server bench-rebuild bench-media bench-fleet soak

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# The distribution was called "archiver" before 0.1.0 was packaged: not both at once.
	$(PY) -m pip uninstall -q -y archiver 2>/dev/null || true
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

$(REPLAY_STAMP): tools/replay-requirements.txt
	test -x $(REPLAY)/bin/python || python3 -m venv $(REPLAY)
	$(REPLAY)/bin/python -m pip install -q --upgrade pip
	$(REPLAY)/bin/python -m pip install -q -r tools/replay-requirements.txt
	touch $(REPLAY_STAMP)

# pywb and py-wacz, for replaying and validating archives, and ReplayWeb.page (the npm package
# alone, in .venv-replay/replaywebpage/), for the tests.
replay-tools: $(REPLAY_STAMP)
	bash tools/ensure-replaywebpage

demo: $(STAMP)
	$(VENV)/bin/archiver demo --output $(OUTPUT)

test: $(STAMP) replay-tools
	bash tools/ensure-chromium
	bash tools/ensure-redis
	$(VENV)/bin/ruff check archiver tests benchmarks tools
	$(VENV)/bin/ruff format --check archiver tests benchmarks tools
	$(VENV)/bin/mypy archiver
	$(VENV)/bin/pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check archiver tests benchmarks tools
	$(VENV)/bin/ruff format --check archiver tests benchmarks tools
	$(VENV)/bin/mypy archiver

# The reliability suite (kills, faults, a full disk, fuzzed pages): docs/RELIABILITY.md.
soak: $(STAMP)
	$(PY) tools/soak.py

# What archiving costs over fetching: archiver beside bare Scrapy, wget and curl, and a 10,000-post
# scale run (issue 14): benchmarks/CRAWL.md, benchmarks/crawl.json. bench-large: 100,000 posts.
# REBUILD=1 also times `archiver rebuild` of the scale run's output.
bench: $(STAMP)
	$(PY) benchmarks/crawl_compare.py --posts $(or $(POSTS),2000) --rounds $(or $(ROUNDS),3) --scale-posts 10000 $(if $(REBUILD),--rebuild)

bench-large: $(STAMP)
	$(PY) benchmarks/crawl_compare.py --no-compare --scale-posts 100000 $(if $(REBUILD),--rebuild)

bench-server: $(STAMP)
	$(PY) benchmarks/sample_server_load.py

# What fetching what pages load costs a crawl: benchmarks/MEDIA.md.
bench-media: $(STAMP)
	$(PY) benchmarks/media_cost.py --posts $(or $(POSTS),1000) --rounds $(or $(ROUNDS),3)

# Two workers beside one, journals a minute at 200 ms (issue 15): benchmarks/FLEET.md.
bench-fleet: $(STAMP)
	bash tools/ensure-redis
	$(PY) benchmarks/fleet_rate.py --rounds $(or $(ROUNDS),3)

# How fast `archiver rebuild` reads an archive back: benchmarks/REBUILD.md.
bench-rebuild: $(STAMP)
	$(PY) benchmarks/rebuild_rate.py --posts $(or $(POSTS),2000) --rounds $(or $(ROUNDS),3)

clean:
	rm -rf $(VENV) $(REPLAY) output/archive.db output/warc
