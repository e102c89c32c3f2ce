# Interchange: every set-up step a fresh Debian 12 machine needs lives here.
# `make demo` and `make test` install what is missing, build and run.

SWIFT        ?= swift
APT_BUILD    := pkg-config libcurl4-openssl-dev libssl-dev libsqlite3-dev libpq-dev openssl ca-certificates
APT_TEST     := $(APT_BUILD) curl python3 procps prometheus postgresql chromium
APT_BENCH    := $(APT_BUILD) nginx-light wrk curl procps python3 postgresql
APT_FUZZ     := $(APT_BUILD)
APT_API_FUZZ := $(APT_TEST) python3-venv
APT_HOSTILE  := $(APT_BUILD) slowhttptest python3 procps
APT_TLSAUDIT := $(APT_BUILD) testssl.sh openssl curl python3 bsdextrautils

# Installs the Debian packages in $(1) that are not installed yet (sudo when not root).
define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

.PHONY: all deps-build deps-test deps-bench build release demo test bench fuzz-http fuzz hostile tls-audit api-fuzz soak soak-crash soak-cluster clean

all: build

deps-build:
	$(call apt_install,$(APT_BUILD))

deps-test:
	$(call apt_install,$(APT_TEST))

deps-bench:
	$(call apt_install,$(APT_BENCH))

build: deps-build
	$(SWIFT) build

release: deps-build
	$(SWIFT) build -c release --product interchange

# Runs the gateway with the simulated agencies and fixture traffic on loopback, then keeps serving.
demo: release
	.build/release/interchange certs init pki --config config/gateway.json
	.build/release/interchange demo --config config/gateway.json

# Every test: unit, conformance over real sockets, TLS handshakes, store, delivery, crash safety.
# Tests run one at a time (--no-parallel): many start real servers and child processes, and on 2 cores
# running them all at once starves the event loops they measure; serially the suite takes under a minute.
# The store tests run on SQLite and on a throwaway PostgreSQL server (Tests/postgres.sh), stopped and removed
# afterwards even when tests fail.
test: deps-test
	$(SWIFT) build --build-tests
	@pgdir=$$(mktemp -d /tmp/interchange-pg.XXXXXX); \
	trap 'Tests/postgres.sh stop "$$pgdir"' EXIT INT TERM; \
	url=$$(Tests/postgres.sh start "$$pgdir") || exit 1; \
	echo "PostgreSQL for the store tests: $$url (INTERCHANGE_TEST_PG)"; \
	INTERCHANGE_TEST_PG="$$url" $(SWIFT) test --no-parallel

# Load generator against the gateway and nginx in the same run; prints ratios.
bench: deps-bench release
	Benchmarks/bench.sh

# libFuzzer on the HTTP parser and chunked decoder for 60 s (separate package, so sanitizer flags stay out of
# `swift build`). New corpus entries go to Tests/Fuzz/corpus-http; crashes to Tests/Fuzz/crash-*.
fuzz-http: deps-build
	cd Tests/Fuzz && $(SWIFT) build -c release --product HTTPParserFuzz \
		-Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
	mkdir -p Tests/Fuzz/corpus-http
	cd Tests/Fuzz && SWIFT_BACKTRACE=enable=no .build/release/HTTPParserFuzz corpus-http seeds \
		-max_total_time=60 -max_len=4096 -print_final_stats=1

# schemathesis against `interchange serve` with openapi.yaml (not part of `make test`: it needs pip). Checks that
# no request gets a 5xx and that every answer matches the documented statuses, media types and schemas.
# API_FUZZ_EXAMPLES (default 50) per operation; API_FUZZ_CHECKS to choose schemathesis checks (e.g. all).
api-fuzz:
	$(call apt_install,$(APT_API_FUZZ))
	$(SWIFT) build --product interchange
	test -x .build/venv/bin/schemathesis || (python3 -m venv .build/venv && .build/venv/bin/pip install -q schemathesis)
	Tests/APIFuzz/api-fuzz.sh

