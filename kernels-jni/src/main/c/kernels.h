/* The kernels' C entry points, called by jni_bridge.c with validated, pinned arrays. */
#ifndef INFER_KERNELS_H
#define INFER_KERNELS_H

#include <stdint.h>

/* Entry points carry three clones (AVX-512, AVX2+FMA, portable x86-64); the loader's resolver picks one per
 * function from the CPU it runs on, so one library serves every x86-64. */
#define CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
/* Helpers are forced inline so each clone compiles them for its own instruction set. */
#define HOT static inline __attribute__((always_inline))

/* Error codes every entry point returns (0 = ok); NativeErrors.java turns them into exception messages. */
enum {
    INK_OK = 0,
    INK_BAD_SHAPE = -1,
    INK_BAD_QUERY_START = -2,
    INK_BAD_CONTEXT = -3,
    INK_BAD_BLOCK_TABLE = -4,
    INK_BAD_BLOCK_ID = -5,
    INK_BAD_TENSOR_SIZE = -6,
    INK_BAD_SLOT = -7,
    INK_BAD_TASK_RANGE = -8,
    INK_OUT_OF_MEMORY = -9,
    INK_BAD_TOKEN_ID = -10,
    INK_NOTHING_TO_SAMPLE = -11,
    INK_BAD_SAMPLING_PARAM = -12,
    INK_BAD_LINEAR_WEIGHTS = -13
};

/* One layer's paged cache, [numBlocks][blockSize][numKvHeads][headDim] fp32. */
typedef struct {
    float *keys;
    float *values;
    int64_t num_blocks;
    int64_t block_size;
    int64_t num_heads;
    int64_t num_kv_heads;
    int64_t head_dim;
} ink_cache;

/* One ragged step: sequence s owns query rows [query_start[s], query_start[s+1]) and block table
 * tables[table_start[s] .. table_start[s+1]). */
typedef struct {
    const int32_t *query_start;
    const int32_t *context_lens;
    const int32_t *table_start;
    const int32_t *tables;
    int64_t num_seqs;
    int64_t tables_len;
} ink_batch;

int ink_check_cache(const ink_cache *c);
int ink_paged_attention(const ink_cache *c, const ink_batch *b, const float *queries, int64_t query_bytes,
                        float *out, int64_t out_bytes, float scale, int64_t task_from, int64_t task_to);
int ink_write_kv(const ink_cache *c, const float *new_keys, const float *new_values, int64_t new_bytes,
                 const int32_t *slots, int64_t num_tokens);
int ink_copy_blocks(const ink_cache *c, const int32_t *src, const int32_t *dst, int64_t n);

/* Per-row sampling settings, packed by NativeSamplingKernels (see SamplingPack.java for the layout). */
typedef struct {
    float temperature, top_p, min_p, repetition, presence, frequency;
    int32_t top_k, top_logprobs, want_logprob;
    double uniform;
} ink_sampling_row;

typedef struct {
    int32_t token;
    float logprob;
    int32_t *top_ids;     /* top_logprobs entries */
    float *top_logprobs;
} ink_sampled;

typedef struct {
    const int32_t *rep_ids;
    int64_t rep_len;
    const int32_t *out_ids;
    const int32_t *out_counts;
    int64_t out_len;
} ink_penalties;

/* Samples one row in place (penalties edit it). scratch holds 2 * vocab 64-bit words. */
int ink_sample_row(float *logits, int64_t vocab, const ink_sampling_row *row, const ink_penalties *pen,
                   uint64_t *scratch, ink_sampled *result);

/* Linear layers (linear.c). Formats as LinearFormat.ordinal(); layouts as PackedMatrix's (Q8: all int8 codes
 * row-major, then all fp32 scales row-major, one per INK_Q8_BLOCK codes). */
enum { INK_LINEAR_F32 = 0, INK_LINEAR_BF16 = 1, INK_LINEAR_Q8 = 2 };
#define INK_Q8_BLOCK 32

typedef struct {
    int32_t format;
    const void *data;
    int64_t bytes;   /* of data */
    int64_t rows;    /* outputs (n) */
    int64_t cols;    /* inputs (k) */
} ink_linear_weights;

int ink_check_linear(const ink_linear_weights *w, int64_t m, int64_t x_bytes, int64_t bias_bytes, int has_bias,
                     int64_t y_bytes, int64_t n_from, int64_t n_to);
/* y[i][j] = x[i] . w[j] + bias[j] (bias may be NULL) for i < m and n_from <= j < n_to; y is [m][w->rows]. */
int ink_linear(const ink_linear_weights *w, const float *x, int64_t x_bytes, int64_t m, const float *bias,
               int64_t bias_bytes, float *y, int64_t y_bytes, int64_t n_from, int64_t n_to);

/* Which instruction set the clones of this library run with here, e.g. "avx2+fma". */
const char *ink_isa(void);

#endif
