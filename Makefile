# Axone — the commands of the README, plus helpers. Each installs only the Debian packages it needs.
#   make demo         trains a network on Fashion-MNIST (builds only the `axone` executable)
#   make playground   serves the browser playground on http://127.0.0.1:8080/
#   make test         runs the test suite (needs everything, Chromium included)
#   make docs         writes the API reference (DocC) as a static site into docs/reference

SWIFT ?= swift
# Building the core library needs OpenBLAS and zlib; `axone` also links Open MPI (AxoneDistributed).
BUILD_PACKAGES := libopenblas-dev pkg-config zlib1g-dev
DEMO_PACKAGES := $(BUILD_PACKAGES) libopenmpi-dev dataset-fashion-mnist
PLAYGROUND_PACKAGES := $(BUILD_PACKAGES)
# The tests also drive Chromium (playground), run mpirun and make network namespaces (distributed training).
TEST_PACKAGES := $(DEMO_PACKAGES) chromium openmpi-bin iproute2
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo playground test deps bench docs check-docs clean

# Installs the missing Debian packages among APT_PACKAGES (apt-get update first, as on a fresh
# machine); each command below sets APT_PACKAGES to its own list.
APT_PACKAGES ?= $(TEST_PACKAGES)
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing:$$missing"; \
		$(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y $$missing; \
	fi

demo:
	@$(MAKE) --no-print-directory deps APT_PACKAGES="$(DEMO_PACKAGES)"
	$(SWIFT) run -c release axone demo

playground:
	@$(MAKE) --no-print-directory deps APT_PACKAGES="$(PLAYGROUND_PACKAGES)"
	$(SWIFT) run -c release axone-playground

# The CLI tests run the built `axone`, so build it first. The determinism tests and the kernel's
# choice run again under two other OpenBLAS kernels (AVX2 `Haswell`, AVX `Sandybridge`), then the
# whole suite on the native one.
DETERMINISM_CORES := Haswell Sandybridge
test:
	@$(MAKE) --no-print-directory deps APT_PACKAGES="$(TEST_PACKAGES)"
	$(SWIFT) build
	$(SWIFT) build --build-tests
	@for core in $(DETERMINISM_CORES); do \
		echo "== DeterminismTests and BLASKernelTests with OPENBLAS_CORETYPE=$$core"; \
		OPENBLAS_CORETYPE=$$core $(SWIFT) test --skip-build --filter DeterminismTests || exit 1; \
		OPENBLAS_CORETYPE=$$core $(SWIFT) test --skip-build --filter BLASKernelTests || exit 1; \
	done
	$(SWIFT) test --skip-build

bench:
	@$(MAKE) --no-print-directory deps APT_PACKAGES="$(BUILD_PACKAGES) libopenmpi-dev"
	$(SWIFT) run -c release AxoneBench gemm
	$(SWIFT) run -c release AxoneBench ops

# The DocC reference of the Axone module as a static site (about 40 MB, not committed). Serve it with
# `python3 -m http.server -d docs/reference` and open http://localhost:8000/documentation/axone/;
# for a site under a sub-path (https://host/axone/), run `make docs DOCS_BASE_PATH=axone`.
DOCS_DIR := docs/reference
DOCS_BASE_PATH ?=
docs:
	@$(MAKE) --no-print-directory deps APT_PACKAGES="$(BUILD_PACKAGES)"
	rm -rf $(DOCS_DIR)
	$(SWIFT) package --allow-writing-to-directory $(DOCS_DIR) generate-documentation --target Axone \
		--transform-for-static-hosting --output-path $(DOCS_DIR) \
		$(if $(DOCS_BASE_PATH),--hosting-base-path $(DOCS_BASE_PATH))

# Fails on any DocC warning (a broken symbol link, an undocumented parameter, …); about a minute on a warm build.
check-docs:
	@$(MAKE) --no-print-directory deps APT_PACKAGES="$(BUILD_PACKAGES)"
	SWIFT=$(SWIFT) bash scripts/check-docs.sh

clean:
	rm -rf .build
