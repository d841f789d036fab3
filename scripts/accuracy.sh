#!/usr/bin/env bash
# The accuracy evaluation of the gradient-flow prediction (issue 7): builds the DL4J family,
# measures each network at initialisation and prints the agreement table (and target/accuracy.csv).
# Usage: scripts/accuracy.sh [CASES] [SEED]   (default: the whole family, seed 7; about 20 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
# a sourced file without arguments sees this script's: give it none, or Maven reads them as goals
args=("$@"); set --
. scripts/lib/verify-classpath.sh
set -- "${args[@]}"
exec java -Xmx6g -Dorg.bytedeco.javacpp.maxbytes=8G -cp "$cp_test" io.gradflow.eval.Evaluation "$@"
