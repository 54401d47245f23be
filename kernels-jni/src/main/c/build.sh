#!/bin/sh
# Compiles the native kernels into one shared library: build.sh JAVA_HOME JNI_HEADERS_DIR OUTPUT_FILE.
# Run by the Maven build (process-classes). The hot kernels carry GCC target_clones, so this single library
# holds AVX-512, AVX2+FMA and portable versions and picks one per function when it loads.
# No -ffast-math: the kernels must keep -inf (masked logits) and NaN checks exact. -fno-trapping-math (no FP
# exceptions are ever unmasked under the JVM) lets GCC if-convert the clamps in fast_expf, so exp loops vectorize.
# -Wno-psabi: the 32-byte vector helpers are always inlined, so no vector crosses a call boundary.
set -eu
src=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$(dirname "$3")"
gcc -std=gnu11 -O3 -fPIC -shared -fvisibility=hidden -fno-math-errno -fno-trapping-math -Wall -Wextra -Wno-psabi -Werror \
  -I"$1/include" -I"$1/include/linux" -I"$2" \
  "$src"/*.c -o "$3" -lm
