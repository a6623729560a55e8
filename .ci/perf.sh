#!/usr/bin/env bash
# Measures the real binary for docs/PERFORMANCE.md on a warm cache of N
# records (default 100000): start-up to the first frame of the default tab,
# peak RSS of the TUI with every tab loaded, and `status` / `check`.
#
#   .ci/perf.sh [N] [runs]
#   .ci/perf.sh aged [N] [rounds] [runs]
#   .ci/perf.sh backlog [N] [wait] [run]
#
# aged: the first frame and `check` on an aged cache beside a fresh one
# (issue 20). It keeps, in /tmp/credwatch-aged-N/, fresh.db (the first
# `sync --once` from a simulator with --tick 3s, compacted as that command
# does) and cache.db: the same data synced into it again `rounds` times
# (default 3), each round a day's changes (`sync --once` after 20 s) and a
# restarted simulator, which forgets every cursor, so every feed re-walks
# (a resync). Compaction considers a cache at most once a day, so cache.db
# stays as the resyncs leave it. Delete the directory to build it again
# (at 1M about 15 minutes). CREDWATCH_PERF_BIN=path measures that build
# instead of this tree's (any mode). It then times the TUI's first frame and
# `check` on the two files in turn, with no endpoint reachable.
# backlog: the TUI started with changes waiting: a simulator with
# --tick 100ms, a synced cache left `wait` behind (default 6m), then the
# TUI in tmux for `run` (default 75s) syncing every 10 s, VmRSS, RssAnon
# and RssFile sampled every 50 ms; it prints the peak sample and VmHWM.
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
mode=measure
case ${1:-} in aged|backlog) mode=$1; shift ;; esac
n=${1:-100000}
runs=${2:-10}
if [ "$mode" = aged ]; then
  rounds=${2:-3}; runs=${3:-7}
  dir=/tmp/credwatch-aged-$n # kept: building it takes long
  mkdir -p "$dir"
fi
today=2026-03-18
[ "$mode" = aged ] || dir=$(mktemp -d /tmp/credwatch-perf.XXXXXX)
port=$((20000 + RANDOM % 20000))
bin=$dir/credwatch
if [ -n "${CREDWATCH_PERF_BIN:-}" ]; then
  bin=$CREDWATCH_PERF_BIN # an earlier build, to compare
else
  go build -o "$bin" ./cmd/credwatch
fi

