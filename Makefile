# The two entry points of the README. Both install missing Debian packages first.
#   make run   - optimised build, then the broker with its defaults
#   make test  - AddressSanitizer + UBSan build, then every test with ctest
#   make fuzz  - clang + libFuzzer build, then each fuzz target for FUZZ_SECONDS
#   make bench - optimised build, then telemq against Mosquitto side by side

FUZZ_SECONDS ?= 300
JOBS ?= $(shell nproc)

# Let ccache reuse objects between checkouts in different folders (CI clones anew each run).
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1
export CCACHE_MAXSIZE ?= 5G

.PHONY: deps release asan run test fuzz bench format clean

deps:
	@bash scripts/install-deps.sh

release: deps
	cmake --preset release -DTELEMQ_TESTS=OFF >/dev/null
	cmake --build --preset release -j $(JOBS)

asan: deps
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)

run: release
	./build/bin/telemq $(ARGS)

test: asan
	bash tests/browser/prepare.sh
	ctest --preset asan -j $(JOBS)

fuzz: deps
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j $(JOBS)
	bash tests/fuzz/run-libfuzzer.sh build/fuzz/bin $(FUZZ_SECONDS)

bench: release
	bash scripts/bench-vs-mosquitto.sh

format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
