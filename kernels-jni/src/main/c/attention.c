/* Paged attention over a ragged step: one pass over each sequence's blocks with an online softmax.
 * A task is one (sequence, KV head); all query heads of that KV head's group are handled together, so every
 * cached K/V row is read once per group (the grouped-query saving) and stays in L1 while the group uses it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fastmath.h"
#include "kernels.h"

/* Must cover the vector width of the widest clone (16 floats for AVX-512) so GCC keeps it in registers. */
#define LANES 16

HOT float dot(const float *restrict a, const float *restrict b, int64_t d) {
    float acc[LANES] = {0};
    int64_t i = 0;
    for (; i + LANES <= d; i += LANES) {
        for (int j = 0; j < LANES; j++) {
            acc[j] += a[i + j] * b[i + j];
        }
    }
    float s = 0;
    for (; i < d; i++) {
        s += a[i] * b[i];
    }
    for (int j = 0; j < LANES; j++) {
        s += acc[j];
    }
    return s;
}

/* r[t] = the sum of the lanes of s[t], for eight vectors at once: three rounds of pairwise shuffles and adds
 * (a transpose folded into the additions) instead of eight separate reductions. */
HOT vf8 sum_lanes8(const vf8 *s) {
    const vi8 even = {0, 8, 2, 10, 4, 12, 6, 14}, odd = {1, 9, 3, 11, 5, 13, 7, 15};
    const vi8 lo2 = {0, 1, 8, 9, 4, 5, 12, 13}, hi2 = {2, 3, 10, 11, 6, 7, 14, 15};
    const vi8 lo4 = {0, 1, 2, 3, 8, 9, 10, 11}, hi4 = {4, 5, 6, 7, 12, 13, 14, 15};
    vf8 pair[4];
    for (int p = 0; p < 4; p++) { /* pair[p] holds partial sums of s[2p] and s[2p+1], interleaved */
        pair[p] = __builtin_shuffle(s[2 * p], s[2 * p + 1], even) + __builtin_shuffle(s[2 * p], s[2 * p + 1], odd);
    }
    vf8 quad0 = __builtin_shuffle(pair[0], pair[1], lo2) + __builtin_shuffle(pair[0], pair[1], hi2);
    vf8 quad1 = __builtin_shuffle(pair[2], pair[3], lo2) + __builtin_shuffle(pair[2], pair[3], hi2);
    return __builtin_shuffle(quad0, quad1, lo4) + __builtin_shuffle(quad0, quad1, hi4);
}

HOT void axpy(float w, const float *restrict v, float *restrict acc, int64_t d) {
    for (int64_t i = 0; i < d; i++) {
        acc[i] += w * v[i];
    }
}

int ink_check_cache(const ink_cache *c) {
    if (c->keys == NULL || c->values == NULL || c->num_blocks <= 0 || c->block_size <= 0 || c->num_heads <= 0
        || c->num_kv_heads <= 0 || c->head_dim <= 0 || c->num_heads % c->num_kv_heads != 0) {
        return INK_BAD_SHAPE;
    }
    return INK_OK;
}

/* Checks everything task (seq) will follow before it reads memory. */
static int check_seq(const ink_cache *c, const ink_batch *b, int64_t s, int64_t num_tokens) {
    int64_t q0 = b->query_start[s], q1 = b->query_start[s + 1];
    if (q0 < 0 || q1 < q0 || q1 > num_tokens) {
        return INK_BAD_QUERY_START;
    }
    int64_t ctx = b->context_lens[s];
    if (ctx < q1 - q0) {
        return INK_BAD_CONTEXT;
    }
    int64_t t0 = b->table_start[s], t1 = b->table_start[s + 1];
    int64_t needed = (ctx + c->block_size - 1) / c->block_size;
    if (t0 < 0 || t1 < t0 || t1 > b->tables_len || t1 - t0 < needed) {
        return INK_BAD_BLOCK_TABLE;
    }
    for (int64_t i = 0; i < needed; i++) {
        if (b->tables[t0 + i] < 0 || b->tables[t0 + i] >= c->num_blocks) {
            return INK_BAD_BLOCK_ID;
        }
    }
    return INK_OK;
}

