#!/usr/bin/env bash
# Peak RSS and img/s of ELIXR-C training steps (elixr bench memory) for the towers of docs/results.md, one JVM per
# configuration (peak RSS never goes down; a failed one is recorded with its first error line), then a least-squares fit RSS = a + b*batch per tower and setting, and the
# batch at which the fit reaches 24 GiB (an extrapolation), for peak RSS and for the peak live heap (the most heap a
# collection left in use). Usage: bench/memory-sweep.sh [OUT.jsonl] [BATCHES...]
# Serial GC with tight heap free ratios (the heap is shrunk to about live data after each full collection), so that
# peak RSS follows what the step keeps alive rather than how far a throughput collector let the heap grow;
# ELIXR_BENCH_XMX (default 6g) caps the heap; ELIXR_BENCH_JAVA_OPTS adds JVM flags (e.g. -Xmn1g: a small young generation
# leaves the old one nearly the whole heap, so a batch fits when MemoryPlan's live peak does; arrays larger than the
# young generation's eden go straight to the old one); STEPS (default 2; 1 is exact for memory, AdamW's moments existing
# from the start, and times the step with its JIT warm-up); CHECKPOINTS (default
# "no yes") picks the settings. JAR defaults to tools/target/elixr.jar (./elixr builds it).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-memory-sweep.jsonl}"; shift || true
batches=("${@:-1 2 4 8}"); read -r -a batches <<< "${batches[*]}"
jar="${JAR:-$here/tools/target/elixr.jar}"
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
run() {  # encoder width size checkpoint batch
  local ck=(); [ "$4" = yes ] && ck=(--checkpoint-activations)
  local err; err="$(mktemp)"
  "$java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx"${ELIXR_BENCH_XMX:-6g}" \
    -XX:+UseSerialGC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 ${ELIXR_BENCH_JAVA_OPTS:-} -jar "$jar" bench memory \
    --image-encoder "$1" --image-width "$2" --image-size "$3" --batch "$5" --steps "${STEPS:-2}" "${ck[@]}" 2>"$err" | grep '^{' >> "$out" \
    || echo "{\"encoder\":\"$1/$2\",\"size\":$3,\"batch\":$5,\"checkpoint\":$([ "$4" = yes ] && echo true || echo false),\"failed\":true,\"error\":\"$(why "$err")\"}" >> "$out"
  rm -f "$err"
}
# why a run failed: its first exception or error line (an OutOfMemoryError, or e.g. a tensor over 2^31-1 elements), JSON-safe
why() { grep -m1 -E 'Error|Exception|elixr:' "$1" | tr -d '"\\' | cut -c1-300 || true; }
# tower by tower, cheapest first, so that an interrupted sweep leaves whole towers to fit; TOWERS overrides the list
# ("ENCODER WIDTH SIZE" entries separated by ';', width 0 for EfficientNet)
IFS=';' read -r -a towers <<< "${TOWERS:-vit-16-12-12 768 224;efficientnet-b0 0 512;vit-16-12-12 768 384}"
for tower in "${towers[@]}"; do
  for ck in ${CHECKPOINTS:-no yes}; do
    for b in "${batches[@]}"; do run $tower $ck "$b"; done
  done
done
# fit per (encoder, size, checkpoint): RSS = a + b*batch; batch at 24 GiB = (24 GiB - a) / b
python3 - "$out" <<'PY'
import json, sys, collections
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
g = collections.defaultdict(list)
for r in rows:
    if not r.get("failed"): g[(r["encoder"], r["size"], r["checkpoint"])].append(r)
G = 24 * 2**30
for k, rs in sorted(g.items()):
    xs = [r["batch"] for r in rs]; ys = [r["peak_rss_bytes"] for r in rs]; n = len(xs)
    if n < 2: continue
    mx, my = sum(xs) / n, sum(ys) / n
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs); a = my - b * mx
    plan = {r["batch"]: r["plan_bytes"] for r in rs}
    ips = {r["batch"]: round(r["images_per_second"], 3) for r in rs}
    cpu = {r["batch"]: round(r.get("cpu_seconds_per_image", float("nan")), 2) for r in rs}
    live = {r["batch"]: r["peak_live_heap_bytes"] for r in rs if "peak_live_heap_bytes" in r}
    lfit = {}
    if len(live) >= 2:  # the same fit on the heap after GC
        lx, ly = list(live), list(live.values()); lm, lmy = sum(lx) / len(lx), sum(ly) / len(ly)
        lb = sum((x - lm) * (y - lmy) for x, y in zip(lx, ly)) / sum((x - lm) ** 2 for x in lx); la = lmy - lb * lm
        lfit = {"heap_after_gc_a_mib": round(la / 2**20), "heap_after_gc_b_mib_per_image": round(lb / 2**20, 1),
                "heap_after_gc_batch_at_24gib_extrapolated": int((G - la) // lb) if lb > 0 else None}
    print(json.dumps({**lfit, "heap_after_gc_mib": {x: round(y / 2**20) for x, y in live.items()}, "encoder": k[0], "size": k[1], "checkpoint": k[2], "a_mib": round(a / 2**20), "b_mib_per_image": round(b / 2**20, 1),
                      "batch_at_24gib_extrapolated": int((G - a) // b) if b > 0 else None,
                      "plan_mib": {x: round(p / 2**20) for x, p in plan.items()}, "rss_mib": {x: round(y / 2**20) for x, y in zip(xs, ys)},
                      "images_per_second": ips, "cpu_seconds_per_image": cpu}))
PY
