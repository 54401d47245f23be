/* JNI glue: pins the int/float arrays (GetPrimitiveArrayCritical: no copy, kernels are short), checks their
 * lengths against what the kernels will index, and turns raw addresses into typed pointers. The address
 * arguments are MemorySegment.address() values of off-heap segments whose sizes come with them. */
#include <jni.h>
#include <stdlib.h>
#include <string.h>

#include "dev_infer_kernels_NativeBridge.h"
#include "kernels.h"

#define MAX_PINNED 12

typedef struct {
    JNIEnv *env;
    int n;
    jarray arrays[MAX_PINNED];
    void *ptrs[MAX_PINNED];
    int ok;
} pins;

/* Pins a (whose length the caller checked before: no other JNI call may run inside a critical region). */
static void *pin(pins *p, jarray a) {
    if (!p->ok || a == NULL || p->n == MAX_PINNED) {
        p->ok = 0;
        return NULL;
    }
    void *ptr = (*p->env)->GetPrimitiveArrayCritical(p->env, a, NULL);
    if (ptr == NULL) {
        p->ok = 0;
        return NULL;
    }
    p->arrays[p->n] = a;
    p->ptrs[p->n++] = ptr;
    return ptr;
}

static void unpin_all(pins *p, jint mode) {
    while (p->n > 0) {
        p->n--;
        (*p->env)->ReleasePrimitiveArrayCritical(p->env, p->arrays[p->n], p->ptrs[p->n], mode);
    }
}

/* Array lengths are checked before pinning: GetArrayLength is not allowed inside a critical region. */
static int at_least(JNIEnv *env, jarray a, jlong n) {
    return a != NULL && n >= 0 && (*env)->GetArrayLength(env, a) >= n;
}

static int cache_of(JNIEnv *env, jlong keys, jlong values, jintArray shape, ink_cache *c) {
    jint s[5];
    if (!at_least(env, shape, 5)) {
        return INK_BAD_SHAPE;
    }
    (*env)->GetIntArrayRegion(env, shape, 0, 5, s);
    *c = (ink_cache){(float *) (intptr_t) keys, (float *) (intptr_t) values, s[0], s[1], s[2], s[3], s[4]};
    return ink_check_cache(c);
}

JNIEXPORT jstring JNICALL Java_dev_infer_kernels_NativeBridge_isa(JNIEnv *env, jclass cls) {
    (void) cls;
    return (*env)->NewStringUTF(env, ink_isa());
}

JNIEXPORT jint JNICALL Java_dev_infer_kernels_NativeBridge_pagedAttention(
        JNIEnv *env, jclass cls, jlong keys, jlong values, jintArray shape, jlong queries, jlong query_bytes,
        jlong out, jlong out_bytes, jfloat scale, jintArray query_start, jintArray context_lens,
        jintArray table_start, jintArray tables, jint task_from, jint task_to) {
    (void) cls;
    ink_cache c;
    int rc = cache_of(env, keys, values, shape, &c);
    if (rc != INK_OK) {
        return rc;
    }
    if (context_lens == NULL || tables == NULL) {
        return INK_BAD_QUERY_START;
    }
    jsize seqs = (*env)->GetArrayLength(env, context_lens);
    jsize tables_len = (*env)->GetArrayLength(env, tables);
    if (!at_least(env, query_start, (jlong) seqs + 1) || !at_least(env, table_start, (jlong) seqs + 1)) {
        return INK_BAD_QUERY_START;
    }
    pins p = {env, 0, {0}, {0}, 1};
    ink_batch b = {pin(&p, query_start), pin(&p, context_lens), pin(&p, table_start), pin(&p, tables), seqs,
                   tables_len};
    rc = p.ok ? ink_paged_attention(&c, &b, (const float *) (intptr_t) queries, query_bytes, (float *) (intptr_t) out,
                                    out_bytes, scale, task_from, task_to)
              : INK_BAD_QUERY_START;
    unpin_all(&p, JNI_ABORT);
    return rc;
}

JNIEXPORT jint JNICALL Java_dev_infer_kernels_NativeBridge_writeKv(
        JNIEnv *env, jclass cls, jlong keys, jlong values, jintArray shape, jlong new_keys, jlong new_values,
        jlong new_bytes, jintArray slots) {
    (void) cls;
    ink_cache c;
    int rc = cache_of(env, keys, values, shape, &c);
    if (rc != INK_OK || slots == NULL) {
        return rc != INK_OK ? rc : INK_BAD_SLOT;
    }
    pins p = {env, 0, {0}, {0}, 1};
    jsize n = (*env)->GetArrayLength(env, slots);
    const int32_t *s = pin(&p, slots);
    rc = p.ok ? ink_write_kv(&c, (const float *) (intptr_t) new_keys, (const float *) (intptr_t) new_values,
                             new_bytes, s, n)
              : INK_BAD_SLOT;
    unpin_all(&p, JNI_ABORT);
    return rc;
}

JNIEXPORT jint JNICALL Java_dev_infer_kernels_NativeBridge_copyBlocks(
        JNIEnv *env, jclass cls, jlong keys, jlong values, jintArray shape, jintArray src, jintArray dst) {
    (void) cls;
    ink_cache c;
    int rc = cache_of(env, keys, values, shape, &c);
    if (rc != INK_OK || src == NULL || dst == NULL) {
        return rc != INK_OK ? rc : INK_BAD_BLOCK_ID;
    }
    jsize n = (*env)->GetArrayLength(env, src);
    if ((*env)->GetArrayLength(env, dst) != n) {
        return INK_BAD_BLOCK_ID;
    }
    pins p = {env, 0, {0}, {0}, 1};
    const int32_t *s = pin(&p, src);
    const int32_t *d = pin(&p, dst);
    rc = p.ok ? ink_copy_blocks(&c, s, d, n) : INK_BAD_BLOCK_ID;
    unpin_all(&p, JNI_ABORT);
    return rc;
}