sim=
# startsim TICK: the simulator of n records on loopback, until it answers.
startsim() {
  "$bin" sim --records "$n" --today "$today" --tick "$1" --listen "127.0.0.1:$port" >>"$dir/sim.log" 2>&1 &
  sim=$!
  for _ in $(seq 900); do
    curl -sf "http://127.0.0.1:$port/v1/health" >/dev/null 2>&1 && return
    sleep 0.2
  done
  echo "the simulator did not start" >&2
  exit 1
}
stopsim() { kill "$sim"; wait "$sim" 2>/dev/null || true; sim=; }
# config FILE CACHE [INTERVAL]: a config on CACHE, its endpoint the simulator.
config() {
  cat >"$1" <<TOML
cache = "$2"
[[endpoint]]
name = "sim"
base_url = "http://127.0.0.1:$port"
feeds = ["licence", "penalty", "coercion", "reward", "inspection", "sharing", "repair"]
interval = "${3:-60s}"
timeout = "60s"
TOML
}
cfg=$dir/config.toml
cw() { "$bin" --config "$cfg" --today "$today" "$@"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# rss PID: VmRSS, RssAnon and RssFile (MB) every 50 ms while PID lives; the
# sample with the highest VmRSS, then VmHWM.
rss() {
  local pid=$1 peak=0 line="" hwm=0
  while [ -e "/proc/$pid/status" ]; do
    local s; s=$(awk '/^(VmRSS|RssAnon|RssFile|VmHWM):/ {v[$1]=$2} END {print v["VmRSS:"], v["RssAnon:"], v["RssFile:"], v["VmHWM:"]}' "/proc/$pid/status" 2>/dev/null) || break
    set -- $s
    [ $# -eq 4 ] || break
    if [ "$1" -gt "$peak" ]; then peak=$1; line="$s"; fi
    hwm=$4
    sleep 0.05
  done
  set -- $line
  echo "peak VmRSS $(($1 / 1024)) MB (RssAnon $(($2 / 1024)) MB, RssFile $(($3 / 1024)) MB at that sample); VmHWM $((hwm / 1024)) MB"
}

if [ "$mode" = aged ]; then
  trap '[ -z "$sim" ] || kill $sim 2>/dev/null' EXIT
  config "$cfg" "$dir/cache.db"
  config "$dir/fresh.toml" "$dir/fresh.db"
  if [ ! -e "$dir/fresh.db" ] || [ ! -e "$dir/aged.done" ]; then
    rm -f "$dir/cache.db" "$dir/fresh.db" "$dir/aged.done"
    startsim 3s
    cw sync --once >/dev/null 2>&1
    cp "$dir/cache.db" "$dir/fresh.db"
    for r in $(seq "$rounds"); do
      sleep 20
      cw sync --once >/dev/null 2>&1 # a day's changes
      stopsim
      startsim 3s # the agency forgets every cursor: every feed re-walks
      cw sync --once >/dev/null 2>&1
      echo "aged cache after round $r: $(du -m "$dir/cache.db" | cut -f1) MB"
    done
    sleep 20
    cw sync --once >/dev/null 2>&1
    stopsim
    touch "$dir/aged.done"
  fi
  # No endpoint answers from here on: the first frame does not wait for it.
  # A sync against the stopped simulator fails, but opens each cache for
  # writing first, as any process with the sync role does at its start: a
  # cache kept from an older build is brought to this build's schema.
  cw sync --once >/dev/null 2>&1 || true
  "$bin" --config "$dir/fresh.toml" --today "$today" sync --once >/dev/null 2>&1 || true
  echo "records:            $n"
  echo "fresh cache:        $(du -m "$dir/fresh.db" | cut -f1) MB"
  echo "aged cache:         $(du -m "$dir/cache.db" | cut -f1) MB ($rounds resyncs)"
fi
if [ "$mode" = backlog ]; then
  wait=${2:-6m}; run=${3:-75s}
  trap '[ -z "$sim" ] || kill $sim 2>/dev/null; tmux kill-session -t credwatch-perf-backlog 2>/dev/null || true; rm -rf "$dir"' EXIT
  startsim 100ms
  config "$cfg" "$dir/cache.db" 10s
  cw sync --once >/dev/null 2>&1
  echo "records: $n; synced, now $wait of changes every 100 ms"
  sleep "$wait"
  tmux new-session -d -s credwatch-perf-backlog -x 120 -y 40 "exec $bin --config $cfg --today $today 2>$dir/err.txt"
  pid=$(tmux list-panes -t credwatch-perf-backlog -F '#{pane_pid}')
  rss "$pid" >"$dir/rss.txt" &
  sampler=$!
  sleep "$run"
  tmux kill-session -t credwatch-perf-backlog
  wait "$sampler"
  echo "TUI with a $wait backlog, first $run: $(cat "$dir/rss.txt")"
  exit 0
fi
if [ "$mode" = measure ]; then
trap 'kill $sim 2>/dev/null; rm -rf "$dir"' EXIT
startsim 0
config "$cfg" "$dir/cache.db"

t0=$(date +%s.%N)
cw sync --once >/dev/null
t1=$(date +%s.%N)
echo "records:            $n"
echo "sync --once:        $(echo "$t1 - $t0" | bc) s"
echo "cache file:         $(du -m "$dir/cache.db" | cut -f1) MB"
fi
# tui VAR [WRAPPER...]: runs the TUI in a detached 120x40 tmux session (tmux
# answers the terminal queries lipgloss makes at start, as a real terminal
# does) until it quits by itself, and prints its stderr. The shell records
# the time just before exec, so "launch" below includes exec, the runtime's
# and packages' initialisation and the terminal queries.
tui() {
  local var=$1; shift
  rm -f "$dir/err.txt"
  tmux new-session -d -s credwatch-perf -x 120 -y 40 \
    "date +%s%N >$dir/t0; exec $* env $var=1 $bin --config $cfg --today $today 2>$dir/err.txt; true" \; \
    set-option -t credwatch-perf remain-on-exit off
  while tmux has-session -t credwatch-perf 2>/dev/null; do sleep 0.02; done
  local t0; t0=$(cat "$dir/t0")
  awk -v t0="$t0" '/after process start/ {gsub(/[()]/, ""); printf "%s %.1f\n", $(NF-7), ($NF - t0) / 1e6}' "$dir/err.txt"
}
# timed CMD...: CMD's whole-process time in microseconds.
timed() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(( (e - s) / 1000 )); }
if [ "$mode" = aged ]; then
  # Side by side: each run times the fresh and then the aged file; beside
  # the wall time, the process's CPU time (user+sys) and peak RSS, which
  # move less than the wall time with the machine's load.
  for i in $(seq "$runs"); do
    for c in fresh aged; do
      cfg=$dir/$c.toml
      [ $c = aged ] && cfg=$dir/config.toml
      ff=$(tui CREDWATCH_EXIT_AFTER_FIRST_FRAME /usr/bin/time -f %U+%S+%M -o "$dir/time.txt" | awk '{print $2}')
      echo "$c ff $ff $(tr '+' ' ' <"$dir/time.txt")"
      s=$(date +%s%N)
      /usr/bin/time -f %U+%S+%M -o "$dir/time.txt" "$bin" --config "$cfg" --today "$today" check >/dev/null 2>&1 || true
      e=$(date +%s%N)
      echo "$c check $(( (e - s) / 1000 )) $(tail -1 "$dir/time.txt" | tr '+' ' ')"
    done
  done >"$dir/side.txt"
  for c in fresh aged; do
    for w in ff check; do
      awk -v c=$c -v w=$w '$1 == c && $2 == w {print ($2 == "ff" ? $3 : $3 / 1000), ($4 + $5) * 1000, $6 / 1024}' "$dir/side.txt" >"$dir/col.txt"
      printf "%-6s %-12s %7.1f ms wall, %5.0f ms CPU, %4.0f MB peak RSS (medians of %d, alternating)\n" "$c" \
        "$([ $w = ff ] && echo 'first frame' || echo check)" \
        "$(awk '{print $1}' "$dir/col.txt" | median)" "$(awk '{print $2}' "$dir/col.txt" | median)" \
        "$(awk '{print $3}' "$dir/col.txt" | median)" "$runs"
    done
  done
  exit 0
fi
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
