# Two entry points for a fresh machine (see README):
#   make demo   install everything, run the five seed articles through the embedded model
#   make test   install everything, run lint, types and the whole test suite
VENV ?= .venv
PY := $(VENV)/bin/python
# The ray extra is the scale-out (tests/test_scale_ray.py needs it).
# llama-cpp-python is compiled on install; a portable build (the native one crashes on some CPUs).
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON

.PHONY: install browser demo test lint record

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[local,test,ray]"
	touch $@

install: $(VENV)/.installed

# Headless Chromium renders the HTML report in tests/test_report_browser.py (Debian package).
browser:
	@command -v chromium >/dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

demo: install
	$(VENV)/bin/summarizer run examples/articles --out out

lint: install
	$(VENV)/bin/ruff check summarizer tests
	$(VENV)/bin/ruff format --check summarizer tests
	$(VENV)/bin/mypy

test: lint browser
	$(VENV)/bin/pytest

# Re-record the cassettes against the embedded model (starts it for the run).
record: install
	$(PY) tests/record.py
