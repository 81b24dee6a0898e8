#!/usr/bin/env bash
# alternating pairs: elixr spark embed --master local[2] (with --index) vs elixr index build, same data, same machine
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
TIMEFORMAT='wall %R s, user %U s, sys %S s'
B=${1:-/tmp/spark-bench}   # holds run/ and archive/ (see docs/results.md)
for i in 1 2; do
  rm -rf $B/o-$i $B/is-$i $B/ib-$i
  echo "== pair $i spark $(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  { time ./elixr spark embed --master 'local[2]' --run $B/run --data $B/archive --out $B/o-$i --index $B/is-$i 2>/dev/null ; } 2>&1
  echo "== pair $i index build $(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  { time ./elixr index build --run $B/run --data $B/archive --out $B/ib-$i >/dev/null 2>&1 ; } 2>&1
done
echo "== spark fixed cost (every partition done, no index) $(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
{ time ./elixr spark embed --master 'local[2]' --run $B/run --data $B/archive --out $B/o-1 2>/dev/null ; } 2>&1
echo "== done $(date +%T)"
