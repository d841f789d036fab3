#!/usr/bin/env bash
# Start-up and throughput of the static path (issue 2's targets):
#  1. wall time of `gradflow lint` on one file next to a JVM that only prints "hello";
#  2. per-file time when linting every DL4J zoo configuration in one run;
#  3. ResNet50's configuration read, analysed and checked once warm.
# Prints figures; asserts nothing (targets are in the README). Uses hyperfine when installed.
set -euo pipefail
cd "$(dirname "$0")/.."
./gradflow --version >/dev/null   # builds and makes the class-data-sharing archive if needed
mkdir -p target/bench
. scripts/lib/verify-classpath.sh -o
if [ ! -f target/bench/zoo/ResNet50.json ]; then
  java -cp "$cp_test" io.gradflow.bench.ZooConfigs target/bench/zoo >/dev/null 2>&1
fi
cat > target/bench/Hello.java <<'JAVA'
public class Hello { public static void main(String[] a) { System.out.println("hello"); } }
JAVA
javac -d target/bench target/bench/Hello.java
sample=fixtures/examples/sigmoid-mlp-20.json
n=${RUNS:-20}

mean_ms() {  # mean wall time of a command over $n runs, in ms
  local start end
  start=$(date +%s%N)
  for _ in $(seq "$n"); do "$@" >/dev/null 2>&1 || true; done
  end=$(date +%s%N)
  echo $(( (end - start) / n / 1000000 ))
}

echo "== one-file lint vs a JVM that prints hello ($n runs each)"
if command -v hyperfine >/dev/null; then
  hyperfine -N -w 3 -r "$n" -i "java -Xshare:auto -cp target/bench Hello" "./gradflow lint $sample" 2>&1 \
    | grep -E 'Benchmark|Time \(mean'
else
  hello=$(mean_ms java -Xshare:auto -cp target/bench Hello)
  lint=$(mean_ms ./gradflow lint "$sample")
  echo "hello: ${hello} ms   gradflow lint: ${lint} ms   ratio: $(awk "BEGIN{printf \"%.1f\", $lint/$hello}")x"
fi

echo "== every DL4J zoo configuration in one run"
files=$(ls target/bench/zoo/*.json | wc -l)
start=$(date +%s%N)
./gradflow lint --format json target/bench/zoo >/dev/null 2>&1 || true
end=$(date +%s%N)
total=$(( (end - start) / 1000000 ))
echo "$files files in ${total} ms: $(( total / files )) ms per file (start-up included)"

echo "== ResNet50 warm"
java -cp "$cp_test" io.gradflow.bench.WarmLint target/bench/zoo/ResNet50.json 200 100

echo "== a 24-layer transformer next to ResNet50, both Keras JSON, warm (issue 19: within 2x)"
for f in fixtures/reference/resnet50.json fixtures/reference/bert_large.json; do
  java -cp "$cp_test" io.gradflow.bench.WarmLint "$f" 200 100
done
