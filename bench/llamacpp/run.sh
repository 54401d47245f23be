#!/bin/bash
# Reproduce the llama.cpp reference figures in README.md on this machine.
#
# Needs: root, Debian (bookworm) with working apt (its configured Debian mirror), cmake, a C/C++ compiler, git,
# python3 + numpy, and npm (for the fallback source below). Touches nothing in this repository:
# everything lives under $WORK (default /tmp/llamacpp); the GGUF files (~3.5 GB) go to $WORK/models.
#
# Source of llama.cpp, in this order:
#   1. Debian source packages llama.cpp + ggml (not in trixie; in forky/sid), fetched with
#      `apt-get source --download-only` from a temporary deb-src entry that is removed again.
#      Only source is fetched; no trixie/sid binary package is ever installed.
#   2. If apt cannot download them (on the machine where README.md's figures were taken the
#      Debian pool answered 404 for every llama.cpp/ggml file), the npm package
#      node-llama-cpp@3.22.1, which ships llama.cpp release v0.5.0 as a git bundle
#      (llama/gitRelease.bundle) for its own offline source builds. README.md's figures come from this.
#
# Benchmarks take /tmp/heavy.lock (flock) so they do not overlap other heavy jobs, and log
# /proc/loadavg before and after each run. Set THREADS to change the thread count (default 2).
set -euo pipefail

WORK=${WORK:-/tmp/llamacpp}
THREADS=${THREADS:-2}
NPM_PKG=${NPM_PKG:-node-llama-cpp@3.22.1}
HERE=$(cd "$(dirname "$0")" && pwd)
MODEL_DIR=${MODEL_DIR:-$HERE/../../../shared/models/qwen2.5-0.5b-shape}
[ -f "$MODEL_DIR/config.json" ] || MODEL_DIR=/work/shared/models/qwen2.5-0.5b-shape
SRC=$WORK/llama.cpp
mkdir -p "$WORK" "$WORK/models" "$WORK/results"
cd "$WORK"

fetch_apt() {
  local list=/etc/apt/sources.list.d/llamacpp-src.sources
  # same mirror as this machine's own Debian entry
  local uri
  uri=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$uri" ] || uri=$(awk '$1=="deb"{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  cat > "$list" <<EOF
Types: deb-src
URIs: $uri
Suites: trixie forky sid
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  apt-get update -qq || true
  local ok=0
  mkdir -p apt && (cd apt && apt-get source --download-only llama.cpp ggml) && ok=1
  rm -f "$list"; apt-get update -qq || true
  [ $ok = 1 ] || return 1
  (cd apt && dpkg-source --no-check -x llama.cpp_*.dsc llama.cpp-src && dpkg-source --no-check -x ggml_*.dsc ggml-src)
  rm -rf "$SRC"; mv apt/llama.cpp-src "$SRC"
  # Debian's llama.cpp builds against a system libggml; build the ggml source in-tree instead
  rm -rf "$SRC/ggml"; mv apt/ggml-src "$SRC/ggml"
  BUILD_IS_DEV=OFF
}

fetch_npm() {
  rm -rf npm && mkdir npm
  (cd npm && npm pack "$NPM_PKG" && tar xzf ./*.tgz package/llama/gitRelease.bundle package/llama/llama.cpp.info.json)
  cat npm/package/llama/llama.cpp.info.json
  rm -rf "$SRC"; git clone -q npm/package/llama/gitRelease.bundle "$SRC"
  BUILD_IS_DEV=OFF  # the bundle is the v0.5.0 release tag
}

if [ ! -f "$SRC/CMakeLists.txt" ]; then
  fetch_apt || { echo "apt source download failed; using the npm bundle"; fetch_npm; }
fi

# --- build: CPU only, native ISA (AVX2/FMA/F16C here), three tools only
nice -n 10 cmake -S "$SRC" -B "$SRC/build" -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=ON \
  -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
  -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_IS_DEV=${BUILD_IS_DEV:-OFF}
nice -n 10 cmake --build "$SRC/build" -j2 --target llama-bench llama-batched-bench llama-quantize
BIN=$SRC/build/bin

# --- models: random-weight Qwen2.5-0.5B-shaped f32 GGUF, then bf16 and q8_0
M=$WORK/models/qwen2.5-0.5b-shape
[ -f $M-f32.gguf ] || PYTHONPATH=$SRC/gguf-py nice -n 10 python3 "$HERE/make_qwen_gguf.py" "$MODEL_DIR" $M-f32.gguf
[ -f $M-bf16.gguf ] || nice -n 10 $BIN/llama-quantize $M-f32.gguf $M-bf16.gguf BF16 2
[ -f $M-q8_0.gguf ] || nice -n 10 $BIN/llama-quantize $M-f32.gguf $M-q8_0.gguf Q8_0 2

# --- measurements
# Each one: take /tmp/heavy.lock, wait (max 180 s) until other processes use < 15% of a core, run at
# nice -n -10, log loadavg before/after and other_cpu_s = CPU-seconds all other processes used meanwhile.
measure() { # name cmd...
  local name=$1; shift
  flock /tmp/heavy.lock bash -c '
    busy() { awk "/^cpu /{print \$2+\$3+\$4+\$7+\$8+\$9}" /proc/stat; }
    hz=$(getconf CLK_TCK)
    for i in $(seq 60); do a=$(busy); sleep 3; b=$(busy); [ $((b-a)) -lt $((3*hz*15/100)) ] && break; done
    echo "loadavg_before: $(cat /proc/loadavg)"
    t0=$(awk "{print \$1}" /proc/uptime); b0=$(busy)
    /usr/bin/time -f "%U %S" -o /tmp/.llamacpp-time nice -n -10 "$@"
    b1=$(busy); t1=$(awk "{print \$1}" /proc/uptime)
    echo "loadavg_after: $(cat /proc/loadavg)"
    read u s < /tmp/.llamacpp-time
    awk -v b0=$b0 -v b1=$b1 -v u=$u -v s=$s -v hz=$hz -v t0=$t0 -v t1=$t1 \
      "BEGIN{w=t1-t0; o=(b1-b0)/hz-u-s; printf \"other_cpu_s: %.1f (%.0f%% of one core over %.0f s)\n\", o, 100*o/w, w}"
  ' _ "$@" 2>&1 | tee "$WORK/results/$name.log"
}
for q in f32 bf16 q8_0; do
  measure bench-$q $BIN/llama-bench -m $M-$q.gguf -t $THREADS -fa 1 -p 512 -n 128 -r 5 -o json
done
for q in f32 bf16 q8_0; do
  measure batched-$q $BIN/llama-batched-bench -m $M-$q.gguf -t $THREADS -fa on -c 17000 -b 2048 -ub 512 \
    -npp 128 -ntg 128 -npl 16,32,64
done
echo "logs in $WORK/results"
