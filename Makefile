# Everything runs inside .venv, which the first target that needs it creates from
# pyproject.toml and the pinned constraints.txt.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run demo test bench protos lint check-protos clean

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

bench: $(STAMP)
	$(PY) -m bench $(BENCH_ARGS)

protos: $(STAMP)
	$(PY) scripts/gen_protos.py

check-protos: $(STAMP)
	$(PY) scripts/gen_protos.py --check

lint: check-protos
	cd protos && ../$(VENV)/bin/buf lint
	$(VENV)/bin/ruff check services tests bench scripts

clean:
	rm -rf $(VENV) var build protos/.deps
