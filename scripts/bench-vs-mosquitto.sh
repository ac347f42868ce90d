#!/usr/bin/env bash
# telemq against Debian's Mosquitto, side by side, with tools/telemq-bench as the generator.
#
# Each run starts a fresh broker on a free port (pinned to CPU 1, the generator to CPU 0), runs
# one scenario, and stops the broker, so one run's memory or crash never colours the next. Every
# row is run --runs times per broker and the median is reported, with the ratio
# telemq / mosquitto. A run in which the bench finds loss, duplicates, reordering or a broker
# crash is listed under "Problems" with the commands that reproduce it.
#
#   scripts/bench-vs-mosquitto.sh                   the default matrix, 3 runs each (< 5 min)
#   scripts/bench-vs-mosquitto.sh --quick           1 run each, short runs (smoke test)
#   scripts/bench-vs-mosquitto.sh --only fanin      rows whose name starts with "fanin"
#   scripts/bench-vs-mosquitto.sh --broker mosquitto
#   scripts/bench-vs-mosquitto.sh --persistent      durability modes vs mosquitto persistence
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench="$root/build/bin/telemq-bench"
telemq="$root/build/bin/telemq"
mosquitto=/usr/sbin/mosquitto
brokers="telemq mosquitto"
runs=3
duration=3
hold=2
connections=10000
only=""
persistent=0
keep_logs=0

usage() {
  sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  cat <<'EOF'
Options:
  --quick             1 run per row, 1 s runs
  --runs N            runs per row and broker (default 3)
  --duration S        seconds of publishing per run (default 3)
  --connections K     idle connections in the conn row (default 10000)
  --only PREFIX       only rows whose name starts with PREFIX (fanin, fanout, p2p, latency, conn)
  --broker NAME       telemq, mosquitto or both (default both)
  --persistent        8 -> 1 persistent subscriber, QoS 1: telemq memory/process/power
                      against mosquitto with persistence true
  --bench PATH        telemq-bench binary (default build/bin/telemq-bench)
  --telemq PATH       telemq binary (default build/bin/telemq)
  --keep-logs         keep broker logs and bench output (the folder is printed)
Brokers' data folders go under $TMPDIR (default /tmp).
EOF
}

while (($#)); do
  case "$1" in
    --quick) runs=1 duration=1 hold=1 ;;
    --runs) runs=$2; shift ;;
    --duration) duration=$2; shift ;;
    --connections) connections=$2; shift ;;
    --only) only=$2; shift ;;
    --broker)
      case "$2" in
        both) brokers="telemq mosquitto" ;;
        telemq | mosquitto) brokers=$2 ;;
        *) echo "unknown broker: $2" >&2; exit 2 ;;
      esac
      shift ;;
    --persistent) persistent=1 ;;
    --bench) bench=$2; shift ;;
    --telemq) telemq=$2; shift ;;
    --keep-logs) keep_logs=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

[[ -x "$bench" ]] || { echo "no telemq-bench at $bench (make release)" >&2; exit 2; }
if [[ " $brokers " == *" telemq "* && ! -x "$telemq" ]]; then
  echo "no telemq at $telemq (make release, or --broker mosquitto)" >&2
  exit 2
fi
if [[ " $brokers " == *" mosquitto "* && ! -x "$mosquitto" ]]; then
  echo "no mosquitto at $mosquitto (apt-get install mosquitto, or --broker telemq)" >&2
  exit 2
fi
if (($(nproc) < 2)); then
  echo "needs two CPUs: one for the broker, one for the generator" >&2
  exit 2
fi

# 10,000 connections need as many descriptors in the broker and in the generator.
ulimit -n "$(ulimit -Hn)"
if (($(ulimit -n) < connections + 100)); then
  echo "ulimit -n is $(ulimit -n): too low for --connections $connections" >&2
  exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/telemq-bench-vs.XXXXXX")
broker_pid=""
cleanup() {
  if [[ -n "$broker_pid" ]] && kill -0 "$broker_pid" 2>/dev/null; then
    kill -KILL "$broker_pid" 2>/dev/null || true
  fi
  if ((keep_logs)); then
    echo "logs kept in $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- brokers ---------------------------------------------------------------------------------

# Below the ephemeral range: a port that a client connection (10,000 of them in the conn row)
# happens to hold as its local port cannot be bound by a listener.
ephemeral_low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range)
port_span=$((ephemeral_low > 11000 ? ephemeral_low - 10000 : 20000))
free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((10000 + RANDOM % port_span))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  echo "no free port found" >&2
  exit 2
}

