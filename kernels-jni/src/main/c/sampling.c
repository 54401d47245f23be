/* Sampling one row of logits without sorting the vocabulary.
 *
 * Ranked prefixes (top-k, top-p, top logprobs) come from a histogram over the row's value range: one pass
 * counts tokens (and, for top-p, their probability mass) per bucket, the walk from the top bucket finds the
 * first bucket where enough tokens (or mass) lie above, and only tokens in those buckets are gathered and
 * radix-sorted. Count-only prefixes of long rows first try a threshold from a sample of the row, which needs
 * no full histogram. The results are JavaSamplingKernels's; the two are tested to agree. */
#include <math.h>
#include <string.h>

#include "fastmath.h"
#include "kernels.h"

#define LANES 16
#define BUCKETS 2048
/* Elements summed in float lanes before the partial sum moves to double (keeps 152k-term sums accurate). */
#define CHUNK 1024
/* Rows at least this long pick count-only prefixes from a 1-in-SAMPLE_STRIDE sample (gather_by_sample). */
#define SAMPLE_MIN_ROW 4096
#define SAMPLE_STRIDE 16

typedef struct {
    float max;
    float min; /* smallest finite value */
    int nan;
} row_stats;

/* Max, smallest finite value and NaN flag, eight lanes at a time. */
CLONES
static row_stats stats(const float *x, int64_t n) {
    vf8 mx = (vf8){0} - INFINITY, mn = (vf8){0} + INFINITY, ninf = mx;
    vi8 nan = {0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        vf8 v = load8(x + i);
        nan |= v != v;
        mx = select8(v > mx, v, mx);
        mn = select8((v < mn) & (v != ninf), v, mn);
    }
    row_stats st = {-INFINITY, INFINITY, 0};
    for (int j = 0; j < 8; j++) {
        st.nan |= nan[j] != 0;
        st.max = mx[j] > st.max ? mx[j] : st.max;
        st.min = mn[j] < st.min ? mn[j] : st.min;
    }
    for (; i < n; i++) {
        float v = x[i];
        st.nan |= v != v;
        st.max = v > st.max ? v : st.max;
        st.min = (v < st.min && v != -INFINITY) ? v : st.min;
    }
    return st;
}

/* Σ of the weights exp((x - max) * inv_t) that min-p keeps (>= min_p; the top token weighs 1) over one run of at
 * most CHUNK tokens, in float lanes; the run's sum moves to double in the callers, which keeps 152k-term
 * sums accurate. */
HOT float run_mass(const float *x, int64_t len, float max, float inv_t, float min_p) {
    float acc[LANES] = {0};
    int64_t i = 0;
    for (; i + LANES <= len; i += LANES) {
        for (int j = 0; j < LANES; j++) {
            float w = fast_expf((x[i + j] - max) * inv_t);
            acc[j] += w >= min_p ? w : 0.0f;
        }
    }
    for (; i < len; i++) {
        float w = fast_expf((x[i] - max) * inv_t);
        acc[0] += w >= min_p ? w : 0.0f;
    }
    float s = 0;
    for (int j = 0; j < LANES; j++) {
        s += acc[j];
    }
    return s;
}

/* The kept mass of the whole row (min_p 0: all of it). */
CLONES
static double kept_mass(const float *x, int64_t n, float max, float inv_t, float min_p) {
    double total = 0;
    for (int64_t start = 0; start < n; start += CHUNK) {
        total += run_mass(x + start, n - start < CHUNK ? n - start : CHUNK, max, inv_t, min_p);
    }
    return total;
}

/* The lowest id holding `value` (the row's max, so one exists): CHUNK-sized runs are tested whole (a loop
 * without an early exit, so it vectorizes), then the run that holds it is searched. */
CLONES
static int64_t first_index_of(const float *x, int64_t n, float value) {
    int64_t start = 0;
    for (; start + CHUNK <= n; start += CHUNK) {
        int32_t hit = 0;
        for (int64_t i = start; i < start + CHUNK; i++) {
            hit |= x[i] == value;
        }
        if (hit) {
            break;
        }
    }
    for (int64_t i = start; i < n; i++) {
        if (x[i] == value) {
            return i;
        }
    }
    return 0;
}

static void apply_penalties(float *x, const ink_sampling_row *row, const ink_penalties *pen) {
    if (row->repetition != 1.0f) {
        for (int64_t i = 0; i < pen->rep_len; i++) {
            float v = x[pen->rep_ids[i]];
            x[pen->rep_ids[i]] = v > 0 ? v / row->repetition : v * row->repetition;
        }
    }
    if (row->presence != 0.0f || row->frequency != 0.0f) {
        for (int64_t i = 0; i < pen->out_len; i++) {
            x[pen->out_ids[i]] -= row->frequency * (float) pen->out_counts[i] + row->presence;
        }
    }
}

