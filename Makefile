# A thin wrapper over CMake; the two commands a new machine needs are
# `make run` and `make test`. Missing Debian packages are installed with
# apt-get (as root, or through sudo).

BUILD      ?= build
BUILD_SAN  ?= build-asan
BUILD_FUZZ ?= build-fuzz
PREFIX     ?= /usr/local
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)

BUILD_DEPS = gcc libc6-dev pkg-config cmake make libuv1-dev libsodium-dev \
	libmsgpack-dev libsqlite3-dev libinih-dev libutf8proc-dev libjansson-dev \
	gettext
TEST_DEPS  = jq procps sqlite3 bc python3-icalendar graphviz python3-html5lib tidy chromium
FUZZ_DEPS  = clang libclang-rt-14-dev

.PHONY: all deps test-deps fuzz-deps build run test test-plain test-san \
	install bench fuzz demo clean

all: build

deps:
	@contrib/install-deps $(BUILD_DEPS)

test-deps:
	@contrib/install-deps $(BUILD_DEPS) $(TEST_DEPS)

fuzz-deps:
	@contrib/install-deps $(BUILD_DEPS) $(FUZZ_DEPS)

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# Starts tvaersd in the foreground on the default data directory
# ($TVAERS_HOME, else ~/.local/share/tvaers). Stop it with Ctrl-C.
run: build
	$(BUILD)/tvaersd

# Every test (unit, vectors, integration, fuzz corpus replay), then the same
# suite again under AddressSanitizer and UndefinedBehaviorSanitizer.
test: test-deps test-plain test-san

test-plain: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -LE bench

test-san:
	cmake -S . -B $(BUILD_SAN) -DCMAKE_BUILD_TYPE=Debug \
		-DTVAERS_ASAN=ON -DTVAERS_UBSAN=ON
	cmake --build $(BUILD_SAN) -j $(JOBS)
	cd $(BUILD_SAN) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --output-on-failure -j $(JOBS) -LE bench

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

# Four areas on loopback joined in a line; records cross them.
# DEMO_ARGS=--keep leaves the daemons running to look around.
demo: build
	@contrib/install-deps jq
	BUILD=$(BUILD) contrib/demo.sh $(DEMO_ARGS)

# Benchmarks print figures and what they compare with; they never fail on time.
bench: build
	cd $(BUILD) && ctest --output-on-failure -L bench -V

# libFuzzer campaigns: FUZZ_SECONDS per target (default 60).
fuzz: fuzz-deps
	cmake -S . -B $(BUILD_FUZZ) -DCMAKE_C_COMPILER=clang \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo -DTVAERS_FUZZ=ON \
		-DTVAERS_ASAN=ON -DTVAERS_UBSAN=ON
	cmake --build $(BUILD_FUZZ) -j $(JOBS)
	cd $(BUILD_FUZZ) && ctest --output-on-failure -R '^fuzz/'

clean:
	rm -rf $(BUILD) $(BUILD_SAN) $(BUILD_FUZZ)