wait_listening() {
  local port=$1
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      return 0
    fi
    kill -0 "$broker_pid" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}

# Limits raised so that neither broker drops or refuses anything the generator's flow control
# lets through: what is compared is delivery speed, not queue policy.
mosquitto_conf() {
  local port=$1 dir=$2 durable=$3
  cat <<EOF
listener $port 127.0.0.1
allow_anonymous true
max_connections -1
set_tcp_nodelay true
max_inflight_messages 0
max_queued_messages 1000000
max_queued_bytes 0
log_dest stderr
log_type error
log_type warning
EOF
  if [[ "$durable" == 1 ]]; then
    printf 'persistence true\npersistence_location %s/\n' "$dir"
  else
    echo "persistence false"
  fi
}

telemq_conf() {
  local port=$1 dir=$2
  cat <<EOF
data_dir = "$dir"
log_level = "warn"

[[listener]]
url = "mqtt://127.0.0.1:$port"
allow_anonymous = true

[limits]
receive_maximum = 65535
max_inflight = 65535
max_queued_messages = 1000000
max_queued_bytes = 4294967296
max_write_buffer = 67108864
EOF
}

# start_broker NAME PORT CPUS [DURABILITY]; sets broker_pid, broker_cmd, broker_conf and
# broker_log.
start_broker() {
  local name=$1 port=$2 cpus=$3 durability=${4:-memory} dir="$work/data-$1-$2"
  mkdir -p "$dir"
  case "$name" in
    mosquitto)
      local durable=0
      [[ "$durability" != memory ]] && durable=1
      broker_conf="$dir/mosquitto.conf"
      mosquitto_conf "$port" "$dir" "$durable" >"$broker_conf"
      broker_cmd=(taskset -c "$cpus" "$mosquitto" -c "$broker_conf")
      ;;
    telemq)
      broker_conf="$dir/telemq.toml"
      telemq_conf "$port" "$dir" >"$broker_conf"
      broker_cmd=(taskset -c "$cpus" "$telemq" --config "$broker_conf"
        --durability "$durability")
      ;;
  esac
  "${broker_cmd[@]}" >"$dir/broker.log" 2>&1 &
  broker_pid=$!
  broker_log="$dir/broker.log"
  if ! wait_listening "$port"; then
    echo "$name did not start listening on $port:" >&2
    tail -n 20 "$broker_log" >&2
    stop_broker
    return 1
  fi
}

# Returns 1 when the broker had already died (a crash) before it was asked to stop.
stop_broker() {
  local pid=$broker_pid alive=0
  broker_pid=""
  [[ -z "$pid" ]] && return 0
  if kill -0 "$pid" 2>/dev/null; then
    alive=1
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  ((alive))
}

# --- runs --------------------------------------------------------------------------------------

clock_ticks=$(getconf CLK_TCK)
# User plus system CPU time of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat;
# the command name before them is in parentheses and may hold spaces).
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $12 + $13}'; }

json_field() { sed -n "s/.*\"$2\":\(-\{0,1\}[0-9.e+]*\).*/\1/p" <<<"$1"; }
json_problems() { sed -n 's/.*"problems":\[\(.*\)\],"ok".*/\1/p' <<<"$1"; }

median() {
  sort -g | awk '{v[NR] = $1} END {
    if (NR == 0) { print "-"; exit }
    m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf(m >= 100 ? "%.0f\n" : "%.1f\n", m) }'
}

problems=()

notes=()
declare -A samples  # "row|column|metric" -> newline-separated values

