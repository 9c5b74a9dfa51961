# Everything runs inside .venv, which the first target that needs it creates from
# pyproject.toml and the pinned constraints.txt.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run demo test fuzz bench bench-full bench-plots protos lint check-protos clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check pip==26.3
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m services.launcher

demo: $(STAMP)
	$(PY) -m services.launcher --demo

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

# The hostile-input tests at full size: over 10,000 generated requests (docs/reliability.md).
FUZZ_EXAMPLES ?= 420
fuzz: $(STAMP)
	URBAN_TEST_HOSTILE_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -p no:randomly -q \
		tests/reliability/test_hostile_input.py tests/reliability/test_hostile_web.py $(PYTEST_ARGS)

# Minutes, with small sizes; bench-full: the sizes the goals are stated for (1,000,000 assets).
bench: $(STAMP)
	$(PY) -m bench --results var/bench/results.json $(BENCH_ARGS)

bench-full: $(STAMP)
	$(PY) -m bench --full --results var/bench/results-full.json $(BENCH_ARGS)

# The plots in docs/benchmarks.md, from the results of the runs above.
bench-plots: $(STAMP)
	$(PY) -m bench.plots $(wildcard var/bench/results.json var/bench/results-full.json) --out docs/images

protos: $(STAMP)
	$(PY) scripts/gen_protos.py

check-protos: $(STAMP)
	$(PY) scripts/gen_protos.py --check

lint: check-protos
	cd protos && ../$(VENV)/bin/buf lint
	$(VENV)/bin/ruff check services tests bench scripts

clean:
	rm -rf $(VENV) var build protos/.deps
