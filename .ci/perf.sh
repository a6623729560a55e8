#!/usr/bin/env bash
# Measures the real binary for docs/PERFORMANCE.md on a warm cache of N
# records (default 100000): start-up to the first frame of the default tab,
# peak RSS of the TUI with every tab loaded, and `status` / `check`.
#
#   .ci/perf.sh [N] [runs]
#
# It builds credwatch, starts `credwatch sim` with N records on loopback
# (today 2026-03-18, a working day, so the default tab is 每日核查), syncs a
# new cache from it with `credwatch sync --once`, then measures with the
# simulator still running (the TUI's background sync finds nothing new).
# The TUI runs in a detached tmux session; it quits by itself:
#   CREDWATCH_EXIT_AFTER_FIRST_FRAME=1  after the first complete frame,
#   CREDWATCH_EXIT_AFTER_LOAD=1         once every tab has its data,
# and prints the time since process start to stderr. Peak RSS comes from
# /usr/bin/time -v (apt-get install time); hyperfine, if installed, times
# whole processes.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
runs=${2:-10}
today=2026-03-18
dir=$(mktemp -d /tmp/credwatch-perf.XXXXXX)
port=$((20000 + RANDOM % 20000))
bin=$dir/credwatch
go build -o "$bin" ./cmd/credwatch

"$bin" sim --records "$n" --today "$today" --tick 0 --listen "127.0.0.1:$port" >"$dir/sim.log" 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 600); do
  curl -sf "http://127.0.0.1:$port/v1/health" >/dev/null 2>&1 && break
  sleep 0.2
done
cat >"$dir/config.toml" <<TOML
cache = "$dir/cache.db"
[[endpoint]]
name = "sim"
base_url = "http://127.0.0.1:$port"
feeds = ["licence", "penalty", "coercion", "reward", "inspection", "sharing", "repair"]
timeout = "60s"
TOML
cw() { "$bin" --config "$dir/config.toml" --today "$today" "$@"; }

t0=$(date +%s.%N)
cw sync --once >/dev/null
t1=$(date +%s.%N)
echo "records:            $n"
echo "sync --once:        $(echo "$t1 - $t0" | bc) s"
echo "cache file:         $(du -m "$dir/cache.db" | cut -f1) MB"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# tui VAR [WRAPPER...]: runs the TUI in a detached 120x40 tmux session (tmux
# answers the terminal queries lipgloss makes at start, as a real terminal
# does) until it quits by itself, and prints its stderr. The shell records
# the time just before exec, so "launch" below includes exec, the runtime's
# and packages' initialisation and the terminal queries.
tui() {
  local var=$1; shift
  rm -f "$dir/err.txt"
  tmux new-session -d -s credwatch-perf -x 120 -y 40 \
    "date +%s%N >$dir/t0; exec $* env $var=1 $bin --config $dir/config.toml --today $today 2>$dir/err.txt; true" \; \
    set-option -t credwatch-perf remain-on-exit off
  while tmux has-session -t credwatch-perf 2>/dev/null; do sleep 0.02; done
  local t0; t0=$(cat "$dir/t0")
  awk -v t0="$t0" '/after process start/ {gsub(/[()]/, ""); printf "%s %.1f\n", $(NF-7), ($NF - t0) / 1e6}' "$dir/err.txt"
}
for i in $(seq "$runs"); do tui CREDWATCH_EXIT_AFTER_FIRST_FRAME; done >"$dir/ff.txt"
echo "first frame:        $(awk '{print $1}' "$dir/ff.txt" | median) ms after main's init, $(awk '{print $2}' "$dir/ff.txt" | median) ms after launch (medians of $runs)"
for i in $(seq "$runs"); do tui CREDWATCH_EXIT_AFTER_LOAD; done >"$dir/all.txt"
echo "every tab loaded:   $(awk '{print $1}' "$dir/all.txt" | median) ms after main's init, $(awk '{print $2}' "$dir/all.txt" | median) ms after launch"
for i in $(seq 3); do
  tui CREDWATCH_EXIT_AFTER_LOAD /usr/bin/time -v -o "$dir/time.txt" >/dev/null
  awk -F: '/Maximum resident set size/ {print $2/1024}' "$dir/time.txt"
done | median | sed 's/^/peak RSS (TUI):     /; s/$/ MB (median of 3, every tab loaded)/'

for c in status check; do
  for i in $(seq "$runs"); do
    s=$(date +%s%N); cw $c >/dev/null 2>&1 || true; e=$(date +%s%N)
    echo $(( (e - s) / 1000 ))
  done | median | awk '{printf "%-19s %.1f ms (median of '"$runs"', whole process)\n", "'$c':", $1/1000}'
done
if command -v hyperfine >/dev/null; then
  hyperfine -N -i -w 2 -r "$runs" \
    "$bin --config $dir/config.toml --today $today status" \
    "$bin --config $dir/config.toml --today $today check"
fi