static int check_penalties(int64_t vocab, const ink_penalties *pen) {
    for (int64_t i = 0; i < pen->rep_len; i++) {
        if (pen->rep_ids[i] < 0 || pen->rep_ids[i] >= vocab) {
            return INK_BAD_TOKEN_ID;
        }
    }
    for (int64_t i = 0; i < pen->out_len; i++) {
        if (pen->out_ids[i] < 0 || pen->out_ids[i] >= vocab) {
            return INK_BAD_TOKEN_ID;
        }
    }
    return INK_OK;
}

/* A 64-bit key whose ascending order is descending value, then ascending id (ties rank the lower id first). */
HOT uint64_t rank_key(float v, int64_t id) {
    int32_t bits = as_bits(v);
    int32_t ordered = bits ^ ((bits >> 31) & 0x7fffffff); /* signed int ordered like the float */
    uint32_t descending = (uint32_t) ~ordered ^ 0x80000000u;
    return ((uint64_t) descending << 32) | (uint64_t) id;
}

HOT float key_value(uint64_t key) {
    int32_t ordered = (int32_t) ~((uint32_t) (key >> 32) ^ 0x80000000u);
    return as_float(ordered ^ ((ordered >> 31) & 0x7fffffff));
}

/* LSD radix sort, 8 bits a pass, skipping passes where every key has the same digit. */
static void radix_sort(uint64_t *keys, uint64_t *tmp, int64_t n) {
    for (int shift = 0; shift < 64; shift += 8) {
        int64_t count[257] = {0};
        for (int64_t i = 0; i < n; i++) {
            count[((keys[i] >> shift) & 0xff) + 1]++;
        }
        if (count[((keys[0] >> shift) & 0xff) + 1] == n) {
            continue;
        }
        for (int d = 0; d < 256; d++) {
            count[d + 1] += count[d];
        }
        for (int64_t i = 0; i < n; i++) {
            tmp[count[(keys[i] >> shift) & 0xff]++] = keys[i];
        }
        memcpy(keys, tmp, (size_t) n * sizeof *keys);
    }
}

HOT int bucket_of(float v, float max, float inv_width) {
    float b = (max - v) * inv_width; /* +inf for -inf logits, NaN when the width is 0: both the last bucket */
    return (int) (b < (float) (BUCKETS - 1) ? b : (float) (BUCKETS - 1));
}

CLONES
static void bucket_ids(const float *x, int64_t n, float max, float inv_width, int32_t *out) {
    for (int64_t i = 0; i < n; i++) {
        out[i] = bucket_of(x[i], max, inv_width);
    }
}

/* exp((x - max) * inv_t) of the whole row into w. */
CLONES
static void weights(const float *x, int64_t n, float max, float inv_t, float *w) {
    for (int64_t i = 0; i < n; i++) {
        w[i] = fast_expf((x[i] - max) * inv_t);
    }
}

/* Rank keys of every token >= threshold into keys, testing eight at a time (few pass); how many, or -1 when
 * fewer than min_count. */
CLONES
static int64_t gather_at_least(const float *x, int64_t n, float threshold, int64_t min_count, uint64_t *keys) {
    vf8 t = (vf8){0} + threshold;
    int64_t m = 0, i = 0;
    for (; i + 8 <= n; i += 8) {
        vi8 hit = load8(x + i) >= t;
        if (hit[0] | hit[1] | hit[2] | hit[3] | hit[4] | hit[5] | hit[6] | hit[7]) {
            for (int64_t j = i; j < i + 8; j++) {
                if (x[j] >= threshold) {
                    keys[m++] = rank_key(x[j], j);
                }
            }
        }
    }
    for (; i < n; i++) {
        if (x[i] >= threshold) {
            keys[m++] = rank_key(x[i], i);
        }
    }
    return m >= min_count ? m : -1;
}

/* Count-only selection on a large row without a full histogram: the histogram of a 1-in-SAMPLE_STRIDE sample
 * gives a value threshold that very likely has min_count tokens above it (expected sample hits plus three
 * standard deviations plus a few); one pass then gathers the tokens at or above it. Returns how many, or -1
 * where the guess fell short (or the row is flat) and the caller must build the full histogram. */
