# The two commands of the README: `make demo` and `make test`.
# Each installs what is missing (Debian packages, the virtual environment), then runs.

SHELL := /bin/bash
.DEFAULT_GOAL := demo
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Programs and data the pipeline calls at run time, plus what the tests compare against.
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng poppler-utils softhsm2 libnss3-tools \
	fonts-liberation2 fonts-dejavu-core ca-certificates tzdata ceph-mon ceph-osd radosgw postgresql \
	redis-server chromium opensc-pkcs11

.PHONY: demo test check system venv bench clean-demo

demo: system venv
	$(BIN)/sohoa demo

test: system venv
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest

check: venv
	$(BIN)/ruff check .
	$(BIN)/mypy

# Install only the Debian packages that are missing (apt lists refreshed only then).
system:
	@missing=""; \
	for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  echo "Cài đặt gói hệ thống:$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Cần Python 3.11 trở lên"; exit 1; }
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	touch $@

# Not one of the two README commands: measures sohoa against OCRmyPDF and plain Tesseract.
bench: system venv
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev,bench]'
	$(BIN)/python -m bench.ocr --runs 3
	$(BIN)/python -m bench.ablation

clean-demo:
	rm -rf var
