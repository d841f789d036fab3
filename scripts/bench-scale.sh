#!/usr/bin/env bash
# How lint scales with the model (issue 16): generates models of 1k, 10k and 100k layers in every
# format (scripts' generator: core's test class io.gradflow.bench.ScaleModels) and prints the wall
# time and peak memory (resident set, from /usr/bin/time -v) of `gradflow lint` on each, launcher
# and JVM start-up included. Prints figures; asserts nothing (the targets are in the README).
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
printf '%-8s %-26s %10s %9s %9s %s\n' layers file bytes seconds "peak MiB" exit
for n in $sizes; do
  [ -f "$dir/dsl-$n.gflow" ] || java -cp "$cp" io.gradflow.bench.ScaleModels "$dir" "$n" >/dev/null
  for f in "$dir/dl4j-$n.json" "$dir/dl4j-graph-$n.json" "$dir/keras-$n.json" "$dir/keras-$n.h5" \
           "$dir/keras3-$n.keras" "$dir/dsl-$n.gflow"; do
    set +e
    /usr/bin/time -v -o "$dir/time.txt" ./gradflow lint --format json --fail-on never "$f" >/dev/null 2>"$dir/err.txt"
    rc=$?
    set -e
    secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$dir/time.txt")
    kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$dir/time.txt")
    printf '%-8s %-26s %10s %9.2f %9d %s\n' "$n" "$(basename "$f")" "$(stat -c %s "$f")" "$secs" $((kb / 1024)) "$rc"
    if [ "$rc" -ge 2 ]; then head -c 300 "$dir/err.txt" | sed 's/^/    /'; fi
  done
done