# libFuzzer on the agency JSON adapters, the XML parser (XML1 / XML0 / GIAMDINHHS) and the config decoder, each for
# FUZZ_SECONDS (default 60). Seeds come from Fixtures/ and config/ (copied into a temp corpus; agency JSON files get
# the adapter's tag byte in front: h hospital, c court, v vneid, p procuracy, j judicial). Crashes go to Tests/Fuzz/.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := AgencyJSONFuzz XMLFuzz ConfigFuzz
fuzz: deps-build
	cd Tests/Fuzz && $(SWIFT) build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
	@set -e; corpus=$$(mktemp -d /tmp/interchange-fuzz-XXXXXX); \
	mkdir -p $$corpus/AgencyJSONFuzz $$corpus/XMLFuzz $$corpus/ConfigFuzz; \
	for pair in h:hospital c:court v:vneid p:procuracy j:judicial; do \
		tag=$${pair%%:*}; dir=$${pair#*:}; \
		for f in Fixtures/$$dir/*.json; do { printf '%s' $$tag; cat $$f; } > $$corpus/AgencyJSONFuzz/$$dir-$$(basename $$f); done; \
	done; \
	printf 't{"key":"n-1","text":"hello"}' > $$corpus/AgencyJSONFuzz/note.json; \
	cp Fixtures/hospital/*.xml $$corpus/XMLFuzz/; \
	cp config/*.json $$corpus/ConfigFuzz/; \
	failed=""; for target in $(FUZZ_TARGETS); do \
		echo "== $$target ($(FUZZ_SECONDS) s)"; \
		(cd Tests/Fuzz && SWIFT_BACKTRACE=enable=no .build/release/$$target $$corpus/$$target \
			-max_total_time=$(FUZZ_SECONDS) -max_len=16384 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1) \
			> $$corpus/$$target.log 2>&1 || failed="$$failed $$target"; \
		grep -E '^#[0-9]+[[:space:]]+(DONE|INITED)|stat::(number_of_executed_units|average_exec_per_sec|new_units_added)|ERROR|Fatal|crash-|SUMMARY' \
			$$corpus/$$target.log || true; \
	done; rm -rf $$corpus; \
	if [ -n "$$failed" ]; then echo "fuzz: crashes in$$failed (inputs in Tests/Fuzz/crash-*)"; exit 1; fi

# Slowloris, slow body, slow read and 10,000 idle connections against the release gateway while a normal client
# posts; results in Benchmarks/out/hostile.txt (HOSTILE_SECONDS per phase, default 30).
HOSTILE_SECONDS ?= 30
hostile: release
	$(call apt_install,$(APT_HOSTILE))
	python3 Benchmarks/hostile.py .build/release/interchange Benchmarks/out/hostile.txt --seconds $(HOSTILE_SECONDS)

# testssl.sh and openssl s_client against the mTLS agency listener; summary in Benchmarks/out/tls-audit.txt.
tls-audit: release
	$(call apt_install,$(APT_TLSAUDIT))
	Benchmarks/tls-audit.sh .build/release/interchange Benchmarks/out/tls-audit.txt

# The soak: the real `interchange serve` (mTLS agency listener) takes a realistic mix of every message type,
# duplicates and invalid posts at half its measured capacity for SOAK_SECONDS (default 1800) while the simulated
# agencies fail in bursts and go down (BHXH a minute, one Department of Justice a while, the population database
# briefly) and the gateway is SIGKILLed every 1-4 minutes; then checks exactly-once delivery, the log chain and
# memory, and prints a report (also written to $TMPDIR/interchange-soak-report.txt). Tests/GatewayTests/SoakMixTests.swift.
SOAK_SECONDS ?= 1800
soak: deps-test
	$(SWIFT) build --build-tests
	INTERCHANGE_SOAK_MIX_SECONDS=$(SOAK_SECONDS) $(SWIFT) test --skip-build --filter SoakMixTests

# The single-destination crash test (random SIGKILLs, no mix) for SOAK_CRASH_SECONDS instead of five kills.
SOAK_CRASH_SECONDS ?= 300
soak-crash: deps-test
	$(SWIFT) build --build-tests
	INTERCHANGE_SOAK_SECONDS=$(SOAK_CRASH_SECONDS) $(SWIFT) test --skip-build --filter CrashSafetyTests

# The three-node cluster test (one PostgreSQL store, SIGKILLs, failing destination) for minutes instead of four
# kills (SOAK_CLUSTER_SECONDS, default 300), on a throwaway PostgreSQL server like `make test`.
SOAK_CLUSTER_SECONDS ?= 300
soak-cluster: deps-test
	$(SWIFT) build --build-tests
	@pgdir=$$(mktemp -d /tmp/interchange-pg.XXXXXX); \
	trap 'Tests/postgres.sh stop "$$pgdir"' EXIT INT TERM; \
	url=$$(Tests/postgres.sh start "$$pgdir") || exit 1; \
	INTERCHANGE_TEST_PG="$$url" INTERCHANGE_CLUSTER_SOAK_SECONDS=$(SOAK_CLUSTER_SECONDS) $(SWIFT) test --filter ClusterTests

clean:
	rm -rf .build data run pki Benchmarks/out
