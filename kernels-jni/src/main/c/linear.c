/* Dense linear layers: y[i][j] = sum_c x[i][c] * w[j][c] + bias[j] for output columns [n_from, n_to).
 *
 * Three ways, by the number of input rows m:
 *   - m = 1 (single-stream decode): each weight row is dotted with the input front to back (rows_m1), one
 *     sequential stream per thread; Q8 there multiplies int8 codes of the input too (quantize_x).
 *   - m = 2 .. 4 (direct): a micro-kernel (tile) dots M input rows with R weight rows at once, M x R accumulators
 *     of 8 lanes running along k, reading the packed weights themselves: each weight byte crosses the memory bus
 *     once and each converted weight vector serves all the input rows. Software prefetch keeps enough DRAM lines
 *     in flight for one core to draw its share of the bandwidth.
 *   - panel (larger m, batched decode and prefill): the same tile over a panel of weight rows converted to fp32
 *     into a scratch buffer sized for L2: every block of 4 input rows runs over it (the input block stays in L1, the
 *     panel in L2), so the conversion is paid once per panel instead of once per 4 input rows.
 *
 * Written with GCC vector extensions rather than immintrin.h: the target_clones of an entry point are compiled
 * from one preprocessed file, so `#ifdef __AVX2__` is false in every clone and AVX2 intrinsics could not be inlined
 * into the shared helpers. Vector extensions compile per clone: vpslld / vpand / vpsrad / vcvtdq2ps / vfmadd231ps
 * on ymm in the x86-64-v3 clone, the EVEX forms in v4, SSE pairs without FMA in the portable one. FMA contraction of
 * acc += x * w comes from -std=gnu11 (-ffp-contract=fast).
 *
 * Summation order differs from the Java reference (8 lanes, pairwise lane sums; Q8: per block, then scaled), so
 * results agree to fp32 rounding, not bit for bit. Q8 at m = 1 goes further: it quantizes the input to int8 per
 * 32-block as well and multiplies codes in integers, as llama.cpp's q8_0 and ONNX Runtime's MatMulNBits at accuracy
 * level 4 do, so there the results differ from the reference by that rounding too (at most max|x_block| / 254
 * times the block's sum of |w|, LinearKernelsTest derives the bound). At m = 2 .. 4 the integer path was slower
 * as written in 16-bit lanes (LinearBenchmark, m = 4: 10 -> 4-10 GB/s: products and widening paid per input row,
 * the fp32 tile's weight conversion once for all four), so there Q8 keeps the fp32 tile. */
#include <stdlib.h>
#include <string.h>

#include "fastmath.h"
#include "kernels.h"

/* Input rows per tile: 4 inputs x 3 weight rows = 12 accumulators, the most that fit the 16 AVX2 registers next
 * to the weight vectors and the input being multiplied. */
#define TILE_M 4
#define MAX_R 4
/* Up to this many input rows (one tile's) the direct path runs. Measured on Zen3 at m = 8 and 16: converting a
 * panel once and reading it back from L2 is as fast or faster than converting in the tile once per 4 inputs. */
#define DIRECT_MAX_M TILE_M
/* The fp32 panel: at most this many bytes (a good part of Zen3's 512 KiB L2, the rest for the input rows). */
#define PANEL_BYTES (192 * 1024)
#define MAX_PANEL_ROWS 96
/* How far ahead the tile prefetches in the direct path (m = 2 .. 4). Measured on Zen3 when the tile also served
 * m = 1 (LM head, one thread): BF16 streams at 5.5 GB/s without, 6.6 at 1 KiB ahead, 9.2 at 4 KiB; Q8 at 4.1,
 * 5.9, 8.5. */
#define PREFETCH_BYTES 4096

/* The format of an fp32 panel converted into scratch: read as F32, but already in L2, so not prefetched. */
#define FORMAT_PANEL 3

/* One call's operands; the weights may be the packed matrix or an fp32 panel of it (then FORMAT_PANEL). */
typedef struct {
    int format;
    const void *data;      /* F32 values, BF16 values, or Q8 codes; row-major [rows][k] */
    const float *scales;   /* Q8: [rows][k / 32] */
    int64_t k;
    const float *x;        /* [m][k], for BF16 and Q8 in the direct path permuted (permute_x) */
    int64_t m;
    const float *bias;     /* [n] or NULL */
    float *y;              /* [m][n] */
    int64_t n;
    const int8_t *xq;      /* Q8 at m = 1: x quantized per 32-block (quantize_x), [k] */
    const float *xs;       /* Q8 at m = 1: the blocks' scales, [k / 32] */
} job;

