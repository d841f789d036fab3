#!/usr/bin/env bash
# Seeds for the fuzz targets (core's ReaderFuzzTest), from ../shared/corpus and fixtures/, copied
# into Jazzer's generated-corpus directories (.cifuzz-corpus/, git-ignored) at fuzz time: the
# corpus files themselves never enter the repository. Run by `mvn -Pfuzz` before fuzzing.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=../shared/corpus
base=.cifuzz-corpus/io.gradflow.fuzz.ReaderFuzzTest
seed() {  # seed TARGET FILE...
  local dir="$base/$1"
  shift
  mkdir -p "$dir"
  for f in "$@"; do
    # small seeds only: libFuzzer mutates up to the largest seed's length, and a 300 KB input runs
    # a hundred times slower than a 3 KB one
    [ -f "$f" ] && [ "$(stat -c %s "$f")" -le "${MAX_SEED_BYTES:-32768}" ] || continue
    # libFuzzer's corpus entries are named by content; a stable name keeps reruns from duplicating
    cp -f "$f" "$dir/seed-$(sha1sum "$f" | cut -c1-16)"
  done
}
shopt -s nullglob globstar
if [ ! -d "$corpus" ]; then
  echo "fuzz-seeds: $corpus is absent: seeding from fixtures/ only" >&2
fi
seed dl4jJson "$corpus"/dl4j-json/*.json fixtures/examples/*.json fixtures/rules/**/*.json
seed kerasJson "$corpus"/keras-json/*.json
seed hdf5 "$corpus"/keras-h5/*.h5 "$corpus"/keras3/*HDF5*.keras
seed zip "$corpus"/keras3/*.keras "$corpus"/dl4j-json/*.zip fixtures/golden/inputs/*.zip
seed dsl fixtures/**/*.gflow
seed config fixtures/golden/inputs/*config*.json
seed baseline fixtures/golden/inputs/baseline.json
seed pipeline fixtures/rules/**/*.json fixtures/**/*.gflow "$corpus"/dl4j-json/*.json "$corpus"/keras-json/*.json
for d in "$base"/*; do
  echo "fuzz-seeds: $(basename "$d"): $(ls "$d" | wc -l) inputs" >&2
done
