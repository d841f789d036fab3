#!/usr/bin/env bash
# The accuracy evaluation of the recurrent and transformer families (issue 19): writes the seeded
# tf.keras models, predicts them, measures each at initialisation with the verifier's DL4J network
# and appends a row per case to target/accuracy-seq.csv (a stopped run resumes where it stopped).
# Store a full run as fixtures/accuracy/measured-seq.csv; scripts/accuracy-replay.sh replays it.
# Usage: scripts/accuracy-seq.sh [ID-FILTER] [CSV]   (about an hour and a half of CPU for the whole family: 16 networks per recurrent case)
set -euo pipefail
cd "$(dirname "$0")/.."
# a sourced file without arguments sees this script's: give it none, or Maven reads them as goals
args=("$@"); set --
. scripts/lib/verify-classpath.sh
set -- "${args[@]}"
exec java -Xmx6g -Dorg.bytedeco.javacpp.maxbytes=8G -cp "$cp_test" io.gradflow.eval.SequenceEvaluation "$@"