HOT vf8 splat8(float s) {
    return (vf8){s, s, s, s, s, s, s, s};
}

HOT vi8 splat8i(int32_t s) {
    return (vi8){s, s, s, s, s, s, s, s};
}

/* Columns one step of the tile covers: BF16 and Q8 are read as 32-byte vectors of 32-bit words and split into
 * 2 or 4 fp32 vectors by shifts (see weights), which GCC compiles to single instructions in every clone, whereas
 * its widening conversions (__builtin_convertvector from 8-bit or 16-bit lanes) come out as scalar inserts. */
HOT int64_t step_of(int format) {
    return format == INK_LINEAR_BF16 ? 16 : format == INK_LINEAR_Q8 ? 32 : 8;
}

/* The weights of row `row`, columns [c, c + step_of(format)), as step/8 vectors in the order the split leaves
 * them: word t of a vector holds columns (c + 2t, c + 2t + 1) for BF16 and c + 4t .. c + 4t + 3 for Q8, so
 * vector q holds columns c + lanes*t + q (lanes = 2 or 4). The inputs are permuted the same way (permute_x).
 * Q8 gives the codes unscaled: the tile applies the block's scale once per block (scale_of). `format` is a
 * constant after inlining, so the switch disappears. */
HOT void weights(const job *b, int format, int64_t row, int64_t c, vf8 w[4]) {
    int64_t at = row * b->k + c;
    switch (format) {
        case INK_LINEAR_BF16: {
            vi8 v;
            memcpy(&v, (const uint16_t *) b->data + at, sizeof v);
            w[0] = (vf8) (v << 16);             /* low halves: the even columns; bf16 << 16 is exact */
            w[1] = (vf8) (v & splat8i(-65536)); /* high halves: the odd columns */
            break;
        }
        case INK_LINEAR_Q8: {
            vi8 v;
            memcpy(&v, (const int8_t *) b->data + at, sizeof v);
            w[0] = __builtin_convertvector((v << 24) >> 24, vf8); /* arithmetic shifts sign-extend */
            w[1] = __builtin_convertvector((v << 16) >> 24, vf8);
            w[2] = __builtin_convertvector((v << 8) >> 24, vf8);
            w[3] = __builtin_convertvector(v >> 24, vf8);
            break;
        }
        default:
            w[0] = load8((const float *) b->data + at);
            break;
    }
}

/* Asks for the weights PREFETCH_BYTES ahead in the packed stream: a decode step streams every weight once from
 * DRAM, and one core keeps too few lines in flight for the bandwidth when it waits for the hardware prefetcher. */
HOT void prefetch_ahead(const job *b, int format, int64_t row, int64_t c) {
    if (format == FORMAT_PANEL) {
        return;
    }
    int64_t size = format == INK_LINEAR_F32 ? 4 : format == INK_LINEAR_BF16 ? 2 : 1;
    __builtin_prefetch((const char *) b->data + (row * b->k + c) * size + PREFETCH_BYTES);
}

/* The Q8 scale of the block at row `row`, column c (a multiple of 32). */
HOT float scale_of(const job *b, int64_t row, int64_t c) {
    return b->scales[row * (b->k / INK_Q8_BLOCK) + c / INK_Q8_BLOCK];
}

/* acc += sum over the step's vectors of x_v * w_v. For Q8 the block's dot product is summed apart, as a tree
 * (short dependency chains), then scaled once: one multiply per block and row instead of one per weight. */
HOT vf8 step_dot(int format, const float *x, const vf8 w[4], float scale, vf8 acc) {
    if (format == INK_LINEAR_Q8) {
        vf8 p = (load8(x) * w[0] + load8(x + 8) * w[1]) + (load8(x + 16) * w[2] + load8(x + 24) * w[3]);
        return acc + p * splat8(scale);
    }
    for (int v = 0; v < step_of(format) / 8; v++) {
        acc += load8(x + 8 * v) * w[v];
    }
    return acc;
}

/* Reorders each full step of columns of x [m][k] into the order weights() leaves the weights in (F32: none);
 * a tail shorter than a step is copied as is, and the tile reads it one column at a time. */
