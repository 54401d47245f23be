/* Small math helpers the kernels inline into each of their clones. */
#ifndef INFER_FASTMATH_H
#define INFER_FASTMATH_H

#include <stdint.h>
#include <string.h>

#include "kernels.h"

HOT float as_float(int32_t bits) {
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

HOT int32_t as_bits(float f) {
    int32_t bits;
    memcpy(&bits, &f, sizeof bits);
    return bits;
}

/* exp(x) to about 2e-7 relative, branch-free so loops over it vectorize; exp(-inf) = 0 (masked tokens). */
HOT float fast_expf(float x) {
    float clamped = x > 88.0f ? 88.0f : (x < -87.0f ? -87.0f : x);
    float t = clamped * 1.44269504f;
    float n = (t + 12582912.0f) - 12582912.0f; /* round to nearest, valid for |t| < 2^22 */
    float f = t - n;                           /* in [-0.5, 0.5]; 2^f by its Taylor series */
    float p = 1.0f + f * (0.693147181f + f * (0.240226507f + f * (0.0555041087f + f * (0.00961812911f
              + f * (0.00133335581f + f * (0.000154035304f + f * 0.0000152527338f))))));
    float r = p * as_float(((int32_t) n + 127) << 23);
    return x < -87.0f ? 0.0f : r;
}

/* Eight floats in one GCC vector: AVX registers in the AVX clones, register pairs in the portable one. */
typedef float vf8 __attribute__((vector_size(32)));
typedef int32_t vi8 __attribute__((vector_size(32)));

HOT vf8 load8(const float *p) {
    vf8 v;
    memcpy(&v, p, sizeof v);
    return v;
}

HOT void store8(float *p, vf8 v) {
    memcpy(p, &v, sizeof v);
}

/* Lanes of a where mask is set (all ones), else of b: GCC's C vectors have no ?: operator. */
HOT vf8 select8(vi8 mask, vf8 a, vf8 b) {
    return (vf8) (((vi8) a & mask) | ((vi8) b & ~mask));
}

#endif