static int64_t gather_by_sample(const float *x, int64_t n, row_stats st, int64_t min_count, uint64_t *keys) {
    static __thread int64_t count[BUCKETS];
    float span = st.max - st.min;
    if (!(span > 0)) {
        return -1;
    }
    float inv_width = (float) (BUCKETS - 1) / span;
    memset(count, 0, sizeof count);
    for (int64_t i = 0; i < n; i += SAMPLE_STRIDE) {
        count[bucket_of(x[i], st.max, inv_width)]++;
    }
    double expected = (double) min_count / SAMPLE_STRIDE;
    int64_t want = (int64_t) (expected + 3 * sqrt(expected)) + 8, seen = 0;
    int cut = -1;
    for (int b = 0; b < BUCKETS && cut < 0; b++) {
        seen += count[b];
        cut = seen >= want ? b : -1;
    }
    if (cut < 0) {
        return -1;
    }
    float threshold = st.max - (float) (cut + 1) / inv_width;
    return gather_at_least(x, n, threshold, min_count, keys);
}

/* The best-ranked tokens, best first, into keys: at least min_count of them (when the row has that many) and,
 * when min_mass > 0, at least that much Σ exp((v - max) * inv_t). Returns how many. tmp holds n words. */
static int64_t rank_prefix(const float *x, int64_t n, row_stats st, int64_t min_count, double min_mass,
                           float inv_t, uint64_t *keys, uint64_t *tmp) {
    int64_t m = -1;
    if (min_mass <= 0 && n >= SAMPLE_MIN_ROW && min_count <= n / 64) {
        m = gather_by_sample(x, n, st, min_count, keys);
    }
    if (m >= 0) {
        radix_sort(keys, tmp, m);
        return m;
    }
    static __thread int64_t count[BUCKETS];
    static __thread double mass[BUCKETS];
    memset(count, 0, sizeof count);
    memset(mass, 0, sizeof mass);
    float span = st.max - st.min;
    float inv_width = span > 0 ? (float) (BUCKETS - 1) / span : 0.0f;
    float *w = (float *) tmp; /* tmp is free until the sort: weights, then bucket ids */
    int32_t *bucket = (int32_t *) (w + n);
    bucket_ids(x, n, st.max, inv_width, bucket);
    if (min_mass > 0) {
        weights(x, n, st.max, inv_t, w);
        for (int64_t i = 0; i < n; i++) {
            count[bucket[i]]++;
            mass[bucket[i]] += w[i];
        }
    } else {
        for (int64_t i = 0; i < n; i++) {
            count[bucket[i]]++;
        }
    }
    int cut = BUCKETS - 1;
    int64_t seen = 0;
    double seen_mass = 0;
    for (int b = 0; b < BUCKETS; b++) {
        seen += count[b];
        seen_mass += mass[b];
        if (seen >= min_count && seen_mass >= min_mass) {
            /* One bucket more when mass decides: the candidates' own sums may round below the histogram's. */
            cut = min_mass > 0 && b + 1 < BUCKETS ? b + 1 : b;
            break;
        }
    }
    /* The cut as a value threshold, so the gather is a vectorized compare; any threshold keeps a rank prefix. */
    float threshold = cut >= BUCKETS - 1 || inv_width == 0 ? -INFINITY : st.max - (float) (cut + 1) / inv_width;
    m = gather_at_least(x, n, threshold, min_count, keys);
    if (m < 0) { /* rounding at the bucket's edge left too few: take the buckets themselves */
        m = 0;
        for (int64_t i = 0; i < n; i++) {
            if (bucket[i] <= cut) {
                keys[m++] = rank_key(x[i], i);
            }
        }
    }
    radix_sort(keys, tmp, m);
    return m;
}

/* Temperature and min-p only: no ranking; the draw walks the vocabulary in id order. Whole runs are skipped by
 * their (vectorized) mass, kept in run_sums; only the run where the draw lands is walked token by token. */
CLONES
static int64_t draw_in_id_order(const float *x, int64_t n, float max, float inv_t, float min_p, double u,
                                double *run_sums) {
    int64_t runs = (n + CHUNK - 1) / CHUNK;
    double total = 0;
    for (int64_t c = 0; c < runs; c++) {
        int64_t start = c * CHUNK;
        run_sums[c] = run_mass(x + start, n - start < CHUNK ? n - start : CHUNK, max, inv_t, min_p);
        total += run_sums[c];
    }
    double r = u * total, acc = 0;
    int64_t last = -1;
    for (int64_t c = 0; c < runs; c++) {
        if (r >= acc + run_sums[c] && c + 1 < runs) {
            acc += run_sums[c];
            continue;
        }
        int64_t end = (c + 1) * CHUNK < n ? (c + 1) * CHUNK : n;
        for (int64_t i = c * CHUNK; i < end; i++) {
            float w = fast_expf((x[i] - max) * inv_t);
            if (w >= min_p && w > 0) {
                acc += w;
                last = i;
                if (r < acc) {
                    return i;
                }
            }
        }
    }
    /* Rounding left r at the very top: the last kept token (the top token always is one). */
    for (int64_t i = n - 1; last < 0 && i >= 0; i--) {
        float w = fast_expf((x[i] - max) * inv_t);
        last = w >= min_p && w > 0 ? i : -1;
    }
    return last;
}