static void permute_x(const float *x, int64_t m, int64_t k, int format, float *out) {
    int64_t step = step_of(format), lanes = step / 8, full = k - k % step;
    for (int64_t i = 0; i < m; i++) {
        const float *src = x + i * k;
        float *dst = out + i * k;
        for (int64_t c = 0; c < full; c += step) {
            for (int64_t q = 0; q < lanes; q++) {
                for (int64_t t = 0; t < 8; t++) {
                    dst[c + 8 * q + t] = src[c + lanes * t + q];
                }
            }
        }
        memcpy(dst + full, src + full, (size_t) (k - full) * sizeof(float));
    }
}

/* One weight, for the k tail (F32 and BF16 only: Q8 rows are whole blocks). */
HOT float weight1(const job *b, int format, int64_t row, int64_t c) {
    int64_t at = row * b->k + c;
    if (format == INK_LINEAR_BF16) {
        return as_float((int32_t) ((uint32_t) ((const uint16_t *) b->data)[at] << 16));
    }
    return ((const float *) b->data)[at];
}

/* Pairwise, so the lanes' partial sums lose no more than the sequential sum would. */
HOT float sum8(vf8 v) {
    return ((v[0] + v[4]) + (v[2] + v[6])) + ((v[1] + v[5]) + (v[3] + v[7]));
}

/* Q8 at m = 1 multiplies in integers: the input row is quantized once per call to int8 codes per 32-block,
 * symmetric like the weights (xs = max|x| / 127, xq = rint(x / xs)), so a block's dot product is
 * sum_t wq[t] * xq[t], exact in integers, scaled once: acc += (float) isum * (ws * xs), as llama.cpp's q8_0 and
 * ONNX Runtime's MatMulNBits at accuracy level 4 do. rint rounds half to even, like Java's Math.rint (the test's
 * model). An all-zero block gets xs = 0 and codes 0. Non-finite inputs give non-finite outputs only by way of xs
 * (as the fp32 path would give NaN or inf), never an undefined conversion: NaN codes become 0. */
HOT void quantize_x(const float *x, int64_t k, int8_t *xq, float *xs) {
    for (int64_t c = 0; c < k; c += INK_Q8_BLOCK) {
        float max = 0.0f;
        for (int t = 0; t < INK_Q8_BLOCK; t++) {
            float a = x[c + t] < 0 ? -x[c + t] : x[c + t];
            max = a > max ? a : max;
        }
        float scale = max / 127.0f;
        xs[c / INK_Q8_BLOCK] = scale;
        for (int t = 0; t < INK_Q8_BLOCK; t++) {
            float q = scale != 0.0f ? __builtin_rintf(x[c + t] / scale) : 0.0f;
            q = q > 127.0f ? 127.0f : q < -127.0f ? -127.0f : q;
            xq[c + t] = (int8_t) (q == q ? q : 0.0f);
        }
    }
}

/* out[i][r] = dot(x row i0 + i, weight row w_row + r) for i < M, r < R (constants after inlining, so the loops
 * unroll and acc lives in registers). */
HOT void tile(const job *b, int format, int64_t i0, int64_t w_row, int M, int R, float out[TILE_M][MAX_R]) {
    const int64_t k = b->k;
    const float *x = b->x + i0 * k;
    vf8 acc[TILE_M][MAX_R];
    for (int i = 0; i < M; i++) {
        for (int r = 0; r < R; r++) {
            acc[i][r] = splat8(0);
        }
    }
    const int64_t step = step_of(format);
    int64_t c = 0;
    for (; c + step <= k; c += step) {
        for (int r = 0; r < R; r++) {
            vf8 w[4];
            prefetch_ahead(b, format, w_row + r, c);
            weights(b, format, w_row + r, c, w);
            float scale = format == INK_LINEAR_Q8 ? scale_of(b, w_row + r, c) : 1.0f;
            for (int i = 0; i < M; i++) {
                acc[i][r] = step_dot(format, x + i * k + c, w, scale, acc[i][r]);
            }
        }
    }
    for (int i = 0; i < M; i++) {
        for (int r = 0; r < R; r++) {
            out[i][r] = sum8(acc[i][r]);
        }
    }
    for (; c < k; c++) {
        for (int r = 0; r < R; r++) {
            float w = weight1(b, format, w_row + r, c);
            for (int i = 0; i < M; i++) {
                out[i][r] += x[i * k + c] * w;
            }
        }
    }
}

