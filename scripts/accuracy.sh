#!/usr/bin/env bash
# The accuracy evaluation of the gradient-flow prediction (issue 7): builds the DL4J family,
# measures each network at initialisation and prints the agreement table (and target/accuracy.csv).
# Usage: scripts/accuracy.sh [CASES] [SEED]   (default: the whole family, seed 7; about 20 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/verify-classpath.sh
exec java -Xmx6g -Dorg.bytedeco.javacpp.maxbytes=8G -cp "$cp_test" io.gradflow.eval.Evaluation "$@"