/* top-k, then top-p (mass before a token below top_p × the kept mass), then min-p; draws in rank order. */
static int64_t draw_ranked(const float *x, int64_t n, row_stats st, const ink_sampling_row *row, uint64_t *keys,
                           double *w) {
    float inv_t = 1.0f / row->temperature;
    int64_t m;
    double pool;
    if (row->top_k > 0) {
        m = rank_prefix(x, n, st, row->top_k, 0, inv_t, keys, (uint64_t *) w);
        m = m < row->top_k ? m : row->top_k;
        pool = -1;
    } else {
        pool = kept_mass(x, n, st.max, inv_t, 0);
        m = rank_prefix(x, n, st, 1, row->top_p * pool, inv_t, keys, (uint64_t *) w);
    }
    double candidates_mass = 0;
    for (int64_t i = 0; i < m; i++) {
        w[i] = exp((double) ((key_value(keys[i]) - st.max) * inv_t));
        candidates_mass += w[i];
    }
    if (pool < 0) {
        pool = candidates_mass;
    }
    int64_t kept = m;
    if (row->top_p < 1.0f) {
        double target = row->top_p * pool, before = 0;
        for (int64_t i = 0; i < m; i++) {
            if (before >= target && i > 0) {
                kept = i;
                break;
            }
            before += w[i];
        }
    }
    while (kept > 1 && !(w[kept - 1] >= row->min_p && w[kept - 1] > 0)) {
        kept--;
    }
    double total = 0;
    for (int64_t i = 0; i < kept; i++) {
        total += w[i];
    }
    double r = row->uniform * total, acc = 0;
    for (int64_t i = 0; i < kept; i++) {
        acc += w[i];
        if (r < acc) {
            return (int64_t) (uint32_t) keys[i];
        }
    }
    return (int64_t) (uint32_t) keys[kept - 1];
}

static void top_logprobs(const float *x, int64_t n, row_stats st, double log_z, const ink_sampling_row *row,
                         uint64_t *scratch, ink_sampled *result) {
    int64_t m = rank_prefix(x, n, st, row->top_logprobs, 0, 1.0f, scratch, scratch + n);
    m = m < row->top_logprobs ? m : row->top_logprobs;
    for (int64_t i = 0; i < m; i++) {
        int64_t id = (uint32_t) scratch[i];
        result->top_ids[i] = (int32_t) id;
        result->top_logprobs[i] = (float) (x[id] - log_z);
    }
}

int ink_sample_row(float *x, int64_t n, const ink_sampling_row *row, const ink_penalties *pen, uint64_t *scratch,
                   ink_sampled *result) {
    if (n <= 0 || !(row->temperature >= 0) || !(row->top_p > 0 && row->top_p <= 1) || row->top_logprobs < 0
        || !(row->min_p >= 0 && row->min_p <= 1) || !(row->repetition > 0)) {
        return INK_BAD_SAMPLING_PARAM;
    }
    int rc = check_penalties(n, pen);
    if (rc != INK_OK) {
        return rc;
    }
    apply_penalties(x, row, pen);
    row_stats st = stats(x, n);
    if (st.nan || st.max == -INFINITY) {
        return INK_NOTHING_TO_SAMPLE;
    }
    int64_t token;
    if (row->temperature == 0 || row->top_k == 1) {
        token = first_index_of(x, n, st.max); /* argmax, the lowest id on ties */
    } else if (row->top_k <= 0 && row->top_p >= 1) {
        token = draw_in_id_order(x, n, st.max, 1.0f / row->temperature, row->min_p, row->uniform,
                                 (double *) scratch);
    } else {
        token = draw_ranked(x, n, st, row, scratch, (double *) (scratch + n));
    }
    result->token = (int32_t) token;
    result->logprob = NAN;
    if (row->want_logprob || row->top_logprobs > 0) {
        double log_z = st.max + log(kept_mass(x, n, st.max, 1.0f, 0));
        result->logprob = (float) (x[token] - log_z);
        if (row->top_logprobs > 0) {
            top_logprobs(x, n, st, log_z, row, scratch, result);
        }
    }
    return INK_OK;
}
