#!/usr/bin/env bash
# The reference-network table of the README (issue 14): each fixtures/reference model linted and
# measured by `gradflow verify` with training steps, one model at a time, niced.
# To fit a 2-core machine the ImageNet-sized CNNs are measured at a smaller input (RES, default 96;
# U-Net at UNET_RES, default 188: the paper's 572 less a multiple of 16, so its fixed crops still
# fit) and the ViT at VIT_RES (default 96, its patch count rewritten): the script writes a copy of
# each file with that input into $OUT/models and both the prediction and the measurement read the
# copy, so predicted and measured figures are for the same network. The fixtures stay untouched.
# Usage: scripts/reference-verify.sh [MODEL-NAME...]   (default: all; e.g. resnet18 unet)
# Environment: STEPS (3), BATCH (4), PROBES (1), BUDGET (600 s per model), OUT (target/reference),
# GRADFLOW_JAVA_OPTS (default -Xmx6g -Dorg.bytedeco.javacpp.maxbytes=10G).
# Prints the markdown table (also in $OUT/table.md) over every report in $OUT/json, so models can be
# measured in several runs; `scripts/reference-table.py OUT STEPS BATCH` prints it again.
set -euo pipefail
cd "$(dirname "$0")/.."
RES=${RES:-96}; UNET_RES=${UNET_RES:-188}; VIT_RES=${VIT_RES:-96}
STEPS=${STEPS:-3}; BATCH=${BATCH:-4}; PROBES=${PROBES:-1}; BUDGET=${BUDGET:-600}
OUT=${OUT:-target/reference}
export GRADFLOW_JAVA_OPTS=${GRADFLOW_JAVA_OPTS:--Xmx6g -Dorg.bytedeco.javacpp.maxbytes=10G}
all=(resnet18 resnet50 vgg16_bn unet_paper unet resnet50_v2 inception_v3 xception densenet121 mobilenet_v2
     efficientnet_b0 mobilenet_v1 transformer_block lstm_lm vit_base bert_base bert_large)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=("${all[@]}")
mkdir -p "$OUT/models" "$OUT/json" "$OUT/log"

for n in "${names[@]}"; do
  src=fixtures/reference/$n.json
  [ -f "$src" ] || { echo "no such reference: $src" >&2; exit 2; }
  dst=$OUT/models/$n.json
  # image inputs [null, H, W, C] take the smaller resolution; everything else stays as written
  case "$n" in
    unet|unet_paper) r=$UNET_RES ;;
    vit_base) r=$VIT_RES ;;
    *) r=$RES ;;
  esac
  python3 - "$src" "$dst" "$r" "$n" <<'PY'
import re, sys
# textual, so that the copy keeps one layer per line and findings' lines still name their layers
src, dst, r, name = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
text = open(src).read()
text = re.sub(r'"batch_input_shape": \[null, \d+, \d+, (\d+)\]',
              lambda g: '"batch_input_shape": [null, %d, %d, %s]' % (r, r, g.group(1)), text)
if name == "vit_base":
    patches = (r // 16) ** 2    # the positions 0..N-1 of the patches come in as an input
    text = text.replace('"batch_input_shape": [null, 196]', '"batch_input_shape": [null, %d]' % patches)
    text = text.replace('"target_shape": [196, 768]', '"target_shape": [%d, 768]' % patches)
open(dst, "w").write(text)
PY
  echo "$(date -u +%H:%M:%S) $n at ${r}: verify --steps $STEPS --batch $BATCH --probe-batches $PROBES" >&2
  start=$(date +%s)
  nice -n 10 ./gradflow verify --steps "$STEPS" --batch "$BATCH" --probe-batches "$PROBES" \
      --time-budget "$BUDGET" --format json -o "$OUT/json/$n.json" "$dst" 2> "$OUT/log/$n.log" || true
  echo "$r $(( $(date +%s) - start ))" > "$OUT/json/$n.meta"
  tail -n 2 "$OUT/log/$n.log" >&2
done
python3 scripts/reference-table.py "$OUT" "$STEPS" "$BATCH" | tee "$OUT/table.md"
