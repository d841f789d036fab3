#!/usr/bin/env bash
# Fuzzes every reader (core's ReaderFuzzTest, Jazzer) for DURATION each, niced, one target after
# the other, and prints the executions per target. Findings are saved as regression inputs under
# core/src/test/resources/io/gradflow/fuzz/ReaderFuzzTestInputs/<target>/: commit them (CI
# replays them) once they are fixed.
#   scripts/fuzz.sh                          # every target, 5 minutes each
#   DURATION=30m scripts/fuzz.sh
#   TARGET=dsl DURATION=3h scripts/fuzz.sh   # one target (or several: TARGET=dsl,zip)
# Targets: dl4jJson kerasJson hdf5 zip dsl config baseline (the readers) and pipeline (small models
# read, analysed, checked and written in every report format).
set -euo pipefail
cd "$(dirname "$0")/.."
targets="dl4jJson kerasJson hdf5 zip dsl config baseline pipeline"
# each target is its own surefire execution (fuzz-<target>, core/pom.xml's fuzz profile), in its own
# JVM: all of them through the test phase, or the named ones after the build and the seeds
goals=(test)
if [ -n "${TARGET:-}" ]; then
  goals=(process-test-classes)
  for t in ${TARGET//,/ }; do
    case " $targets " in
      *" $t "*) goals+=("surefire:test@fuzz-$t") ;;
      *) echo "fuzz.sh: no target '$t'; the targets: $targets" >&2; exit 2 ;;
    esac
  done
fi
mkdir -p core/target
rm -f core/target/fuzz-executions.txt
# the whole log (libFuzzer's progress, any finding's stack trace) in core/target/fuzz.log
nice -n "${NICE:-10}" mvn -B ${GRADFLOW_MVN_OPTS:-} -Pfuzz -pl core "${goals[@]}" -Dfuzz.duration="${DURATION:-5m}" \
  -DskipITs -Dmaven.test.failure.ignore=true > core/target/fuzz.log 2>&1 || true
grep -E '^Done [0-9]+ runs|fuzz target|FuzzTestFinding|Test unit written|Tests run:' core/target/fuzz.log || true
echo "== executions per target"
cat core/target/fuzz-executions.txt 2>/dev/null || echo "(none recorded)"