# run_row ROW COLUMN CPUS -- BENCH_ARGS...: COLUMN is a broker name, optionally with the
# durability mode after a colon (telemq:process, mosquitto:persistent).
run_row() {
  local row=$1 column=$2 cpus=$3
  shift 4
  local name=${column%%:*} durability=memory
  [[ "$column" == *:* ]] && durability=${column#*:}
  local port json status value reproduce cpu_before cpu_after received
  for run in $(seq 1 "$runs"); do
    # Another program may take the port between the check and the bind: try a few.
    local attempt
    for attempt in 1 2 3; do
      port=$(free_port)
      start_broker "$name" "$port" "$cpus" "$durability" && break
      if ((attempt == 3)); then
        problems+=("$row on $column: broker did not start: ${broker_cmd[*]}")
        return
      fi
    done
    local args=("$@" --port "$port" --json --quiet)
    [[ "$row" == conn* ]] && args+=(--broker-pid "$broker_pid")
    local cmd=(taskset -c 0 "$bench" "${args[@]}")
    echo "  $row  $column  run $run/$runs" >&2
    status=0
    cpu_before=$(cpu_ticks "$broker_pid")
    json=$(timeout $((duration + hold + 120)) "${cmd[@]}" 2>"$work/bench.err") || status=$?
    cpu_after=$(cpu_ticks "$broker_pid")
    reproduce="
    broker: ${broker_cmd[*]}   (config: $(tr '\n' ';' <"$broker_conf"))
    bench:  ${cmd[*]}"
    if ! stop_broker; then
      problems+=("$row on $column (run $run): broker CRASHED; log: $(tail -n 5 "$broker_log" |
        tr '\n' ' ')$reproduce")
    fi
    if ((status != 0)); then
      local why
      why=$(json_problems "$json")
      [[ -z "$why" ]] && why="exit $status: $(tail -n 3 "$work/bench.err" | tr '\n' ' ')"
      problems+=("$row on $column (run $run): $why$reproduce")
    fi
    value=$(json_field "$json" lost)
    if [[ -n "$value" && "$value" != 0 && $status == 0 ]]; then
      notes+=("$row on $column (run $run): $value messages lost at QoS 0")
    fi
    # Delivered messages per second of broker CPU: on a shared machine the broker's share of
    # its CPU varies from run to run, its cost per message much less.
    received=$(json_field "$json" received)
    if [[ -n "$received" && -n "$cpu_before" && -n "$cpu_after" ]] &&
      ((cpu_after > cpu_before)); then
      value=$(awk -v n="$received" -v t=$((cpu_after - cpu_before)) -v hz="$clock_ticks" \
        'BEGIN { printf "%.0f", n / (t / hz) }')
      samples["$row|$column|msgs_per_cpu_s"]+="$value"$'\n'
    fi
    for metric in msgs_per_s p50_us p99_us p999_us connects_per_s rss_per_connection_bytes; do
      value=$(json_field "$json" "$metric")
      if [[ -n "$value" ]]; then
        samples["$row|$column|$metric"]+="$value"$'\n'
      fi
    done
  done
}

row_names=()
declare -A row_args row_cpus row_metrics row_titles

add_row() {
  local name=$1 title=$2 cpus=$3 metrics=$4
  shift 4
  [[ -n "$only" && "$name" != "$only"* ]] && return
  row_names+=("$name")
  row_titles[$name]=$title
  row_cpus[$name]=$cpus
  row_metrics[$name]=$metrics
  row_args[$name]="$*"
}

common=(-d "$duration" --payload 64)
# Throughput rows: flow control wide enough that the generator's windows, not round trips, are
# what a broker has to keep up with (with the defaults, 64 in flight and a window of 128 per
# publisher, a fast broker idles between round trips). Latency and conn rows keep the defaults.
flow=(--inflight 256 --window 1024)
rate="msgs_per_s msgs_per_cpu_s"
if ((persistent)); then
  brokers_persistent=()
  for b in $brokers; do
    if [[ $b == telemq ]]; then
      brokers_persistent+=(telemq:memory telemq:process telemq:power)
    else
      brokers_persistent+=(mosquitto:persistent)
    fi
  done
  add_row persistent-fanin-q1 "fan-in 8->1 persistent subscriber, QoS 1, 64 B" 1 "$rate" \
    fanin -q 1 --persistent-sub "${common[@]}" "${flow[@]}"
else
  add_row fanin-q0 "fan-in 8->1 QoS 0, 64 B" 1 "$rate" fanin -q 0 "${common[@]}" "${flow[@]}"
  add_row fanin-q1 "fan-in 8->1 QoS 1, 64 B" 1 "$rate" fanin -q 1 "${common[@]}" "${flow[@]}"
  add_row fanin-q2 "fan-in 8->1 QoS 2, 64 B" 1 "$rate" fanin -q 2 "${common[@]}" "${flow[@]}"
  add_row fanin-q1-unpinned "fan-in 8->1 QoS 1, broker on both CPUs" 0,1 "$rate" \
    fanin -q 1 "${common[@]}" "${flow[@]}"
  add_row fanout-q0 "fan-out 1->50 QoS 0" 1 "$rate" fanout -s 50 -q 0 "${common[@]}" "${flow[@]}"
  add_row fanout-q1 "fan-out 1->50 QoS 1" 1 "$rate" fanout -s 50 -q 1 "${common[@]}" "${flow[@]}"
  add_row p2p-q0 "p2p 50 pairs QoS 0" 1 "$rate" p2p -p 50 -q 0 "${common[@]}" "${flow[@]}"
  add_row p2p-q1 "p2p 50 pairs QoS 1" 1 "$rate" p2p -p 50 -q 1 "${common[@]}" "${flow[@]}"
  add_row latency-q1 "latency at 2,000 msg/s QoS 1" 1 "p50_us p99_us p999_us" \
    latency -q 1 -r 2000 "${common[@]}"
  add_row conn "$connections idle connections" 1 "connects_per_s rss_per_connection_bytes" \
    conn -k "$connections" --hold "$hold" --connect-timeout 60
fi
if ((${#row_names[@]} == 0)); then
  echo "no row matches --only $only" >&2
  exit 2
fi

columns=()
if ((persistent)); then
  columns=("${brokers_persistent[@]}")
else
  read -r -a columns <<<"$brokers"
fi

if ((persistent)) && [[ $(stat -f -c %T "$work") == tmpfs ]]; then
  echo "warning: $work is on tmpfs, where fsync costs nothing; set TMPDIR to a disk" >&2
fi

started=$(date +%s)
for row in "${row_names[@]}"; do
  for column in "${columns[@]}"; do
    # shellcheck disable=SC2086  # row_args holds words on purpose
    run_row "$row" "$column" "${row_cpus[$row]}" -- ${row_args[$row]}
  done
done
elapsed=$(($(date +%s) - started))

# --- report ------------------------------------------------------------------------------------

metric_title() {
  case "$1" in
    msgs_per_s) echo "msg/s delivered (higher is better)" ;;
    msgs_per_cpu_s) echo "msg delivered per broker CPU-second (higher is better)" ;;
    p50_us) echo "p50 latency us (lower is better)" ;;
    p99_us) echo "p99 latency us (lower is better)" ;;
    p999_us) echo "p99.9 latency us (lower is better)" ;;
    connects_per_s) echo "connects/s (higher is better)" ;;
    rss_per_connection_bytes) echo "broker RSS per connection, bytes (lower is better)" ;;
  esac
}

