#!/bin/sh
# Regenerates docs/two-heads.svg: the bundled two-heads demo (Sources/TrainingCore/DemoData/
# two-heads.toml, seeded) trained headless by the in-process training core, its Keras-style
# log plotted by `fitwatch plot`. Run from the package root; the SVG is byte-for-byte the same
# each time (the training is seeded and the plot ignores timings).
set -eu
swift build
bin="$(swift build --show-bin-path)/fitwatch"
out="$(pwd)/docs/two-heads.svg"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
"$bin" train two-heads --headless > two-heads.log
"$bin" plot two-heads.log -o "$out"
echo "wrote $out"
