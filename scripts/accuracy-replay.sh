#!/usr/bin/env bash
# Re-predicts the accuracy family with the current analysis against saved measurements (no DL4J
# training; seconds). Default: fixtures/accuracy/measured.csv, a full run of scripts/accuracy.sh
# (DL4J 1.0.0-M2.1, CPU, at initialisation), and beside it fixtures/accuracy/measured-seq.csv, a
# run of scripts/accuracy-seq.sh (the recurrent and transformer families).
# Usage: scripts/accuracy-replay.sh [CSV] [FILTER] [SEQUENCE-CSV]
set -euo pipefail
cd "$(dirname "$0")/.."
# a sourced file without arguments sees this script's: give it none, or Maven reads them as goals
args=("$@"); set --
. scripts/lib/verify-classpath.sh
set -- "${args[@]}"
exec java -cp "$cp_test" io.gradflow.eval.Replay \
  "${1:-fixtures/accuracy/measured.csv}" "${@:2}"
