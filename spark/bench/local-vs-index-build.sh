#!/usr/bin/env bash
# Alternating pairs, same data, same machine: `elixr spark embed --master local[2]` (with --index) vs `elixr index build`;
# then the Spark job's fixed cost (a rerun on the finished OUT: every partition skipped, no index).
# Usage: spark/bench/local-vs-index-build.sh RUN ARCHIVE WORKDIR [PAIRS]   (see docs/results.md)
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
RUN=$1 ARCHIVE=$2 W=$3 PAIRS=${4:-2}
mkdir -p "$W"
TIMEFORMAT='wall %R s, user %U s, sys %S s'
./elixr spark embed --help >/dev/null   # builds the CLI and the Spark job if stale, outside the timings
rm -rf "$W/warm-o" "$W/warm-i"         # a first Spark run writes the class-data archive (spark/target/elixr-spark.jsa)
./elixr spark embed --master 'local[2]' --run "$RUN" --data "$ARCHIVE" --out "$W/warm-o" --index "$W/warm-i" --partitions 2 >/dev/null 2>&1 || true
for i in $(seq 1 "$PAIRS"); do
  rm -rf "$W/o-$i" "$W/is-$i" "$W/ib-$i"
  echo "== pair $i spark $(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  { time ./elixr spark embed --master 'local[2]' --run "$RUN" --data "$ARCHIVE" --out "$W/o-$i" --index "$W/is-$i" 2>"$W/spark-$i.log" ; } 2>&1
  grep -E '^elixr: +[0-9.]+ s' "$W/spark-$i.log" || true
  echo "== pair $i index build $(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  { time ./elixr index build --run "$RUN" --data "$ARCHIVE" --out "$W/ib-$i" >/dev/null 2>&1 ; } 2>&1
done
echo "== spark fixed cost (every partition done, no index) $(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
{ time ./elixr spark embed --master 'local[2]' --run "$RUN" --data "$ARCHIVE" --out "$W/o-1" 2>"$W/spark-fixed.log" ; } 2>&1
grep -E '^elixr: +[0-9.]+ s' "$W/spark-fixed.log" || true
echo "== done $(date +%T)"