const char *ink_isa(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4")) {
        return "avx512 (x86-64-v4)";
    }
    if (__builtin_cpu_supports("x86-64-v3")) {
        return "avx2+fma (x86-64-v3)";
    }
    return "portable x86-64";
}

/* Sampling arrays per row r (SamplingPack.java): floats[6r..6r+6) temperature, top_p, min_p, repetition,
 * presence, frequency; ints[3r..3r+3) top_k, top_logprobs, want_logprob; penalty ids of the repetition
 * penalty at starts[2r]..starts[2r+1], generated ids with counts at starts[2r+1]..starts[2r+2]. */
typedef struct {
    const float *floats;
    const int32_t *ints;
    const double *uniforms;
    const int32_t *starts;
    const int32_t *ids;
    const int32_t *counts;
    int32_t *tokens;
    float *logprobs;
    int32_t *top_ids;
    float *top_logprobs;
    int64_t max_top;
    int64_t penalty_len;
} sampling_arrays;

static int sample_rows(float *logits, int64_t vocab, const sampling_arrays *a, int64_t from, int64_t to,
                       uint64_t *scratch) {
    for (int64_t r = from; r < to; r++) {
        const float *f = a->floats + 6 * r;
        const int32_t *i = a->ints + 3 * r;
        ink_sampling_row row = {f[0], f[1], f[2], f[3], f[4], f[5], i[0], i[1], i[2], a->uniforms[r]};
        int64_t s0 = a->starts[2 * r], s1 = a->starts[2 * r + 1], s2 = a->starts[2 * r + 2];
        if (s0 < 0 || s1 < s0 || s2 < s1 || s2 > a->penalty_len || row.top_logprobs > a->max_top) {
            return INK_BAD_SAMPLING_PARAM;
        }
        ink_penalties pen = {a->ids + s0, s1 - s0, a->ids + s1, a->counts + s1, s2 - s1};
        ink_sampled out = {0, 0, a->top_ids + r * a->max_top, a->top_logprobs + r * a->max_top};
        int rc = ink_sample_row(logits + r * vocab, vocab, &row, &pen, scratch, &out);
        if (rc != INK_OK) {
            return rc;
        }
        a->tokens[r] = out.token;
        a->logprobs[r] = out.logprob;
    }
    return INK_OK;
}

JNIEXPORT jint JNICALL Java_dev_infer_kernels_NativeBridge_sample(
        JNIEnv *env, jclass cls, jlong logits, jlong logits_bytes, jint rows, jint vocab, jfloatArray floats,
        jintArray ints, jdoubleArray uniforms, jintArray starts, jintArray ids, jintArray counts, jintArray tokens,
        jfloatArray logprobs, jintArray top_ids, jfloatArray top_logprobs, jint max_top, jint row_from,
        jint row_to) {
    (void) cls;
    if (rows < 0 || vocab <= 0 || max_top < 0 || row_from < 0 || row_to < row_from || row_to > rows
        || logits_bytes < (jlong) rows * vocab * (jlong) sizeof(float)) {
        return INK_BAD_TENSOR_SIZE;
    }
    if (!at_least(env, floats, 6L * rows) || !at_least(env, ints, 3L * rows) || !at_least(env, uniforms, rows)
        || !at_least(env, starts, 2L * rows + 1) || !at_least(env, tokens, rows) || !at_least(env, logprobs, rows)
        || !at_least(env, top_ids, (jlong) rows * max_top) || !at_least(env, top_logprobs, (jlong) rows * max_top)
        || ids == NULL || counts == NULL) {
        return INK_BAD_SAMPLING_PARAM;
    }
    jsize penalty_len = (*env)->GetArrayLength(env, ids);
    if ((*env)->GetArrayLength(env, counts) < penalty_len) {
        return INK_BAD_SAMPLING_PARAM;
    }
    uint64_t *scratch = malloc(2 * (size_t) vocab * sizeof(uint64_t));
    if (scratch == NULL) {
        return INK_OUT_OF_MEMORY;
    }
    pins p = {env, 0, {0}, {0}, 1};
    sampling_arrays a = {pin(&p, floats), pin(&p, ints), pin(&p, uniforms), pin(&p, starts), pin(&p, ids),
                         pin(&p, counts), pin(&p, tokens), pin(&p, logprobs), pin(&p, top_ids),
                         pin(&p, top_logprobs), max_top, penalty_len};
    int rc = p.ok ? sample_rows((float *) (intptr_t) logits, vocab, &a, row_from, row_to, scratch)
                  : INK_BAD_SAMPLING_PARAM;
    unpin_all(&p, 0); /* mode 0 copies back where the JVM had to copy: outputs must reach Java */
    free(scratch);
    return rc;
}

/* Linear layer, output columns [n_from, n_to); bias = 0 means none. */
JNIEXPORT jint JNICALL Java_dev_infer_kernels_NativeBridge_linear(
        JNIEnv *env, jclass cls, jlong x, jlong x_bytes, jint m, jlong w, jlong w_bytes, jint format, jint rows,
        jint cols, jlong bias, jlong bias_bytes, jlong y, jlong y_bytes, jint n_from, jint n_to) {
    (void) env;
    (void) cls;
    ink_linear_weights weights = {format, (const void *) (intptr_t) w, w_bytes, rows, cols};
    return ink_linear(&weights, (const float *) (intptr_t) x, x_bytes, m, (const float *) (intptr_t) bias,
                      bias_bytes, (float *) (intptr_t) y, y_bytes, n_from, n_to);
}