/* m = 1 reads the weight rows one after another, front to back: one sequential stream per thread, the pattern the
 * hardware prefetchers follow best. Measured on Zen 3 (LM head shape, 2 threads, 2 MiB pages, 12 interleaved
 * rounds): BF16 18.0 GB/s mean this way against 15.2 with four rows interleaved (the tile's way, which m >= 2 needs
 * to reuse each converted weight), F32 20.5 against 17.5. Four accumulators along the row keep four FMA chains
 * going. Software prefetch ROW_PREFETCH_BYTES ahead gains little here but costs nothing. */
#define ROW_PREFETCH_BYTES 1024

HOT float row_dot(const job *b, int format, int64_t row) {
    const int64_t k = b->k, step = step_of(format), lanes = step / 8;
    const float *x = b->x;
    const char *bytes = (const char *) b->data;
    const int64_t size = format == INK_LINEAR_F32 ? 4 : 2;
    vf8 acc[4] = {splat8(0), splat8(0), splat8(0), splat8(0)};
    int64_t c = 0;
    for (; c + 32 <= k; c += 32) {
        for (int64_t line = 0; line < 32 * size; line += 64) {
            __builtin_prefetch(bytes + (row * k + c) * size + line + ROW_PREFETCH_BYTES);
        }
#pragma GCC unroll 4
        for (int64_t u = 0; u < 32 / step; u++) {
            vf8 w[4];
            weights(b, format, row, c + u * step, w);
#pragma GCC unroll 2
            for (int64_t q = 0; q < lanes; q++) {
                acc[u * lanes + q] += load8(x + c + u * step + 8 * q) * w[q];
            }
        }
    }
    for (; c + step <= k; c += step) {
        vf8 w[4];
        weights(b, format, row, c, w);
        for (int64_t q = 0; q < lanes; q++) {
            acc[q] += load8(x + c + 8 * q) * w[q];
        }
    }
    float sum = sum8((acc[0] + acc[2]) + (acc[1] + acc[3]));
    for (; c < k; c++) {
        sum += x[c] * weight1(b, format, row, c);
    }
    return sum;
}

/* Sixteen int16 lanes: the portable Q8 integer dot product. */
typedef int16_t vs16 __attribute__((vector_size(32)));

/* Q8 on the quantized input row, portably (the AVX2 machines take rows_q8_avx2). Per block: the weights' and the
 * input's 32 codes, read as 16-bit lanes, split into their low (even column) and high (odd column) bytes by
 * arithmetic shifts; p = we * xe + wo * xo in 16-bit lanes (|p| <= 2 * 127 * 127 < 2^15), then each 32-bit word's
 * halves added: lane j holds columns 4j .. 4j + 3, exactly. Two accumulators for alternate blocks. */
HOT float row_dot_q8(const job *b, int64_t row) {
    const int64_t k = b->k, blocks = k / INK_Q8_BLOCK;
    const int8_t *codes = (const int8_t *) b->data + row * k;
    const float *scales = b->scales + row * blocks;
    vf8 acc[2] = {splat8(0), splat8(0)};
    for (int64_t blk = 0; blk < blocks; blk++) {
        __builtin_prefetch(codes + blk * INK_Q8_BLOCK + ROW_PREFETCH_BYTES);
        vs16 w, x;
        memcpy(&w, codes + blk * INK_Q8_BLOCK, sizeof w);
        memcpy(&x, b->xq + blk * INK_Q8_BLOCK, sizeof x);
        vs16 p = ((w << 8) >> 8) * ((x << 8) >> 8) + (w >> 8) * (x >> 8);
        vi8 sum = (((vi8) p << 16) >> 16) + ((vi8) p >> 16);
        acc[blk & 1] += __builtin_convertvector(sum, vf8) * splat8(scales[blk] * b->xs[blk]);
    }
    return sum8(acc[0] + acc[1]);
}

#if defined(__x86_64__)
#include <immintrin.h>

/* The same dot products with AVX2's byte multiplies (what llama.cpp's q8_0 does on AVX2): vpmaddubsw multiplies
 * unsigned by signed bytes, so the input's sign moves onto the weights (|x| * (w * sign x) = w * x), the byte pairs
 * add into 16 bits (|.| <= 2 * 127 * 127, no saturation), vpmaddwd adds those pairs into 32 bits. Five integer
 * instructions per 32 weights where the portable path needs eleven, so the loop keeps up with DRAM. Compiled for
 * AVX2 by its own target attribute (intrinsics cannot come from the target_clones, see the top comment). */
