# Axone — the two commands of the README, plus helpers.
#   make demo   trains a network on an embedded data set (installs what it needs first)
#   make test   runs the test suite (installs what it needs first)

SWIFT ?= swift
APT_PACKAGES := libopenblas-dev pkg-config zlib1g-dev dataset-fashion-mnist chromium libopenmpi-dev openmpi-bin iproute2
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test deps bench clean

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

clean:
	rm -rf .build
