#!/usr/bin/env bash
# How lint scales with the model (issue 16): generates models of 1k, 10k and 100k layers in every
# format (scripts' generator: core's test class io.gradflow.bench.ScaleModels) and prints the wall
# time, the CPU time (user + system: less disturbed than the wall time on a shared machine) and
# the peak memory (resident set, from /usr/bin/time -v) of `gradflow lint` on each, launcher and
# JVM start-up included, with no --timeout (a busy machine must not cut a figure short). Prints
# figures; asserts nothing (the targets are in the README).
# No HDF5 file: an HDF5 attribute lives in a 64 KiB object-header message, so a model_config of
# 1,000 layers (400 KB) needs dense attribute storage, which the test's HDF5 writer does not make
# (nor does h5py under Keras's defaults); past the attribute the reader is the Keras JSON one.
#   SIZES="1000 10000" scripts/bench-scale.sh     # other sizes
#   GRADFLOW_JAVA_OPTS=-Xmx256m scripts/bench-scale.sh   # under a smaller heap
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${SIZES:-1000 10000 100000}
if [ ! -x /usr/bin/time ]; then
  echo "bench-scale: needs GNU time (/usr/bin/time; Debian's 'time' package)" >&2
  exit 2
fi
./gradflow --version >/dev/null   # builds the core module and its class-data-sharing archive if needed
if [ ! -f core/target/test-classes/io/gradflow/bench/ScaleModels.class ]; then
  mvn -B -q ${GRADFLOW_MVN_OPTS:-} -pl core test-compile >&2
fi
cp="core/target/test-classes:core/target/gradflow-core.jar:core/target/lib/*"
dir=target/bench/scale
mkdir -p "$dir"
printf '%-8s %-26s %10s %9s %9s %9s %s\n' layers file bytes seconds "CPU s" "peak MiB" exit
for n in $sizes; do
  [ -f "$dir/dsl-$n.gflow" ] || java -cp "$cp" io.gradflow.bench.ScaleModels "$dir" "$n" >/dev/null
  for f in "$dir/dl4j-$n.json" "$dir/dl4j-graph-$n.json" "$dir/keras-$n.json" "$dir/keras3-$n.keras" \
           "$dir/dsl-$n.gflow"; do
    set +e
    /usr/bin/time -v -o "$dir/time.txt" ./gradflow lint --format json --fail-on never --timeout 0 "$f" >/dev/null 2>"$dir/err.txt"
    rc=$?
    set -e
    secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$dir/time.txt")
    cpu=$(awk -F': ' '/(User|System) time \(seconds\)/ {s+=$2} END {print s}' "$dir/time.txt")
    kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$dir/time.txt")
    printf '%-8s %-26s %10s %9.2f %9.2f %9d %s\n' "$n" "$(basename "$f")" "$(stat -c %s "$f")" "$secs" "$cpu" \
      $((kb / 1024)) "$rc"
    if [ "$rc" -ge 2 ]; then head -c 300 "$dir/err.txt" | sed 's/^/    /'; fi
  done
done
