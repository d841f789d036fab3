#!/usr/bin/env bash
# The verifier's cost (issue 5): its training steps against plain Deeplearning4j fit for the same
# steps, and the time to a verdict, on a 20-layer MLP and on a ResNet50-sized configuration at a
# small input size (the DL4J zoo's ResNet50, whose input is inferred as 133 x 133).
# Usage: scripts/bench-verify.sh [STEPS]
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-20}
. scripts/lib/verify-classpath.sh -o
if [ ! -f target/bench/zoo/ResNet50.json ]; then
  java -cp "$cp_test" io.gradflow.bench.ZooConfigs target/bench/zoo >/dev/null 2>&1
fi
java -Xmx6g -cp "$cp_test" io.gradflow.bench.VerifyBench fixtures/examples/relu-he-mlp-20.json "$steps" 32 2>/dev/null
java -Xmx8g -Dorg.bytedeco.javacpp.maxbytes=12G -cp "$cp_test" io.gradflow.bench.VerifyBench \
  target/bench/zoo/ResNet50.json "${RESNET_STEPS:-2}" "${RESNET_BATCH:-4}" 2>/dev/null
