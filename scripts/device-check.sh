#!/usr/bin/env bash
# The device check, one command on a device machine (after scripts/device-pack.sh here; the device
# tool runs it in the repository root with $OUT an empty folder whose files come back):
#   1. unpacks .devcarry (Node, Dawn, uvu, the build) and Debian's Vulkan loader and libglvnd;
#   2. says which GPU and driver it found (nvidia-smi, Vulkan's adapter through Dawn);
#   3. runs the WebGPU suites on it with DROPOUT_SME_REQUIRE_WEBGPU=1, so an absent GPU fails:
#      kernels, WASM vs WebGPU, forced small limits, split-K, batched SME paths, leaks;
#   4. runs bench/peers-gpu.bench.ts (the peers' rows, the device's ceilings, split-K on and off,
#      PyTorch on CUDA where there is one), then the other benches with --quick (DEVICE_BENCHES
#      names them, default "gemm curvature sme"; empty: none).
# On the H200 budget (15 minutes of device time a session, a start included) give it timeout_s 540.
# Rehearsed on this project's 2-core machine with SwiftShader standing in (DEVICE_SOFTWARE=1,
# DEVICE_NO_DEBS=1): 77 WebGPU tests passed in 151 s, and every bench ran.
# Every step's output goes to $OUT (<step>.txt) and to the terminal; a failing step is reported and
# the others still run; the exit status is the first failure's. Rehearsal on a machine without a
# GPU: DEVICE_NO_DEBS=1 (keep this machine's libraries) and DEVICE_SOFTWARE=1 (let the GPU bench
# run on a software adapter, with its --quick --software).
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
status=0
step() { # step NAME COMMAND...: runs it, output to $OUT/NAME.txt; remembers the first failure
  local name=$1; shift
  echo "=== $name: $*"
  local t0=$SECONDS
  "$@" 2>&1 | tee "$OUT/$name.txt"
  local rc=${PIPESTATUS[0]}
  echo "=== $name: exit $rc after $((SECONDS - t0)) s" | tee -a "$OUT/$name.txt"
  [ "$rc" = 0 ] || [ "$status" != 0 ] || status=$rc
}

[ -f .devcarry/carry.tar.xz ] || { echo 'device-check: no .devcarry/carry.tar.xz: run scripts/device-pack.sh here and carry .devcarry' >&2; exit 2; }
tar -xJf .devcarry/carry.tar.xz -C .devcarry bin
tar -xJf .devcarry/carry.tar.xz --exclude=bin
if [ -z "${DEVICE_NO_DEBS:-}" ]; then
  for f in .devcarry/debs/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
export PATH="$PWD/.devcarry/bin:$PATH" XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
# Where the Vulkan loader finds no driver by itself, the NVIDIA one (the device tool's README).
NV_ICD=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ] && [ -e "$NV_ICD" ]; then
  export VK_DRIVER_FILES=$NV_ICD __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
fi

step gpu sh -c 'nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1 || echo "no nvidia-smi"; node --version; node -e "import(\"dropout-sme\").then(async (m) => { const e = await m.createEngine({ backend: \"webgpu\" }); console.log(e.backendInfo.description, JSON.stringify(e.backendInfo.details)); e.dispose(); process.exit(0); })"'
DROPOUT_SME_REQUIRE_WEBGPU=1 step crosscheck node node_modules/uvu/bin.js build/test '^(kernels|crosscheck|leaks|webgpu/[a-z-]+|sme/paths)\.test\.js$'
SOFT=${DEVICE_SOFTWARE:+--quick --software --tasks=step-W1,hvp-W1,gemm-wgrad-W1}
step peers-gpu node build/bench/peers-gpu.bench.js ${SOFT:-}
for b in ${DEVICE_BENCHES-gemm curvature sme}; do
  step "bench-$b" node "build/bench/$b.bench.js" --quick
done
echo "device-check: outputs in $OUT; exit $status"
exit "$status"
