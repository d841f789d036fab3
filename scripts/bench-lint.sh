#!/usr/bin/env bash
# Start-up and throughput of `gradflow lint` (issue 17). Prints figures; asserts nothing (the
# targets are in the README's Speed section).
#  1. one-file lint next to a JVM that only prints "hello", on JDK 17 and on the newest JDK found
#     (class-data-sharing archive; the newest JDK also with its AOT cache), wall and CPU time,
#     median of alternating runs, on the README's example and on a Keras HDF5 file;
#  2. files/s with --jobs 1 and --jobs 2 on the 252 DL4J configurations of the accuracy family;
#  3. the first run after a fresh clone (`./gradflow --version`: builds core with the Maven cache as
#     it is; GRADFLOW_MVN_OPTS=-o to stay offline);
#  4. ResNet50's configuration read, analysed and checked, warm.
# RUNS (default 15) sets the rounds of (1), SKIP_CLONE=1 leaves out (3).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
. scripts/lib/alternate.sh
n=${RUNS:-15}
mkdir -p target/bench

# the JDKs: 17 and the newest >= 17 under /usr/lib/jvm (or JDK17 / JDKNEW given)
major() { sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null; }
jdk17=${JDK17:-}
jdknew=${JDKNEW:-}
best=0
for home in /usr/lib/jvm/*/; do
  home=${home%/}
  [ -x "$home/bin/java" ] || continue
  m=$(major "$home")
  [ -n "$m" ] || continue
  [ "$m" = 17 ] && [ -z "${JDK17:-}" ] && [ -z "$jdk17" ] && jdk17=$home
  if [ -z "${JDKNEW:-}" ] && [ "$m" -gt "$best" ]; then best=$m; jdknew=$home; fi
done
[ -n "$jdk17" ] || jdk17=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
[ -n "$jdknew" ] || jdknew=$jdk17
echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "   JDK 17: $jdk17"
echo "   newest: $jdknew"

# builds core and makes each JDK's archive now (not in the background)
for j in "$jdk17" "$jdknew"; do
  GRADFLOW_ARCHIVE_WAIT=1 GRADFLOW_JAVA=$j ./gradflow --version >/dev/null
done
if [ "$(major "$jdknew")" -ge 25 ]; then
  GRADFLOW_ARCHIVE=aot GRADFLOW_ARCHIVE_WAIT=1 GRADFLOW_JAVA=$jdknew ./gradflow --version >/dev/null
fi

cat > target/bench/Hello.java <<'JAVA'
public class Hello { public static void main(String[] a) { System.out.println("hello"); } }
JAVA
"$jdk17/bin/javac" --release 17 -d target/bench target/bench/Hello.java

one_file() {  # one_file FILE: hello and lint on each JDK, alternating
  local f=$1 args=()
  args+=(hello17 "$jdk17/bin/java -Xshare:auto -cp target/bench Hello")
  args+=(lint17 "GRADFLOW_JAVA=$jdk17 ./gradflow lint $f")
  if [ "$jdknew" != "$jdk17" ]; then
    args+=(hellonew "$jdknew/bin/java -Xshare:auto -cp target/bench Hello")
    args+=(lintnew "GRADFLOW_JAVA=$jdknew ./gradflow lint $f")
    [ "$(major "$jdknew")" -ge 25 ] && args+=(lintaot "GRADFLOW_ARCHIVE=aot GRADFLOW_JAVA=$jdknew ./gradflow lint $f")
  fi
  args+=(default "./gradflow lint $f")
  alternate "$n" "${args[@]}"
  printf '   %-34s %9s %9s %7s\n' "" "wall ms" "CPU ms" "ratio"
  row() {  # row LABEL NAME HELLO
    printf '   %-34s %9s %9s %6sx\n' "$1" "$(median_ms "$2")" "$(cpu_ms "$2")" "$(ratio "$(median_ms "$2")" "$(median_ms "$3")")"
  }
  row "hello, JDK 17" hello17 hello17
  row "gradflow lint, JDK 17 + CDS" lint17 hello17
  if [ "$jdknew" != "$jdk17" ]; then
    row "hello, JDK $(major "$jdknew")" hellonew hellonew
    row "gradflow lint, JDK $(major "$jdknew") + CDS" lintnew hellonew
    [ "$(major "$jdknew")" -ge 25 ] && row "gradflow lint, JDK $(major "$jdknew") + AOT cache" lintaot hellonew
  fi
  row "./gradflow lint (the launcher's pick)" default hello17
}

echo "== one-file lint vs a JVM that prints hello: median of $n alternating runs (ratio: wall / hello's on that JDK)"
echo "-- fixtures/examples/sigmoid-mlp-20.json (DL4J JSON, the README's example)"
one_file fixtures/examples/sigmoid-mlp-20.json
echo "-- fixtures/examples/sigmoid-mlp-20.h5 (Keras HDF5)"
one_file fixtures/examples/sigmoid-mlp-20.h5

echo "== many files: the accuracy family's DL4J configurations, one run each way, alternating"
. scripts/lib/verify-classpath.sh -o
if [ ! -f target/bench/family/.done ]; then
  rm -rf target/bench/family
  java -cp "$cp_test" io.gradflow.eval.FamilyConfigs target/bench/family >/dev/null 2>&1
  touch target/bench/family/.done
fi
files=$(ls target/bench/family/*.json | wc -l)
alternate "${ROUNDS:-3}" j1 "./gradflow lint --jobs 1 --format json target/bench/family" \
  j2 "./gradflow lint --jobs 2 --format json target/bench/family"
for j in 1 2; do
  ms=$(median_ms j$j)
  echo "   --jobs $j: $files files in $ms ms (start-up included): $(awk -v f="$files" -v m="$ms" 'BEGIN {printf "%.0f", f * 1000 / m}') files/s, CPU $(cpu_ms j$j) ms"
done
echo "   speed-up from 1 to 2 jobs: $(ratio "$(median_ms j1)" "$(median_ms j2)")x"

if [ "${SKIP_CLONE:-}" != 1 ]; then
  echo "== first run after a fresh clone (committed HEAD; Maven cache as it is; GRADFLOW_MVN_OPTS='${GRADFLOW_MVN_OPTS:-}')"
  clone=$(mktemp -d /tmp/gradflow-clone.XXXXXX)
  git clone -q "$root" "$clone/gradflow"
  # wall and CPU (user + system, Maven's JVM included): on a loaded machine the CPU is the steadier
  t=$( { TIMEFORMAT='%3R %3U %3S'; time (cd "$clone/gradflow" && ./gradflow --version >/dev/null 2>&1); } 2>&1 )
  set -- $t
  echo "   ./gradflow --version: $(awk -v r="$1" 'BEGIN {printf "%d", r * 1000}') ms, CPU $(awk -v u="$2" -v s="$3" 'BEGIN {printf "%d", (u + s) * 1000}') ms (builds core, then runs; the archive is made in the background)"
  start=$(date +%s%N)
  (cd "$clone/gradflow" && ./gradflow lint fixtures/examples/sigmoid-mlp-20.json >/dev/null 2>&1 || true)
  end=$(date +%s%N)
  echo "   then ./gradflow lint on one file: $(( (end - start) / 1000000 )) ms"
  # the background training may still be writing there
  sleep 1
  rm -rf "$clone" 2>/dev/null || true
fi

echo "== ResNet50 warm"
if [ ! -f target/bench/zoo/ResNet50.json ]; then
  java -cp "$cp_test" io.gradflow.bench.ZooConfigs target/bench/zoo >/dev/null 2>&1
fi
java -cp "$cp_test" io.gradflow.bench.WarmLint target/bench/zoo/ResNet50.json 200 100

echo "== a 24-layer transformer next to ResNet50, both Keras JSON, warm (issue 19: within 2x)"
for f in fixtures/reference/resnet50.json fixtures/reference/bert_large.json; do
  java -cp "$cp_test" io.gradflow.bench.WarmLint "$f" 200 100
done
echo "== load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
