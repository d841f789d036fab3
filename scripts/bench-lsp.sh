#!/usr/bin/env bash
# The language server's answer time (issue 18's target: 200 ms warm): `gradflow lsp` started as
# an editor starts it, a 100-layer DSL model opened, then one line changed at a time; each figure
# is the time from sending a change to receiving its diagnostics. Prints figures; asserts nothing.
# Usage: scripts/bench-lsp.sh [WARMUP] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
./gradflow --version >/dev/null   # builds the launcher's jars if needed
mvn -B -q -o -pl core test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/core-test-classpath.txt >/dev/null
java -cp "core/target/test-classes:core/target/classes:$(cat core/target/core-test-classpath.txt)" \
  io.gradflow.bench.LspLatency "${1:-30}" "${2:-50}"
