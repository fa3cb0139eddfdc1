# Axone — the two commands of the README, plus helpers.
#   make demo   trains a network on an embedded data set (installs what it needs first)
#   make test   runs the test suite (installs what it needs first)
#   make docs   writes the API reference (DocC) as a static site into docs/reference

SWIFT ?= swift
APT_PACKAGES := libopenblas-dev pkg-config zlib1g-dev dataset-fashion-mnist chromium libopenmpi-dev openmpi-bin iproute2
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test deps bench docs check-docs clean

# Installs the missing Debian packages (apt-get update first, as on a fresh machine).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing:$$missing"; \
		$(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y $$missing; \
	fi

demo: deps
	$(SWIFT) run -c release axone demo

# The CLI tests run the built `axone`, so build it first. The determinism tests run again under two
# other OpenBLAS kernels (AVX2 `Haswell`, AVX `Sandybridge`), then the whole suite on the native one.
DETERMINISM_CORES := Haswell Sandybridge
test: deps
	$(SWIFT) build
	$(SWIFT) build --build-tests
	@for core in $(DETERMINISM_CORES); do \
		echo "== DeterminismTests with OPENBLAS_CORETYPE=$$core"; \
		OPENBLAS_CORETYPE=$$core $(SWIFT) test --skip-build --filter DeterminismTests || exit 1; \
	done
	$(SWIFT) test --skip-build

bench: deps
	$(SWIFT) run -c release AxoneBench gemm
	$(SWIFT) run -c release AxoneBench ops

# The DocC reference of the Axone module as a static site (about 40 MB, not committed). Serve it with
# `python3 -m http.server -d docs/reference` and open http://localhost:8000/documentation/axone/;
# for a site under a sub-path (https://host/axone/), run `make docs DOCS_BASE_PATH=axone`.
DOCS_DIR := docs/reference
DOCS_BASE_PATH ?=
docs: deps
	rm -rf $(DOCS_DIR)
	$(SWIFT) package --allow-writing-to-directory $(DOCS_DIR) generate-documentation --target Axone \
		--transform-for-static-hosting --output-path $(DOCS_DIR) \
		$(if $(DOCS_BASE_PATH),--hosting-base-path $(DOCS_BASE_PATH))

# Fails on any DocC warning (a broken symbol link, an undocumented parameter, …); about a minute on a warm build.
check-docs: deps
	SWIFT=$(SWIFT) bash scripts/check-docs.sh

clean:
	rm -rf .build
