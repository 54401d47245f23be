#!/bin/bash
# The issue-9 table in one sequence: llama.cpp and our engines on this machine, one after the other, every run
# under /tmp/heavy.lock (take it around the whole script: flock /tmp/heavy.lock bench/cpu-vs-llamacpp.sh).
# Needs llama.cpp built and its GGUF files made by bench/llamacpp/run.sh (under $WORK, default /tmp/llamacpp).
# Writes one log per run and a time/load line per run into $OUT (default /tmp/cpu-vs-llamacpp).
# ASYNC_PROFILER_LIB=/path/libasyncProfiler.so adds a wall-clock profile of native int8 decode at the end (the
# library is in Maven Central's tools.profiler:async-profiler jar, under linux-x64/).
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-/tmp/llamacpp}
OUT=${OUT:-/tmp/cpu-vs-llamacpp}
LL=$WORK/llama.cpp/build/bin
M=$WORK/models/qwen2.5-0.5b-shape
mkdir -p "$OUT"
cd "$root"
stamp() { echo "== $1 $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/log"; }
run() { local name=$1; shift; stamp "$name start"; "$@" > "$OUT/$name.txt" 2>&1; stamp "$name end rc=$?"; }
export LD_LIBRARY_PATH=$LL
for q in f32 bf16 q8_0; do
  run ll-bench-$q "$LL/llama-bench" -m "$M-$q.gguf" -t 2 -fa 1 -p 512 -n 128 -r 5 -o md
done
run decode-native bin/benchmark DecodeBenchmark -p engine=native -p dtype=FLOAT32,BFLOAT16 -p quantization=none -p batch=1
export SKIP_BUILD=1
run decode-int8 bin/benchmark DecodeBenchmark -p engine=native,onnxruntime -p dtype=FLOAT32 -p quantization=int8 -p batch=1
run decode-ort-djl bin/benchmark DecodeBenchmark -p engine=onnxruntime,djl -p dtype=FLOAT32 -p quantization=none -p batch=1
run prefill-f32-int8 bin/benchmark PrefillBenchmark -p engine=onnxruntime,native -p dtype=FLOAT32 -p quantization=none,int8
run prefill-bf16 bin/benchmark PrefillBenchmark -p engine=native -p dtype=BFLOAT16 -p quantization=none
gen() { bin/benchmark GenerateBenchmark -p streams=16,32,64 -wi 0 -i 1 "$@"; }
run gen-native gen -p engine=native -p dtype=FLOAT32,BFLOAT16 -p quantization=none
run gen-native-int8 gen -p engine=native -p dtype=FLOAT32 -p quantization=int8
run gen-ort gen -p engine=onnxruntime -p dtype=FLOAT32 -p quantization=none
for q in f32 bf16 q8_0; do
  run ll-batched-$q "$LL/llama-batched-bench" -m "$M-$q.gguf" -t 2 -fa on -c 17000 -b 2048 -ub 512 \
    -npp 128 -ntg 128 -npl 16,32,64
done
if [ -n "${ASYNC_PROFILER_LIB:-}" ]; then
  run prof-int8 bin/benchmark DecodeBenchmark -p engine=native -p dtype=FLOAT32 -p quantization=int8 -p batch=1 \
    -wi 1 -i 3 -prof "async:libPath=$ASYNC_PROFILER_LIB;output=collapsed;dir=$OUT/ap-int8;event=wall;interval=1000000;threads=true"
fi
stamp done
