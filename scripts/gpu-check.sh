#!/usr/bin/env bash
# Runs `pnpm bench` on a GPU machine that has a GPU driver, CUDA and PyTorch but no Node and no network.
#
#   scripts/gpu-check.sh assemble [DIR]   # here: build DIR (default .gpu-check/) with everything it needs
#   bash DIR/run.sh                       # there: unpack, run WebGPU (Dawn) + PyTorch CUDA, print the table
#
# DIR holds: this machine's node binary (xz), the benchmark bundled with esbuild, the `webgpu` package's
# dawn.node, tfjs-backend-wasm's .wasm files, Debian's Vulkan/GL loader .debs, and bench_pytorch.py.
# Results land in $OUT (or DIR/results) as benchmarks.json / benchmarks.md; merge them into docs/ with
# `npx tsx scripts/merge-benchmarks.ts <benchmarks.json>`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

assemble() {
  local dir="${1:-$root/.gpu-check}"
  rm -rf "$dir" && mkdir -p "$dir/node_modules" "$dir/debs"
  echo "node $(node --version) -> $dir/node.xz"
  xz -T0 -c "$(command -v node)" > "$dir/node.xz"

  echo "bundling scripts/bench.ts"
  (cd "$root" && node scripts/bundle-bench.mjs "$dir/bench.mjs")
  cp "$root/scripts/bench_pytorch.py" "$dir/"
  local wasm_dist
  wasm_dist="$(cd "$root/packages/backend-wasm" && node -p "require('path').dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'))")/dist"
  cp "$wasm_dist"/*.wasm "$dir/"

  echo "copying the webgpu package (Dawn) for linux-x64"
  local webgpu
  webgpu="$(cd "$root/packages/backend-node" && node -p "require('path').dirname(require.resolve('webgpu/package.json'))")"
  mkdir -p "$dir/node_modules/webgpu/dist"
  cp "$webgpu/package.json" "$webgpu/index.js" "$dir/node_modules/webgpu/"
  cp -r "$webgpu/dist/linux-x64" "$dir/node_modules/webgpu/dist/"
  xz -T0 "$dir/node_modules/webgpu/dist/linux-x64/dawn.node"

  echo "downloading the Vulkan and GL loaders (Debian .debs)"
  local lists
  lists="$(mktemp -d)"
  local apt_options=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 "-oDir::State::Lists=$lists")
  mkdir -p "$lists/partial"
  apt-get "${apt_options[@]}" update -qq
  (cd "$dir/debs" && apt-get "${apt_options[@]}" download -qq libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
  rm -rf "$lists"

  cat > "$dir/run.sh" <<'RUN'
#!/usr/bin/env bash
# On the GPU machine: unpack what assemble packed, then benchmark WebGPU (Dawn on the real GPU) against PyTorch CUDA.
set -euo pipefail
dir="$(cd "$(dirname "$0")" && pwd)"
out="${OUT:-$dir/results}"
mkdir -p "$out"
for deb in "$dir"/debs/*.deb; do dpkg -x "$deb" /; done
ldconfig
export VK_DRIVER_FILES="${VK_DRIVER_FILES:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}"
[ -x "$dir/node" ] || xz -dc "$dir/node.xz" > "$dir/node" && chmod +x "$dir/node"
[ -f "$dir/node_modules/webgpu/dist/linux-x64/dawn.node" ] || xz -dk "$dir/node_modules/webgpu/dist/linux-x64/dawn.node.xz"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader || true
cd "$dir"
./node bench.mjs --backends "${BACKENDS:-webgpu}" --models "${MODELS:-dcgan28,dcgan64,srresnet16}" --python "${PYTHON:-python3}" \
  --json "$out/benchmarks.json" --markdown "$out/benchmarks.md" "$@"
RUN
  chmod +x "$dir/run.sh"
  du -sh "$dir"
}

case "${1:-}" in
  assemble) shift; assemble "$@" ;;
  *) echo "usage: scripts/gpu-check.sh assemble [DIR]   (then run DIR/run.sh on the GPU machine)" >&2; exit 2 ;;
esac
