# The verbs people use. `make demo` and `make test` install everything they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install system-deps test demo bench bundle lint clean k8s fuzz exit-spec

$(STAMP): setup.cfg pyproject.toml requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt \
		--config-settings editable_mode=compat -e .
	@touch $@

# Byte-compile our own modules every time: images often set PYTHONDONTWRITEBYTECODE, and
# a PID 1 that recompiles its sources at every container start pays for it each time. The
# shipped plugins too: init runs cmd/ssh/git/initscripts from their byte code when it is there.
install: $(STAMP)
	@$(PY) -m compileall -q pai_runtime plugins >/dev/null
	@$(PY) -I -m pai_runtime.regexcache

system-deps:
	@bash tests/rigs/install-system-deps.sh

lint: install
	@$(VENV)/bin/ruff check pai_runtime tests bench plugins scripts bin/pai-runtime
	@$(VENV)/bin/lint-imports --no-cache --config setup.cfg

test: install system-deps lint
	@$(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

# The config fuzzer at length (make test runs 6 examples per input, seed 18). Each run
# draws a new seed and prints it; a failure names its seed and count: rerun with
# PAI_FUZZ_SEED=N PAI_FUZZ_EXAMPLES=M make fuzz (or the pytest line in its docstring).
fuzz: install
	@seed=$${PAI_FUZZ_SEED:-$$(date +%s)}; echo "fuzz: PAI_FUZZ_SEED=$$seed PAI_FUZZ_EXAMPLES=$${PAI_FUZZ_EXAMPLES:-300}"; \
		PAI_FUZZ_SEED=$$seed PAI_FUZZ_EXAMPLES=$${PAI_FUZZ_EXAMPLES:-300} \
		$(PY) -m pytest -q -p no:cacheprovider tests/test_fuzz_init.py

demo: install
	@bash scripts/demo.sh

bench: install system-deps
	@$(PY) bench/run.py $(BENCH_ARGS)

bundle: install
	@bash build/bundle.sh

# Regenerate what build/k8s/ derives from specs/ (failure policies, the kustomize base's
# spec copies); `make test` fails while they are stale.
k8s: install
	@$(PY) build/k8s/generate.py

# Regenerate pai_runtime/exitspec/shipped.py, the shipped exit spec precompiled for init,
# after any change to specs/runtime-exit-spec.yaml; `make test` fails while it is stale.
exit-spec: install
	@$(PY) -m pai_runtime.exitspec.precompile

clean:
	rm -rf .pai build/bundle dist *.egg-info .setuptools-build
