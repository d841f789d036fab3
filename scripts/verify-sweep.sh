#!/usr/bin/env bash
# gradflow verify over a folder of real models, summarised (issue 13): how many of the models lint
# analyses without GF012/GF013 on the measured path verify builds and measures, how often predicted
# and measured verdicts agree, what the findings' checks came to, and each failure by cause.
# Usage: scripts/verify-sweep.sh FOLDER [VERIFY OPTIONS...]   (defaults: --steps 0 --batch 8
# --probe-batches 2 --time-budget 600; later options win). The JSON report goes to $SWEEP_OUT
# (default target/sweep/verify.json).
set -euo pipefail
cd "$(dirname "$0")/.."
folder=$1
shift
out=${SWEEP_OUT:-target/sweep/verify.json}
mkdir -p "$(dirname "$out")"
./gradflow verify --steps 0 --batch 8 --probe-batches 2 --time-budget 600 "$@" --format json -o "$out" "$folder" || true
. scripts/lib/verify-classpath.sh -o
java -cp "$cp_test" io.gradflow.eval.Sweep "$folder" "$out"
