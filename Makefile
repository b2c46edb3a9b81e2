# The bundle toolkit. `make build` puts everything shippable into dist/;
# `make test` is the whole test suite (the README's test command).
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS := -X github.com/bundle-wsgi/bundle/internal/cli.version=$(VERSION)
FUZZTIME ?= 10s

.PHONY: all build test vet fmt-check fuzz demo clean

all: build

build:
	@mkdir -p dist
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o dist/bundle ./cmd/bundle

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

# The main job for now: scaffold a bundle in a plain Flask repo, then validate
# it and the examples. (Serving comes with the runtime, issue 3.)
demo: build
	./examples/demo.sh dist/bundle

clean:
	rm -rf dist