/* Per-task scratch: the group's running output, scores of one block, running max and sum. */
typedef struct {
    float *acc;
    float *scores;
    float *max;
    float *sum;
} scratch;

/* Scores of n cached rows starting at slot `slot0` for every head of the group. Where the head dim is a
 * multiple of 8, eight rows are scored at once and their eight dot products reduced together (sum_lanes8):
 * one reduction per dot product would cost more than the dot product itself at head dim 64. */
HOT void score_block(const ink_cache *c, int64_t kv_head, int64_t slot0, int64_t n, const float *q,
                     int64_t group, float scale, float *scores) {
    int64_t d = c->head_dim, row = c->num_kv_heads * d, bs = c->block_size;
    const float *k0 = c->keys + slot0 * row + kv_head * d;
    int64_t t0 = 0;
    if (d % 8 == 0) {
        for (; t0 + 8 <= n; t0 += 8) {
            for (int64_t g = 0; g < group; g++) {
                vf8 s[8] = {0};
                for (int64_t i = 0; i < d; i += 8) {
                    vf8 qv = load8(q + g * d + i);
                    for (int t = 0; t < 8; t++) {
                        s[t] += qv * load8(k0 + (t0 + t) * row + i);
                    }
                }
                store8(scores + g * bs + t0, sum_lanes8(s) * scale);
            }
        }
    }
    for (int64_t t = t0; t < n; t++) {
        for (int64_t g = 0; g < group; g++) {
            scores[g * bs + t] = dot(q + g * d, k0 + t * row, d) * scale;
        }
    }
}

/* acc[0..d) += Σ_t p[t] × (V row t), over the n rows of a block starting at v0 (rows `row` floats apart).
 * Where d is a multiple of 64, 64 floats of acc stay in registers while every row streams by, instead of being
 * loaded and stored once per row. */
HOT void add_rows(const float *v0, int64_t row, int64_t n, const float *p, float *acc, int64_t d) {
    if (d % 64 != 0) {
        for (int64_t t = 0; t < n; t++) {
            axpy(p[t], v0 + t * row, acc, d);
        }
        return;
    }
    for (int64_t i0 = 0; i0 < d; i0 += 64) {
        vf8 a[8];
        for (int j = 0; j < 8; j++) {
            a[j] = load8(acc + i0 + 8 * j);
        }
        for (int64_t t = 0; t < n; t++) {
            vf8 pt = (vf8){0} + p[t];
            for (int j = 0; j < 8; j++) {
                a[j] += pt * load8(v0 + t * row + i0 + 8 * j);
            }
        }
        for (int j = 0; j < 8; j++) {
            store8(acc + i0 + 8 * j, a[j]);
        }
    }
}

/* Online softmax: rescale what was accumulated when this block raises a head's max, then add its V rows. */
HOT void accumulate_block(const ink_cache *c, int64_t kv_head, int64_t slot0, int64_t n, int64_t group,
                                    scratch *w) {
    int64_t d = c->head_dim, row = c->num_kv_heads * d, bs = c->block_size;
    for (int64_t g = 0; g < group; g++) {
        float *sc = w->scores + g * bs;
        float block_max = -INFINITY;
        for (int64_t i = 0; i < n; i++) {
            block_max = sc[i] > block_max ? sc[i] : block_max;
        }
        float new_max = block_max > w->max[g] ? block_max : w->max[g];
        if (new_max > w->max[g] && w->sum[g] > 0) {
            float correction = fast_expf(w->max[g] - new_max);
            w->sum[g] *= correction;
            for (int64_t i = 0; i < d; i++) {
                w->acc[g * d + i] *= correction;
            }
        }
        w->max[g] = new_max;
        for (int64_t i = 0; i < n; i++) { /* a separate loop so the exps vectorize */
            sc[i] = fast_expf(sc[i] - new_max);
        }
        for (int64_t i = 0; i < n; i++) {
            w->sum[g] += sc[i];
        }
        add_rows(c->values + slot0 * row + kv_head * d, row, n, sc, w->acc + g * d, d);
    }
}