__attribute__((target("avx2,fma"))) static void rows_q8_avx2(const job *b, int64_t j0, int64_t j1) {
    const int64_t k = b->k, blocks = k / INK_Q8_BLOCK;
    const __m256i ones = _mm256_set1_epi16(1);
    for (int64_t j = j0; j < j1; j++) {
        const int8_t *codes = (const int8_t *) b->data + j * k;
        const float *scales = b->scales + j * blocks;
        __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
        int64_t blk = 0;
        for (; blk + 2 <= blocks; blk += 2) {
            _mm_prefetch((const char *) codes + blk * INK_Q8_BLOCK + ROW_PREFETCH_BYTES, _MM_HINT_T0);
            for (int h = 0; h < 2; h++) {
                int64_t at = (blk + h) * INK_Q8_BLOCK;
                __m256i w = _mm256_loadu_si256((const __m256i *) (codes + at));
                __m256i x = _mm256_loadu_si256((const __m256i *) (b->xq + at));
                __m256i pairs = _mm256_maddubs_epi16(_mm256_sign_epi8(x, x), _mm256_sign_epi8(w, x));
                __m256 dot = _mm256_cvtepi32_ps(_mm256_madd_epi16(pairs, ones));
                __m256 scale = _mm256_set1_ps(scales[blk + h] * b->xs[blk + h]);
                if (h == 0) {
                    acc0 = _mm256_fmadd_ps(dot, scale, acc0);
                } else {
                    acc1 = _mm256_fmadd_ps(dot, scale, acc1);
                }
            }
        }
        vf8 acc;
        __m256 both = _mm256_add_ps(acc0, acc1);
        memcpy(&acc, &both, sizeof acc);
        float dot = sum8(acc);
        for (; blk < blocks; blk++) {
            int32_t isum = 0;
            for (int t = 0; t < INK_Q8_BLOCK; t++) {
                isum += codes[blk * INK_Q8_BLOCK + t] * b->xq[blk * INK_Q8_BLOCK + t];
            }
            dot += (float) isum * (scales[blk] * b->xs[blk]);
        }
        b->y[j] = dot + (b->bias != NULL ? b->bias[j] : 0.0f);
    }
}
#endif

/* One input row against output columns [j0, j1). */
HOT void rows_m1(const job *b, int format, int64_t j0, int64_t j1) {
#if defined(__x86_64__)
    if (format == INK_LINEAR_Q8 && __builtin_cpu_supports("avx2")) {
        rows_q8_avx2(b, j0, j1);
        return;
    }
#endif
    for (int64_t j = j0; j < j1; j++) {
        float dot = format == INK_LINEAR_Q8 ? row_dot_q8(b, j) : row_dot(b, format, j);
        b->y[j] = dot + (b->bias != NULL ? b->bias[j] : 0.0f);
    }
}

/* Output columns j .. j+R of input rows i0 .. i0+M; the weights' row j is `w_row` of b's data. Bias last. */
HOT void tile_store(const job *b, int format, int64_t i0, int64_t j, int64_t w_row, int M, int R) {
    float out[TILE_M][MAX_R];
    tile(b, format, i0, w_row, M, R, out);
    for (int i = 0; i < M; i++) {
        for (int r = 0; r < R; r++) {
            b->y[(i0 + i) * b->n + j + r] = out[i][r] + (b->bias != NULL ? b->bias[j + r] : 0.0f);
        }
    }
}

/* Input rows i0 .. i0+M against output columns [j0, j1); output column j is weight row j - w_offset. With one
 * input row, four weight rows stream at once (four DRAM streams, enough loads in flight); with four, three rows
 * keep 12 accumulators. */
HOT void strip(const job *b, int format, int M, int64_t i0, int64_t j0, int64_t j1, int64_t w_offset) {
    const int R = M == TILE_M ? 3 : 4;
    int64_t j = j0;
    for (; j + R <= j1; j += R) {
        tile_store(b, format, i0, j, j - w_offset, M, R);
    }
    for (; j < j1; j++) {
        tile_store(b, format, i0, j, j - w_offset, M, 1);
    }
}

/* All input rows [i0, i1) against output columns [j0, j1), input blocks outer: each block stays in L1 while the
 * weight rows (cached or in the panel) pass by. */
