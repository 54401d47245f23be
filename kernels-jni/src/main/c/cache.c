/* Cache writes and block copies: plain memcpy, after checking every slot and block id. */
#include <string.h>

#include "kernels.h"

int ink_write_kv(const ink_cache *c, const float *new_keys, const float *new_values, int64_t new_bytes,
                 const int32_t *slots, int64_t num_tokens) {
    int rc = ink_check_cache(c);
    if (rc != INK_OK) {
        return rc;
    }
    int64_t row = c->num_kv_heads * c->head_dim;
    if (num_tokens < 0 || new_bytes < num_tokens * row * (int64_t) sizeof(float)) {
        return INK_BAD_TENSOR_SIZE;
    }
    int64_t num_slots = c->num_blocks * c->block_size;
    for (int64_t t = 0; t < num_tokens; t++) {
        if (slots[t] >= num_slots) {
            return INK_BAD_SLOT;
        }
    }
    for (int64_t t = 0; t < num_tokens; t++) {
        if (slots[t] >= 0) { /* a negative slot is padding: skipped */
            memcpy(c->keys + slots[t] * row, new_keys + t * row, (size_t) row * sizeof(float));
            memcpy(c->values + slots[t] * row, new_values + t * row, (size_t) row * sizeof(float));
        }
    }
    return INK_OK;
}

int ink_copy_blocks(const ink_cache *c, const int32_t *src, const int32_t *dst, int64_t n) {
    int rc = ink_check_cache(c);
    if (rc != INK_OK) {
        return rc;
    }
    for (int64_t i = 0; i < n; i++) {
        if (src[i] < 0 || src[i] >= c->num_blocks || dst[i] < 0 || dst[i] >= c->num_blocks) {
            return INK_BAD_BLOCK_ID;
        }
    }
    int64_t block = c->block_size * c->num_kv_heads * c->head_dim;
    for (int64_t i = 0; i < n; i++) {
        /* memmove: a block copied onto itself is legal and must stay intact. */
        memmove(c->keys + dst[i] * block, c->keys + src[i] * block, (size_t) block * sizeof(float));
        memmove(c->values + dst[i] * block, c->values + src[i] * block, (size_t) block * sizeof(float));
    }
    return INK_OK;
}
