#!/usr/bin/env bash
# GPU check of the OpenCL backend: runs the OpenCL op tests and `elixr bench gemm --device opencl` at 4096^3 on
# a GPU's OpenCL driver (NVIDIA's, through the ICD loader) and prints a short table. Takes 1-3 minutes.
#
#   bench/gpu-check.sh --prepare   on the build machine (JDK 25, Maven): builds the jars and puts all the
#                                  check needs into .gpu-check/ (a small Java 25 runtime made by jlink, the
#                                  test jars, elixr.jar, the OpenCL ICD loader), about 55 MB, ignored by git.
#   bench/gpu-check.sh             on the GPU machine (carry .gpu-check; no Maven, no network needed).
#
# Options for the second form: GPU_CHECK_SIZE (default 4096), GPU_CHECK_SHAPES (bench shapes MxKxN,...), GPU_CHECK_DEVICE (opencl:N; default: the
# first GPU listed), JAVA_HOME (a JDK >= 25; default: the carried runtime).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
pack="$root/.gpu-check"

if [ "${1:-}" = "--prepare" ]; then
  set -e
  export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
  export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
  ./mvnw -B -q -o install -DskipTests
  ./mvnw -B -q -o test-compile -pl tensor-core
  rm -rf "$pack" && mkdir -p "$pack/lib" "$pack/native"
  cp tensor-core/target/tensor-core-*.jar "$pack/lib/"
  rm -f "$pack"/lib/*-tests.jar "$pack"/lib/*-sources.jar
  cp tools/target/elixr.jar "$pack/elixr.jar"
  (cd tensor-core/target/test-classes && "$JAVA_HOME/bin/jar" cf "$pack/lib/tensor-core-tests.jar" .)
  m2="${M2_REPO:-$HOME/.m2/repository}"
  v=6.1.3
  for j in org/junit/platform/junit-platform-launcher/$v/junit-platform-launcher-$v.jar \
           org/junit/platform/junit-platform-engine/$v/junit-platform-engine-$v.jar \
           org/junit/platform/junit-platform-commons/$v/junit-platform-commons-$v.jar \
           org/junit/jupiter/junit-jupiter-api/$v/junit-jupiter-api-$v.jar \
           org/junit/jupiter/junit-jupiter-engine/$v/junit-jupiter-engine-$v.jar \
           org/junit/jupiter/junit-jupiter-params/$v/junit-jupiter-params-$v.jar \
           org/opentest4j/opentest4j/1.3.0/opentest4j-1.3.0.jar \
           org/apiguardian/apiguardian-api/1.1.2/apiguardian-api-1.1.2.jar \
           org/jspecify/jspecify/1.0.0/jspecify-1.0.0.jar; do
    cp "$m2/$j" "$pack/lib/"
  done
  for l in /usr/lib/x86_64-linux-gnu/libOpenCL.so.1 /usr/lib64/libOpenCL.so.1; do
    [ -e "$l" ] && { cp -L "$l" "$pack/native/libOpenCL.so.1"; break; }
  done
  "$JAVA_HOME/bin/jlink" --add-modules java.base,java.logging,java.management,jdk.unsupported,jdk.incubator.vector \
    --strip-debug --no-man-pages --no-header-files --compress=zip-9 --output "$pack/jre" 2>&1 | grep -v 'incubator' || true
  du -sh "$pack"
  echo "prepared: carry .gpu-check, then run: bash bench/gpu-check.sh"
  exit 0
fi

t0=$(date +%s)
[ -d "$pack/lib" ] || { echo "gpu-check: $pack is missing; run bench/gpu-check.sh --prepare on the build machine and carry .gpu-check" >&2; exit 2; }

# --- Java 25
java=""
for c in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 "$pack/jre"; do
  [ -n "$c" ] && [ -x "$c/bin/java" ] || continue
  v=$("$c/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then java="$c/bin/java"; break; fi
done
[ -n "$java" ] || { echo "gpu-check: no Java >= 25 (JAVA_HOME, /usr/lib/jvm/temurin-25-jdk-amd64 or $pack/jre)" >&2; exit 2; }

# --- OpenCL: the system's ICD loader, else the carried one; NVIDIA's ICD registered if the driver has none
export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:-}:/usr/local/nvidia/lib64:/usr/local/nvidia/lib:/usr/lib/x86_64-linux-gnu"
if ! ldconfig -p 2>/dev/null | grep -q 'libOpenCL.so.1 '; then export LD_LIBRARY_PATH="$pack/native:$LD_LIBRARY_PATH"; fi
nvcl=$(ldconfig -p 2>/dev/null | awk '/libnvidia-opencl.so.1 / {print $NF; exit}')
for d in /usr/local/nvidia/lib64 /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/local/nvidia/lib; do
  [ -z "$nvcl" ] && [ -e "$d/libnvidia-opencl.so.1" ] && nvcl="$d/libnvidia-opencl.so.1"
done
[ -n "$nvcl" ] || nvcl=$(find /usr /usr/local/nvidia -maxdepth 5 -name 'libnvidia-opencl.so.1*' 2>/dev/null | head -1)
if [ -n "$nvcl" ] && ! grep -qs nvidia /etc/OpenCL/vendors/*.icd; then
  mkdir -p /tmp/gpu-check-icd && echo "$nvcl" > /tmp/gpu-check-icd/nvidia.icd
  export OCL_ICD_VENDORS=/tmp/gpu-check-icd
fi
export POCL_CACHE_DIR=/tmp/gpu-check-pocl
rm -f /tmp/gpu-check-tiles.txt /tmp/gpu-check-gemm.txt
flags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx8g)
cp="$(ls "$pack"/lib/*.jar | tr '\n' ':')"
quiet() { grep -v 'WARNING: Using incubator' >&2; }

command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L
echo "== OpenCL devices (nvidia ICD: ${nvcl:-not found}; OCL_ICD_VENDORS=${OCL_ICD_VENDORS:-system})"
list=$("$java" "${flags[@]}" -cp "$pack/elixr.jar" dev.elixr.bench.DeviceGemmBench --list 2> >(quiet))
echo "$list"
dev="${GPU_CHECK_DEVICE:-$(echo "$list" | grep -m1 -E '^opencl:[0-9]+ +GPU' | cut -d' ' -f1)}"
[ -n "$dev" ] || { echo "gpu-check: no OpenCL GPU device found" >&2; exit 3; }
idx="${dev#opencl:}"

echo "== OpenCL op tests on $dev"
timeout 150 "$java" "${flags[@]}" -Delixr.test.opencl="$idx" -cp "$cp" dev.elixr.tensor.opencl.OpenClCheck 2> >(quiet)
tests=$?

size="${GPU_CHECK_SIZE:-4096}"
echo "== elixr bench gemm --device $dev"
timeout 90 "$java" "${flags[@]}" -jar "$pack/elixr.jar" bench gemm --device "$dev" --seconds 0.4 \
  --shapes "${GPU_CHECK_SHAPES:-${size}x${size}x${size},197x768x3072t,6304x768x3072}" 2> >(quiet) | tee /tmp/gpu-check-gemm.txt
gemm=${PIPESTATUS[0]}

echo "== GEMM tile sizes at ${size}^3 (-Delixr.opencl.gemm=BM,BN,BK,RM,RN; the default is 128,128,16,8,8)"
for tiles in 64,64,16,4,4 128,64,16,8,4 64,128,16,4,8 128,128,8,8,8; do
  timeout 20 "$java" "${flags[@]}" -Delixr.bench.seconds=1 -Delixr.opencl.gemm=$tiles -cp "$pack/elixr.jar" \
    dev.elixr.bench.DeviceGemmBench "$dev" "$size" "$size" "$size" 2>/dev/null | grep '^gemm' | sed "s/^gemm/tiles $tiles:/" \
    | tee -a /tmp/gpu-check-tiles.txt
done

echo
echo "| check | result |"
echo "|---|---|"
echo "| device | $(echo "$list" | grep -m1 "^$dev " | cut -c1-110) |"
echo "| OpenCL op tests | $([ $tests = 0 ] && echo passed || echo "FAILED (exit $tests)") |"
grep -h -E '^(gemm|tiles)' /tmp/gpu-check-gemm.txt /tmp/gpu-check-tiles.txt 2>/dev/null \
  | sed -E 's/^(gemm|tiles [0-9,]+:) *(opencl:[0-9]+)? *(.*[0-9t ]) +([0-9.]+) GFLOP\/s +\((.*)\)$/| \1 \3 | \4 GFLOP\/s (\5) |/'
echo "| total time | $(( $(date +%s) - t0 )) s |"
[ $tests = 0 ] && [ $gemm = 0 ]