cpu=$(sed -n 's/^model name\s*:\s*//p' /proc/cpuinfo | head -n 1)
echo
echo "## telemq vs mosquitto ($(date -u +%Y-%m-%d), $cpu, $(uname -r))"
echo
echo "${runs} run(s) of ${duration} s per row and broker, median; $elapsed s in all."
echo
header="| scenario | metric |"
rule="| --- | --- |"
for column in "${columns[@]}"; do
  header+=" $column |"
  rule+=" --- |"
done
baseline=""
if [[ " ${columns[*]} " == *" mosquitto"* ]]; then
  for column in "${columns[@]}"; do
    [[ $column == mosquitto* ]] && baseline=$column
  done
  for column in "${columns[@]}"; do
    if [[ $column != mosquitto* ]]; then
      header+=" $column / mosquitto |"
      rule+=" --- |"
    fi
  done
fi
echo "$header"
echo "$rule"
for row in "${row_names[@]}"; do
  for metric in ${row_metrics[$row]}; do
    line="| ${row_titles[$row]} | $(metric_title "$metric") |"
    declare -A med=()
    for column in "${columns[@]}"; do
      med[$column]=$(printf '%s' "${samples["$row|$column|$metric"]:-}" | median)
      line+=" ${med[$column]} |"
    done
    if [[ -n "$baseline" ]]; then
      for column in "${columns[@]}"; do
        [[ $column == mosquitto* ]] && continue
        line+=" $(awk -v a="${med[$column]}" -v b="${med[$baseline]}" 'BEGIN {
          if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }') |"
      done
    fi
    unset med
    echo "$line"
  done
done

echo
for n in "${notes[@]}"; do
  echo "note: $n"
done
if ((${#problems[@]} == 0)); then
  echo "Problems: none (no loss, duplicate, reordering or crash at QoS 1/2)."
else
  echo "Problems:"
  for p in "${problems[@]}"; do
    echo "- $p"
  done
  exit 1
fi
