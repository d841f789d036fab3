#!/usr/bin/env bash
# gradflow verify over a folder of real models, summarised (issue 13): how many of the models lint
# analyses without GF012/GF013 on the measured path verify builds and measures, how often predicted
# and measured verdicts agree, what the findings' checks came to, and each failure by cause.
# Usage: scripts/verify-sweep.sh FOLDER [VERIFY OPTIONS...]   (defaults: --steps 0 --batch 8
# --probe-batches 2 --time-budget 600; later options win). The report goes to target/sweep/.
set -euo pipefail
cd "$(dirname "$0")/.."
folder=$1
shift
mkdir -p target/sweep
./gradflow verify --steps 0 --batch 8 --probe-batches 2 --time-budget 600 "$@" --format json \
  -o target/sweep/verify.json "$folder" || true
. scripts/lib/verify-classpath.sh -o
java -cp "$cp_test" io.gradflow.eval.Sweep "$folder" target/sweep/verify.json
