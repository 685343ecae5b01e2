#!/usr/bin/env bash
# Packs .gpu-kit/: everything bench/gpu/run.sh needs on a bare Linux x64 machine with a GPU and its
# Vulkan driver but no Node and no internet: a Node binary (xz), nes's GPU check bundled by esbuild
# with tfjs and Dawn's dawn.node, the data files nes reads, and the Vulkan loader (libvulkan1).
# Run here, after `npm ci`: bash bench/gpu/pack.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
npm run build --silent
kit=.gpu-kit
rm -rf "$kit"
mkdir -p "$kit/out" "$kit/dist/wasm" "$kit/debs"

# ESM bundle, flat in out/: piscina finds its thread entry (worker.js) beside its own code, nes
# its training thread beside the farm, and tfjs-backend-wasm and the webgpu package their binaries
# beside __dirname (bundle-globals.js). esbuild's require() shim for bundled CommonJS reads a
# global require: the banner sets one, as a property, since bundled modules declare their own.
banner="import { createRequire as nesCreateRequire } from 'node:module'; globalThis.require ??= nesCreateRequire(import.meta.url);"
npx esbuild dist/bench/gpu/check.js dist/src/farm/training-thread.js node_modules/piscina/dist/worker.js \
  --bundle --platform=node --target=node20 --format=esm --splitting --outdir="$kit/out" \
  --entry-names='[name]' --chunk-names='chunk-[hash]' --out-extension:.js=.mjs --inject:bench/gpu/bundle-globals.js --banner:js="$banner" \
  --external:@tensorflow/tfjs-node --external:@tensorflow/tfjs-node-gpu --external:@napi-rs/nice --log-level=warning
# Output names end in .mjs (ESM without a package.json "type"); the farm and piscina ask for .js.
for f in "$kit"/out/*.mjs; do mv "$f" "${f%.mjs}.js"; done
sed -i 's/\.mjs"/.js"/g' "$kit"/out/*.js
echo '{ "type": "module" }' > "$kit/out/package.json"
cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm "$kit/out/"
# run.sh unpacks it to out/dist/linux-x64/dawn.node, where the webgpu package looks.
xz -T2 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node > "$kit/dawn.node.xz"
# What nes reads under its package root: package.json (name, version), the kernels, the data.
node -e "const p=require('./package.json'); console.log(JSON.stringify({name:p.name,version:p.version,type:'module'}))" > "$kit/package.json"
cp dist/wasm/nes-kernels.wasm "$kit/dist/wasm/"
cp -r data search-spaces corruptions "$kit/"
xz -T2 -6 -c "$(command -v node)" > "$kit/node.xz"
(cd "$kit/debs" && apt-get download libvulkan1 2>/dev/null >/dev/null)
du -sh "$kit"