/* Asks for the next block's K and V rows of this head while the current block is computed: blocks are
 * scattered over the cache, so the hardware prefetcher cannot guess where the next one lies. */
HOT void prefetch_block(const ink_cache *c, int64_t kv_head, int64_t slot0) {
    int64_t d = c->head_dim, row = c->num_kv_heads * d;
    for (int64_t t = 0; t < c->block_size; t++) {
        const float *k = c->keys + (slot0 + t) * row + kv_head * d;
        const float *v = c->values + (slot0 + t) * row + kv_head * d;
        for (int64_t i = 0; i < d; i += 16) { /* one 64-byte line per 16 floats */
            __builtin_prefetch(k + i);
            __builtin_prefetch(v + i);
        }
    }
}

/* Every query row of sequence s for the heads of kv_head. */
HOT void attend_group(const ink_cache *c, const ink_batch *b, const float *queries, float *out, float scale,
                         int64_t s, int64_t kv_head, scratch *w) {
    int64_t d = c->head_dim, group = c->num_heads / c->num_kv_heads, bs = c->block_size;
    int64_t q0 = b->query_start[s], q_len = b->query_start[s + 1] - q0, ctx = b->context_lens[s];
    const int32_t *table = b->tables + b->table_start[s];
    for (int64_t j = 0; j < q_len; j++) {
        int64_t offset = ((q0 + j) * c->num_heads + kv_head * group) * d;
        const float *q = queries + offset;
        memset(w->acc, 0, (size_t) (group * d) * sizeof(float));
        memset(w->sum, 0, (size_t) group * sizeof(float));
        for (int64_t g = 0; g < group; g++) {
            w->max[g] = -INFINITY;
        }
        int64_t positions = ctx - q_len + j + 1;
        for (int64_t start = 0; start < positions; start += bs) {
            int64_t n = positions - start < bs ? positions - start : bs;
            int64_t slot0 = (int64_t) table[start / bs] * bs;
            if (start + bs < positions) {
                prefetch_block(c, kv_head, (int64_t) table[start / bs + 1] * bs);
            }
            score_block(c, kv_head, slot0, n, q, group, scale, w->scores);
            accumulate_block(c, kv_head, slot0, n, group, w);
        }
        for (int64_t g = 0; g < group; g++) {
            float inv = 1.0f / w->sum[g];
            for (int64_t i = 0; i < d; i++) {
                out[offset + g * d + i] = w->acc[g * d + i] * inv;
            }
        }
    }
}

CLONES
int ink_paged_attention(const ink_cache *c, const ink_batch *b, const float *queries, int64_t query_bytes,
                        float *out, int64_t out_bytes, float scale, int64_t task_from, int64_t task_to) {
    int rc = ink_check_cache(c);
    if (rc != INK_OK) {
        return rc;
    }
    int64_t tasks = b->num_seqs * c->num_kv_heads;
    if (task_from < 0 || task_to < task_from || task_to > tasks) {
        return INK_BAD_TASK_RANGE;
    }
    int64_t num_tokens = b->query_start[b->num_seqs];
    int64_t needed = num_tokens * c->num_heads * c->head_dim * (int64_t) sizeof(float);
    if (b->query_start[0] != 0 || num_tokens < 0 || query_bytes < needed || out_bytes < needed) {
        return INK_BAD_TENSOR_SIZE;
    }
    int64_t group = c->num_heads / c->num_kv_heads;
    float *mem = malloc((size_t) (group * c->head_dim + group * c->block_size + 2 * group) * sizeof(float));
    if (mem == NULL) {
        return INK_OUT_OF_MEMORY;
    }
    scratch w = {mem, mem + group * c->head_dim, mem + group * (c->head_dim + c->block_size),
                 mem + group * (c->head_dim + c->block_size + 1)};
    for (int64_t task = task_from; task < task_to && rc == INK_OK; task++) {
        int64_t s = task / c->num_kv_heads;
        rc = check_seq(c, b, s, num_tokens);
        if (rc == INK_OK) {
            attend_group(c, b, queries, out, scale, s, task % c->num_kv_heads, &w);
        }
    }
    free(mem);
    return rc;
}
