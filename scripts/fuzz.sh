#!/usr/bin/env bash
# Fuzzes every reader (core's ReaderFuzzTest, Jazzer) for DURATION each, niced, one target after
# the other, and prints the executions per target. Findings are saved as regression inputs under
# core/src/test/resources/io/gradflow/fuzz/ReaderFuzzTestInputs/<target>/: commit them (CI
# replays them) once they are fixed.
#   scripts/fuzz.sh            # 5 minutes per target
#   DURATION=30m scripts/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p core/target
rm -f core/target/fuzz-executions.txt
# the whole log (libFuzzer's progress, any finding's stack trace) in core/target/fuzz.log
nice -n "${NICE:-10}" mvn -B ${GRADFLOW_MVN_OPTS:-} -Pfuzz -pl core test -Dfuzz.duration="${DURATION:-5m}" \
  -DskipITs -Dmaven.test.failure.ignore=true > core/target/fuzz.log 2>&1 || true
grep -E '^Done [0-9]+ runs|fuzz target|FuzzTestFinding|Test unit written|Tests run:' core/target/fuzz.log || true
echo "== executions per target"
cat core/target/fuzz-executions.txt 2>/dev/null || echo "(none recorded)"