HOT void block(const job *b, int format, int64_t i0, int64_t i1, int64_t j0, int64_t j1, int64_t w_offset) {
    int64_t i = i0;
    for (; i + TILE_M <= i1; i += TILE_M) {
        strip(b, format, TILE_M, i, j0, j1, w_offset);
    }
    switch (i1 - i) {
        case 3:
            strip(b, format, 3, i, j0, j1, w_offset);
            break;
        case 2:
            strip(b, format, 2, i, j0, j1, w_offset);
            break;
        case 1:
            strip(b, format, 1, i, j0, j1, w_offset);
            break;
        default:
            break;
    }
}

/* m = 1 row by row, m = 2 .. 4 through the tile (see the top comment). */
HOT void rows_or_tiles(const job *b, int format, int64_t n_from, int64_t n_to) {
    if (b->m == 1) {
        rows_m1(b, format, n_from, n_to);
    } else {
        block(b, format, 0, b->m, n_from, n_to, 0);
    }
}

/* Small m (decode): every weight row of the range is streamed once. Q8 at m = 1 reads the input quantized; BF16
 * (and Q8 at m = 2 .. 4) read it permuted: a copy of x (at most DIRECT_MAX_M rows). */
HOT int direct(const job *b, int format, int64_t n_from, int64_t n_to) {
    if (format == INK_LINEAR_F32) {
        rows_or_tiles(b, format, n_from, n_to);
        return INK_OK;
    }
    if (format == INK_LINEAR_Q8 && b->m == 1) {
        /* one allocation: the int8 codes, then the fp32 block scales (k is a multiple of 32, so they align).
         * Every range of the call quantizes the whole row again (as the other formats permute it): k values, a
         * few microseconds vectorized, against a range's share of k x n weights. */
        int8_t *xq = malloc((size_t) b->k + (size_t) (b->k / INK_Q8_BLOCK) * sizeof(float));
        if (xq == NULL) {
            return INK_OUT_OF_MEMORY;
        }
        float *xs = (float *) (xq + b->k);
        quantize_x(b->x, b->k, xq, xs);
        job q = *b;
        q.xq = xq;
        q.xs = xs;
        rows_m1(&q, format, n_from, n_to);
        free(xq);
        return INK_OK;
    }
    float *permuted = malloc((size_t) (b->m * b->k) * sizeof(float));
    if (permuted == NULL) {
        return INK_OUT_OF_MEMORY;
    }
    permute_x(b->x, b->m, b->k, format, permuted);
    job p = *b;
    p.x = permuted;
    rows_or_tiles(&p, format, n_from, n_to);
    free(permuted);
    return INK_OK;
}

/* Rows [row0, row0 + rows) of a BF16 or Q8 matrix as fp32, row-major, into panel (contiguous loops that
 * vectorize): the weights exactly as PackedMatrix.unpackRow gives them (Q8: code * scale). */
HOT void unpack(const job *b, int format, int64_t row0, int64_t rows, float *panel) {
    int64_t k = b->k;
    if (format == INK_LINEAR_BF16) {
        const uint16_t *src = (const uint16_t *) b->data + row0 * k;
        for (int64_t t = 0; t < rows * k; t++) {
            panel[t] = as_float((int32_t) ((uint32_t) src[t] << 16));
        }
        return;
    }
    const int8_t *codes = (const int8_t *) b->data + row0 * k;
    const float *scales = b->scales + row0 * (k / INK_Q8_BLOCK);
    for (int64_t blk = 0; blk < rows * k / INK_Q8_BLOCK; blk++) {
        float s = scales[blk];
        for (int t = 0; t < INK_Q8_BLOCK; t++) {
            panel[blk * INK_Q8_BLOCK + t] = (float) codes[blk * INK_Q8_BLOCK + t] * s;
        }
    }
}

/* Weight rows per panel: as many as fit PANEL_BYTES in fp32, a multiple of 3 (the 4-input tile's row count). */
static int64_t panel_rows(int64_t k) {
    int64_t rows = PANEL_BYTES / (k * (int64_t) sizeof(float));
    rows = rows > MAX_PANEL_ROWS ? MAX_PANEL_ROWS : rows;
    rows -= rows % 3;
    return rows < 3 ? 3 : rows;
}

