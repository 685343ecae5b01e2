#!/usr/bin/env bash
# The GPU check on the GPU machine, from the repository root with .gpu-kit/ in it (see the
# README, Benchmarks: "On a GPU machine"): unpacks the kit, runs nes's check on webgpu, then PyTorch's twin of the
# reference net on CUDA for comparison. JSON lines on stdout; copies them to $OUT/gpu-check.jsonl
# when $OUT is set. `--quick` for a short rehearsal.
set -uo pipefail
cd "$(dirname "$0")/../.."
kit=.gpu-kit
if ! ldconfig -p | grep -q 'libvulkan.so.1'; then
  for deb in "$kit"/debs/*.deb; do dpkg -x "$deb" /; done
  ldconfig
fi
# Where NVIDIA containers keep the Vulkan driver manifest, if the loader does not find one.
if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
node=/tmp/nes-node
[ -x "$node" ] || { xz -dc "$kit/node.xz" > "$node" && chmod +x "$node"; }
dawn="$kit/out/dist/linux-x64/dawn.node"
[ -f "$dawn" ] || { mkdir -p "$(dirname "$dawn")" && xz -dc "$kit/dawn.node.xz" > "$dawn"; }
log=${OUT:-/tmp}/gpu-check.jsonl
: > "$log"
"$node" --version
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
"$node" "$kit/out/check.js" "$@" 2>&1 | tee -a "$log"
status=${PIPESTATUS[0]}
if python3 -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null; then
  steps=50; [ "${1:-}" = --quick ] && steps=5
  for batch in 64 100; do
    python3 bench/compare/pytorch_darts.py --device cuda --batch "$batch" --steps "$steps" --warmup 5 | tee -a "$log"
    python3 bench/compare/pytorch_darts.py --device cuda --batch "$batch" --steps "$steps" --warmup 5 --channels-last | tee -a "$log"
  done
else
  echo '{"bench":"gpu-check","check":"pytorch-cuda","ok":false,"reason":"no CUDA PyTorch here"}' | tee -a "$log"
fi
exit "$status"
