# The bundle toolkit. `make build` puts everything shippable into dist/;
# `make test` is the whole test suite (the README's test command).
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS := -X github.com/bundle-wsgi/bundle/internal/cli.version=$(VERSION)
FUZZTIME ?= 10s

.PHONY: all build build-arm64 test vet fmt-check fuzz demo demo-smoke clean

all: build

# dist/bundle, and the runtime wheel dist/bundle_runtime-*.whl (needs gcc).
build:
	@mkdir -p dist
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o dist/bundle ./cmd/bundle
	GO=$(GO) ./runtime/build.sh dist

# The linux/aarch64 runtime wheel, dist/bundle_runtime-*-manylinux_2_17_aarch64
# .manylinux2014_aarch64.whl, beside the x86_64 one; cross-compiled on other
# hosts (needs gcc-aarch64-linux-gnu and libc6-dev-arm64-cross). Not part of
# build: that needs only gcc. runtime/e2e's TestWheelManylinuxArm64 builds
# and audits it in make test; runtime/arm64run.sh runs it (by hand).
build-arm64:
	@mkdir -p dist
	GOARCH=arm64 GO=$(GO) ./runtime/build.sh dist

fmt-check:
	@out="$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))"; \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

test: fmt-check vet
	$(GO) test -race ./...

# Runs every native fuzz test for FUZZTIME each.
fuzz:
	./.ci/fuzz $(FUZZTIME)

# The main job: init and validate, then serve examples/flask on
# 127.0.0.1:$(PORT) with the in-process runtime (Ctrl-C stops it).
PORT ?= 8000
demo: build
	PORT=$(PORT) ./examples/demo.sh dist

# The same, bounded: serve on a free port, check it with curl, stop (CI).
demo-smoke: build
	DEMO_SMOKE=1 ./examples/demo.sh dist

clean:
	rm -rf dist
