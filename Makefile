# Entry points for people and CI; each recipe is a thin call into scripts/ or cmake presets.
SHELL := /bin/bash

.DEFAULT_GOAL := build
.PHONY: run quickstart test bench build format format-check clean

# Sources clang-format owns.
FORMAT_DIRS := sqlcore trinity apps bench examples
FIND_SOURCES = find $(FORMAT_DIRS) -type f \( -name '*.cpp' -o -name '*.hpp' \) -print0 2>/dev/null

# Install deps, build the release preset, then `trinity-db migrate` and `trinity-db status` on
# $DATABASE_URL (default sqlite:///data/trinity.db, relative to the repository root).
run:
	scripts/install-deps
	cmake --preset release
	cmake --build --preset release --target trinity-db
	build/release/apps/trinity-db/trinity-db migrate
	build/release/apps/trinity-db/trinity-db status

# The sqlcore quickstart example on $DATABASE_URL (default sqlite:///data/quickstart.db).
quickstart:
	scripts/install-deps
	cmake --preset release
	cmake --build --preset release --target quickstart
	mkdir -p data
	DATABASE_URL="$${DATABASE_URL:-sqlite:///data/quickstart.db}" build/release/examples/quickstart/quickstart

# The whole suite on every backend, with a throwaway PostgreSQL (see scripts/test).
test:
	scripts/test

# Benchmarks, release build (see scripts/bench).
bench:
	scripts/bench

# Dev build only (ASan/UBSan), no tests.
build:
	scripts/install-deps
	cmake --preset dev
	cmake --build --preset dev

format:
	$(FIND_SOURCES) | xargs -0 -r clang-format -i

format-check:
	$(FIND_SOURCES) | xargs -0 -r clang-format --dry-run -Werror

# Stops a test server left running first: its state lives under build/.
clean:
	scripts/pg-test-server stop
	rm -rf build
