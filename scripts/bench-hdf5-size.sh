#!/usr/bin/env bash
# Lint time must not grow with weight size: lints a Keras HDF5 file with a tiny weight dataset and
# one with a large one (200 MB by default) a few times each and prints the wall times. A benchmark,
# not a test: run it by hand (or in CI as a report) after `mvn -DskipTests package test-compile`.
#   scripts/bench-hdf5-size.sh [MEGABYTES] [RUNS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mb="${1:-200}"
runs="${2:-5}"
cd "$here"
mvn -B -q -pl core test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/test-classpath.txt >/dev/null
cp="core/target/classes:core/target/test-classes:$(cat core/target/test-classpath.txt)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
java -Xmx2g -cp "$cp" io.gradflow.ingest.keras.KerasFiles "$work/small.h5" 1
java -Xmx2g -cp "$cp" io.gradflow.ingest.keras.KerasFiles "$work/large.h5" "$mb"
ls -l "$work"/*.h5
for f in small large; do
  for i in $(seq "$runs"); do
    start=$(date +%s%N)
    ./gradflow lint --fail-on never "$work/$f.h5" >/dev/null
    end=$(date +%s%N)
    echo "$f.h5 run $i: $(( (end - start) / 1000000 )) ms"
  done
done
