#!/usr/bin/env bash
# Coverage-guided fuzzing of every input surface fitwatch reads (docs/fuzzing.md).
#
#   scripts/fuzz.sh                      # every target for 60 s each
#   scripts/fuzz.sh --seconds 3600 keras-log callback-stream
#   scripts/fuzz.sh --runs 1000000 csvlogger   # stop each target after a million executions
#   scripts/fuzz.sh --runs 3000 --seed 1       # repeatable: the same inputs every time (CI)
#   scripts/fuzz.sh --build-only
#
# Builds `fitwatch-fuzz` (libFuzzer + AddressSanitizer) in .build/fuzz, apart from the normal
# build: only FITWATCH_FUZZ=1 adds the target to Package.swift, so `swift build` and
# `swift test` never see it. Each target keeps its corpus in .build/fuzz/corpus/TARGET (seeded
# from the test fixtures) and writes crashes, timeouts and out-of-memory inputs to
# .build/fuzz/findings/TARGET. Prints executions, coverage and findings per target; exits 1 if
# anything was found. A finding becomes a regression test by copying it into
# Tests/Fixtures/fuzz/TARGET/ (FuzzRegressionTests replays every file there).
set -euo pipefail
cd "$(dirname "$0")/.."

all_targets=(keras-log auto csvlogger tensorboard callback-stream model-json keras-archive summary run-spec theme)
seconds=60
runs=-1
seed=
build_only=0
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds=$2; shift 2 ;;
        --runs) runs=$2; seconds=0; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        --build-only) build_only=1; shift ;;
        -h|--help) sed -n 2,17p "$0"; exit 0 ;;
        *) targets+=("$1"); shift ;;
    esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

echo "fuzz: building fitwatch-fuzz (release, -sanitize=fuzzer,address) in .build/fuzz"
FITWATCH_FUZZ=1 swift build -c release --scratch-path .build/fuzz --product fitwatch-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library 2>&1 | grep -E "error|Compiling|Build" | tail -3
binary=.build/fuzz/release/fitwatch-fuzz
[ -x "$binary" ] || { echo "fuzz: build failed"; exit 2; }
[ "$build_only" = 1 ] && exit 0

# Seeds: the fixtures each surface has (small files only; libFuzzer trims to -max_len).
seeds() {
    case "$1" in
        keras-log|auto|summary) ls Tests/Fixtures/keras-logs/*.log Tests/Fixtures/models/*.log ;;
        csvlogger) ls Tests/Fixtures/keras-logs/*.csv Tests/Fixtures/models/*.csv Sources/TrainingCore/DemoData/two_heads.csv ;;
        tensorboard) find Tests/Fixtures/keras-logs -name 'events.out.tfevents.*' ;;
        callback-stream) ls Tests/Fixtures/fitwatch/*.jsonl Tests/Fixtures/hostile/*.jsonl ;;
        model-json) ls Tests/Fixtures/models/*.model.json Tests/Fixtures/hostile/*.model.json ;;
        keras-archive) ls Tests/Fixtures/models/*.keras ;;
        run-spec) ls Sources/TrainingCore/DemoData/*.toml ;;
        theme) ls themes/*.toml ;;
    esac 2>/dev/null
}
max_len() {
    case "$1" in
        keras-archive|tensorboard) echo 65536 ;;
        *) echo 8192 ;;
    esac
}

# TOMLKit never frees a parsed document (its TOMLTable has no deinit: the C++ table and its
# nodes stay allocated). fitwatch parses a theme or a run spec once per process, so the product
# does not grow, but a fuzzer parsing hundreds of thousands of them does: the theme target
# filled the 2 GB limit after 467,320 documents. Those two targets get 8 GB; every other target
# keeps 2 GB, so a leak of fitwatch's own still fails its target.
rss_limit() {
    case "$1" in
        theme|run-spec) echo 8192 ;;
        *) echo 2048 ;;
    esac
}

export SWIFT_BACKTRACE=enable=no
# Foundation and TOMLKit keep caches for the life of the process, which LeakSanitizer reports.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
export FITWATCH_FUZZ_DEMO_DATA="$PWD/Sources/TrainingCore/DemoData"
found=0
for target in "${targets[@]}"; do
    corpus=.build/fuzz/corpus/$target
    findings=.build/fuzz/findings/$target
    mkdir -p "$corpus" "$findings"
    seeds "$target" | while read -r seed; do cp "$seed" "$corpus/" 2>/dev/null || true; done
    [ -d "Tests/Fixtures/fuzz/$target" ] && cp Tests/Fixtures/fuzz/"$target"/* "$corpus/" 2>/dev/null || true
    log=.build/fuzz/$target.log
    limit=(-max_total_time="$seconds")
    [ "$runs" -ge 0 ] && limit=(-runs="$runs")
    # A fixed seed with a fixed number of runs makes a run repeatable (CI): the same inputs
    # are tried every time, so a finding there is a regression, not a roll of the dice.
    [ -n "$seed" ] && limit+=(-seed="$seed")
    before=$(ls "$findings" | wc -l)
    FITWATCH_FUZZ_TARGET=$target "$binary" "$corpus" "${limit[@]}" -max_len="$(max_len "$target")" \
        -timeout=10 -rss_limit_mb="$(rss_limit "$target")" -print_final_stats=1 -artifact_prefix="$findings/" >"$log" 2>&1 || true
    after=$(ls "$findings" | wc -l)
    executions=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    coverage=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -o 'cov: [0-9]*' | grep -o '[0-9]*' || echo "?")
    features=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -o 'ft: [0-9]*' | grep -o '[0-9]*' || echo "?")
    rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    new=$((after - before))
    printf 'fuzz: %-16s %10s executions (%s/s), coverage %s edges / %s features, corpus %s files, %d new findings\n' \
        "$target" "$executions" "$rate" "$coverage" "$features" "$(ls "$corpus" | wc -l)" "$new"
    if [ "$new" -gt 0 ] || grep -qE 'ERROR: (libFuzzer|AddressSanitizer)|Fatal error' "$log"; then
        found=1
        echo "fuzz: $target found something; see $log and $findings/"
        grep -E 'ERROR|Fatal error|SUMMARY' "$log" | head -5
    fi
done
exit $found
