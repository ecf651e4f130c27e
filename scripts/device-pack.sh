#!/usr/bin/env bash
# Packs what a device machine needs to run scripts/device-check.sh. Such a machine (the session's
# `device` tool: one GPU, x86-64, Debian) starts bare, has no Node and no npm registry, and reaches
# nothing outside it; only the working tree travels, plus the ignored paths a call names in `carry`.
# So this builds here and packs into .devcarry/ (ignored through .git/info/exclude, well under the
# 64 MiB a call may carry):
#   carry.tar.xz  this machine's Node binary (bin/node), Dawn for Node (node_modules/webgpu,
#                 linux-x64 only), uvu and its dependencies, and the build (dist/, build/test,
#                 build/bench);
#   debs/         Debian's Vulkan loader and libglvnd (the NVIDIA Vulkan driver needs its
#                 libGLdispatch), unpacked over / there.
# Then, from the session: run(carry: ['.devcarry'], command: 'bash scripts/device-check.sh',
# timeout_s: 540). Run as root here (apt-get download). Usage: bash scripts/device-pack.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(uname -m)" = x86_64 ] || { echo "device-pack: this machine is $(uname -m); the device is x86-64, so Node and Dawn must be packed on x86-64" >&2; exit 2; }

grep -qx '/.devcarry/' .git/info/exclude 2>/dev/null || echo '/.devcarry/' >>.git/info/exclude
[ -d node_modules/webgpu/dist/linux-x64 ] || { echo 'device-pack: node_modules/webgpu/dist/linux-x64 missing: run npm ci first' >&2; exit 2; }
node scripts/build.mjs

rm -rf .devcarry
mkdir -p .devcarry/debs .devcarry/stage/bin
cp "$(command -v node)" .devcarry/stage/bin/node
DEBS="libvulkan1 libglvnd0 libegl1 libgl1 libglx0 libopengl0 libgles2"
(cd .devcarry/debs && { apt-get download $DEBS >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get download $DEBS; }; })

# Dawn: the package's JavaScript and the linux-x64 binary only (the other platforms are 100 MB).
WEBGPU=$(cd node_modules/webgpu && ls | grep -v '^dist$' | sed 's|^|node_modules/webgpu/|')
tar -cJf .devcarry/carry.tar.xz \
  -C .devcarry/stage bin \
  -C "$PWD" $WEBGPU node_modules/webgpu/dist/linux-x64 \
  node_modules/uvu node_modules/sade node_modules/mri node_modules/kleur node_modules/dequal node_modules/diff \
  dist build/test build/bench build/data
rm -rf .devcarry/stage
du -sh .devcarry/carry.tar.xz .devcarry/debs
echo "packed .devcarry/: carry it with run(carry: ['.devcarry'], command: 'bash scripts/device-check.sh')"
