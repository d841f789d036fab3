# Sourced by the benchmark scripts: wall times of commands run in alternation (round robin, so
# that a change of machine load falls on every command alike), reported as medians.
# Usage: alternate ROUNDS NAME1 'COMMAND1' NAME2 'COMMAND2' ...; then median_ms NAME, min_ms NAME.
# cpu_ms NAME: the median CPU time (user + system) of NAME's runs, which a loaded machine disturbs
# less than wall time. Each command runs through bash -c with its output discarded.
alt_dir=$(mktemp -d)
trap 'rm -rf "$alt_dir"' EXIT

alternate() {
  local rounds=$1 i k t
  shift
  local -a names=() cmds=()
  while [ $# -gt 0 ]; do names+=("$1"); cmds+=("$2"); shift 2; done
  for k in "${!names[@]}"; do : > "$alt_dir/${names[$k]}"; : > "$alt_dir/${names[$k]}.cpu"; done
  local TIMEFORMAT='%3R %3U %3S'
  for ((i = 0; i < rounds; i++)); do
    for k in "${!names[@]}"; do
      t=$( { time bash -c "${cmds[$k]}" >/dev/null 2>&1; } 2>&1 ) || true
      set -- $t
      awk -v r="$1" 'BEGIN {printf "%d\n", r * 1000000}' >> "$alt_dir/${names[$k]}"
      awk -v u="$2" -v s="$3" 'BEGIN {printf "%d\n", (u + s) * 1000000}' >> "$alt_dir/${names[$k]}.cpu"
    done
  done
}

median_ms() {  # the median of NAME's runs, in ms with one decimal
  sort -n "$alt_dir/$1" | awk '{v[NR] = $1} END {m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f", m / 1000}'
}

cpu_ms() {
  median_ms "$1.cpu"
}

min_ms() {
  sort -n "$alt_dir/$1" | head -n 1 | awk '{printf "%.1f", $1 / 1000}'
}

ratio() {  # A / B to two decimals
  awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'
}