/* Large m: F32 weights are already fp32, so their rows serve as the panel in place; BF16 and Q8 panels are
 * converted into scratch first. */
HOT int panels(const job *b, int format, int64_t n_from, int64_t n_to) {
    int64_t rows = panel_rows(b->k);
    if (format == INK_LINEAR_F32) {
        for (int64_t j = n_from; j < n_to; j += rows) {
            block(b, INK_LINEAR_F32, 0, b->m, j, j + rows < n_to ? j + rows : n_to, 0);
        }
        return INK_OK;
    }
    float *panel = aligned_alloc(64, (size_t) ((rows * b->k * (int64_t) sizeof(float) + 63) / 64 * 64));
    if (panel == NULL) {
        return INK_OUT_OF_MEMORY;
    }
    job p = *b;
    p.format = FORMAT_PANEL;
    p.data = panel;
    p.scales = NULL;
    for (int64_t j = n_from; j < n_to; j += rows) {
        int64_t j1 = j + rows < n_to ? j + rows : n_to;
        unpack(b, format, j, j1 - j, panel);
        block(&p, FORMAT_PANEL, 0, b->m, j, j1, j);
    }
    free(panel);
    return INK_OK;
}

/* One instantiation of the whole kernel per format, so every helper sees a constant format. */
HOT int run(const job *b, int format, int64_t n_from, int64_t n_to) {
    if (b->m <= DIRECT_MAX_M) {
        return direct(b, format, n_from, n_to);
    }
    return panels(b, format, n_from, n_to);
}

/* Whether count_a x count_b items of `per` bytes fit in `bytes`, without overflowing (all non-negative). */
static int fits(int64_t count_a, int64_t count_b, int64_t per, int64_t bytes) {
    return count_b == 0 || count_a <= bytes / per / count_b;
}

int ink_check_linear(const ink_linear_weights *w, int64_t m, int64_t x_bytes, int64_t bias_bytes, int has_bias,
                     int64_t y_bytes, int64_t n_from, int64_t n_to) {
    if (w->format < INK_LINEAR_F32 || w->format > INK_LINEAR_Q8 || w->rows <= 0 || w->cols <= 0
        || (w->format == INK_LINEAR_Q8 && w->cols % INK_Q8_BLOCK != 0) || w->data == NULL) {
        return INK_BAD_LINEAR_WEIGHTS;
    }
    /* bytes per row: values, or Q8 codes plus one fp32 scale per block */
    int64_t row_bytes = w->format == INK_LINEAR_F32 ? 4 * w->cols : w->format == INK_LINEAR_BF16 ? 2 * w->cols
                        : w->cols + w->cols / INK_Q8_BLOCK * 4;
    if (w->bytes < 0 || !fits(w->rows, row_bytes, 1, w->bytes)) {
        return INK_BAD_LINEAR_WEIGHTS;
    }
    if (n_from < 0 || n_to < n_from || n_to > w->rows) {
        return INK_BAD_TASK_RANGE;
    }
    if (m < 0 || x_bytes < 0 || y_bytes < 0 || !fits(m, w->cols, 4, x_bytes) || !fits(m, w->rows, 4, y_bytes)
        || (has_bias && !fits(1, w->rows, 4, bias_bytes < 0 ? 0 : bias_bytes))) {
        return INK_BAD_TENSOR_SIZE;
    }
    return INK_OK;
}

CLONES
int ink_linear(const ink_linear_weights *w, const float *x, int64_t x_bytes, int64_t m, const float *bias,
               int64_t bias_bytes, float *y, int64_t y_bytes, int64_t n_from, int64_t n_to) {
    int rc = ink_check_linear(w, m, x_bytes, bias_bytes, bias != NULL, y_bytes, n_from, n_to);
    if (rc != INK_OK || m == 0 || n_from == n_to) {
        return rc;
    }
    const float *scales = w->format == INK_LINEAR_Q8
                          ? (const float *) ((const int8_t *) w->data + w->rows * w->cols) : NULL;
    job b = {w->format, w->data, scales, w->cols, x, m, bias, y, w->rows, NULL, NULL};
    switch (w->format) {
        case INK_LINEAR_BF16:
            return run(&b, INK_LINEAR_BF16, n_from, n_to);
        case INK_LINEAR_Q8:
            return run(&b, INK_LINEAR_Q8, n_from, n_to);
        default:
            return run(&b, INK_LINEAR_F32, n_from, n_to);
    }
}
