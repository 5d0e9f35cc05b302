// Attention-gate kernels (see include/emotive_gate_kernels.h): CBAM's x · gate products and
// the descriptors its gates are computed from (global average and max pooling, per-pixel
// channel mean and max).
// Fallback: portable C. Every kernel has an AVX-512 body and a portable one, chosen at run
// time with emk_uses_avx512() (dispatch.c).
// The AVX-512 bodies work on 16-channel blocks with masked tails; the portable bodies
// follow the same summation order one scalar at a time (the compiler vectorises them
// across channels), and nothing is contracted into FMAs, so both round identically.
#include "emotive_gate_kernels.h"
#include "emotive_kernels.h"
#include "kernel_support.h"

#pragma STDC FP_CONTRACT OFF

enum { PIXEL_BLOCK = 64, CHANNEL_GROUP = 64 };

static inline long min_long(long a, long b) { return a < b ? a : b; }

// MARK: - Channel gate: x [pixels, c] · gate [c]

static EMK_AVX512 void scale_channels_512(const float *x, const float *g, float *y, long pixels, long c) {
    for (long p = 0; p < pixels; p++) {
        for (long cb = 0; cb < c; cb += 16) {
            __mmask16 m = lane_mask(c - cb);
            __m512 v = _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + p * c + cb), _mm512_maskz_loadu_ps(m, g + cb));
            _mm512_mask_storeu_ps(y + p * c + cb, m, v);
        }
    }
}

static void scale_channels_portable(const float *x, const float *g, float *y, long pixels, long c) {
    for (long p = 0; p < pixels; p++)
        for (long ch = 0; ch < c; ch++) y[p * c + ch] = x[p * c + ch] * g[ch];
}

void emk_scale_channels(const float *x, const float *gate, float *y,
                        long first, long count, long pixels, long channels) {
    const int vector = emk_uses_avx512();
    for (long n = first; n < first + count; n++) {
        const long offset = n * pixels * channels;
        if (vector) scale_channels_512(x + offset, gate + n * channels, y + offset, pixels, channels);
        else scale_channels_portable(x + offset, gate + n * channels, y + offset, pixels, channels);
    }
}

// One group of `nv` (1...4) 16-channel blocks starting at channel cb, over all pixels of
// one image, with the gate, the block partial sums and the totals in registers.
static inline __attribute__((always_inline)) EMK_AVX512 void
scale_channels_backward_group_512(const float *dy, const float *x, const float *g, float *dx, float *dg,
                                  long pixels, long c, long cb, const int nv) {
    __mmask16 m[4];
    __m512 gv[4], total[4];
    for (int v = 0; v < nv; v++) {
        m[v] = lane_mask(c - cb - 16 * v);
        gv[v] = _mm512_maskz_loadu_ps(m[v], g + cb + 16 * v);
        total[v] = _mm512_setzero_ps();
    }
    for (long p0 = 0; p0 < pixels; p0 += PIXEL_BLOCK) {
        const long p1 = min_long(p0 + PIXEL_BLOCK, pixels);
        __m512 part[4];
        for (int v = 0; v < nv; v++) part[v] = _mm512_setzero_ps();
        for (long p = p0; p < p1; p++) {
            const long at = p * c + cb;
            for (int v = 0; v < nv; v++) {
                __m512 d = _mm512_maskz_loadu_ps(m[v], dy + at + 16 * v);
                __m512 xv = _mm512_maskz_loadu_ps(m[v], x + at + 16 * v);
                _mm512_mask_storeu_ps(dx + at + 16 * v, m[v], _mm512_mul_ps(d, gv[v]));
                part[v] = _mm512_add_ps(part[v], _mm512_mul_ps(d, xv));
            }
        }
        for (int v = 0; v < nv; v++) total[v] = _mm512_add_ps(total[v], part[v]);
    }
    for (int v = 0; v < nv; v++) _mm512_mask_storeu_ps(dg + cb + 16 * v, m[v], total[v]);
}

static EMK_AVX512 void scale_channels_backward_512(const float *dy, const float *x, const float *g, float *dx,
                                                   float *dg, long pixels, long c) {
    for (long cb = 0; cb < c; cb += CHANNEL_GROUP) {
        switch ((min_long(CHANNEL_GROUP, c - cb) + 15) / 16) {
        case 1: scale_channels_backward_group_512(dy, x, g, dx, dg, pixels, c, cb, 1); break;
        case 2: scale_channels_backward_group_512(dy, x, g, dx, dg, pixels, c, cb, 2); break;
        case 3: scale_channels_backward_group_512(dy, x, g, dx, dg, pixels, c, cb, 3); break;
        default: scale_channels_backward_group_512(dy, x, g, dx, dg, pixels, c, cb, 4); break;
        }
    }
}

static void scale_channels_backward_portable(const float *dy, const float *x, const float *g, float *dx,
                                             float *dg, long pixels, long c) {
    for (long cb = 0; cb < c; cb += CHANNEL_GROUP) {
        const long width = min_long(CHANNEL_GROUP, c - cb);
        float total[CHANNEL_GROUP] = {0}, part[CHANNEL_GROUP];
        for (long p0 = 0; p0 < pixels; p0 += PIXEL_BLOCK) {
            const long p1 = min_long(p0 + PIXEL_BLOCK, pixels);
            for (long j = 0; j < width; j++) part[j] = 0;
            for (long p = p0; p < p1; p++) {
                const long at = p * c + cb;
                for (long j = 0; j < width; j++) {
                    dx[at + j] = dy[at + j] * g[cb + j];
                    part[j] += dy[at + j] * x[at + j];
                }
            }
            for (long j = 0; j < width; j++) total[j] += part[j];
        }
        for (long j = 0; j < width; j++) dg[cb + j] = total[j];
    }
}

void emk_scale_channels_backward(const float *dy, const float *x, const float *gate, float *dx, float *dgate,
                                 long first, long count, long pixels, long channels) {
    const int vector = emk_uses_avx512();
    for (long n = first; n < first + count; n++) {
        const long offset = n * pixels * channels;
        if (vector)
            scale_channels_backward_512(dy + offset, x + offset, gate + n * channels, dx + offset,
                                        dgate + n * channels, pixels, channels);
        else
            scale_channels_backward_portable(dy + offset, x + offset, gate + n * channels, dx + offset,
                                             dgate + n * channels, pixels, channels);
    }
}

// MARK: - Pixel gate: x [pixels, c] · gate [pixels]

static EMK_AVX512 void scale_pixels_512(const float *x, const float *s, float *y, long first, long count, long c) {
    for (long p = first; p < first + count; p++) {
        const __m512 sv = _mm512_set1_ps(s[p]);
        for (long cb = 0; cb < c; cb += 16) {
            __mmask16 m = lane_mask(c - cb);
            _mm512_mask_storeu_ps(y + p * c + cb, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + p * c + cb), sv));
        }
    }
}

static void scale_pixels_portable(const float *x, const float *s, float *y, long first, long count, long c) {
    for (long p = first; p < first + count; p++)
        for (long ch = 0; ch < c; ch++) y[p * c + ch] = x[p * c + ch] * s[p];
}

void emk_scale_pixels(const float *x, const float *gate, float *y, long first, long count, long channels) {
    if (emk_uses_avx512()) scale_pixels_512(x, gate, y, first, count, channels);
    else scale_pixels_portable(x, gate, y, first, count, channels);
}

// The 16 lanes summed pairwise: lane l + lane l+8, then +4, +2, +1 (as the portable loop).
static inline EMK_AVX512 float sum_lanes_512(__m512 v) {
    __m256 lo = _mm512_castps512_ps256(v);
    __m256 hi = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1));
    __m256 a = _mm256_add_ps(lo, hi);
    __m128 b = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    __m128 c = _mm_add_ps(b, _mm_movehl_ps(b, b));
    return _mm_cvtss_f32(_mm_add_ss(c, _mm_shuffle_ps(c, c, 1)));
}

static EMK_AVX512 void scale_pixels_backward_512(const float *dy, const float *x, const float *s, float *dx,
                                                 float *ds, long first, long count, long c) {
    for (long p = first; p < first + count; p++) {
        const __m512 sv = _mm512_set1_ps(s[p]);
        __m512 acc = _mm512_setzero_ps();
        for (long cb = 0; cb < c; cb += 16) {
            __mmask16 m = lane_mask(c - cb);
            __m512 d = _mm512_maskz_loadu_ps(m, dy + p * c + cb);
            _mm512_mask_storeu_ps(dx + p * c + cb, m, _mm512_mul_ps(d, sv));
            acc = _mm512_add_ps(acc, _mm512_mul_ps(d, _mm512_maskz_loadu_ps(m, x + p * c + cb)));
        }
        ds[p] = sum_lanes_512(acc);
    }
}

static void scale_pixels_backward_portable(const float *dy, const float *x, const float *s, float *dx,
                                           float *ds, long first, long count, long c) {
    for (long p = first; p < first + count; p++) {
        float lanes[16] = {0};
        for (long cb = 0; cb < c; cb += 16) {
            const long width = min_long(16, c - cb);
            for (long l = 0; l < width; l++) {
                const long at = p * c + cb + l;
                dx[at] = dy[at] * s[p];
                lanes[l] += dy[at] * x[at];
            }
        }
        for (int half = 8; half >= 1; half /= 2)
            for (int l = 0; l < half; l++) lanes[l] += lanes[l + half];
        ds[p] = lanes[0];
    }
}

void emk_scale_pixels_backward(const float *dy, const float *x, const float *gate, float *dx, float *dgate,
                               long first, long count, long channels) {
    if (emk_uses_avx512()) scale_pixels_backward_512(dy, x, gate, dx, dgate, first, count, channels);
    else scale_pixels_backward_portable(dy, x, gate, dx, dgate, first, count, channels);
}

// MARK: - Global pooling over pixels: x [pixels, c] → [c] per image

// Two 8-lane double vectors back to 16 floats.
static inline EMK_AVX512 __m512 narrow_512(__m512d lo, __m512d hi) {
    __m512 low = _mm512_castps256_ps512(_mm512_cvtpd_ps(lo));
    return _mm512_castpd_ps(_mm512_insertf64x4(_mm512_castps_pd(low), _mm256_castps_pd(_mm512_cvtpd_ps(hi)), 1));
}

static inline __attribute__((always_inline)) EMK_AVX512 void
global_avg_pool_group_512(const float *x, float *out, long pixels, long c, long cb, const int nv) {
    __mmask16 m[4];
    __m512d lo[4], hi[4];
    for (int v = 0; v < nv; v++) {
        m[v] = lane_mask(c - cb - 16 * v);
        lo[v] = _mm512_setzero_pd();
        hi[v] = _mm512_setzero_pd();
    }
    for (long p = 0; p < pixels; p++) {
        for (int v = 0; v < nv; v++) {
            __m512 xv = _mm512_maskz_loadu_ps(m[v], x + p * c + cb + 16 * v);
            lo[v] = _mm512_add_pd(lo[v], _mm512_cvtps_pd(_mm512_castps512_ps256(xv)));
            hi[v] = _mm512_add_pd(hi[v], _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(xv), 1))));
        }
    }
    const __m512 scale = _mm512_set1_ps(1.0f / (float)pixels);
    for (int v = 0; v < nv; v++)
        _mm512_mask_storeu_ps(out + cb + 16 * v, m[v], _mm512_mul_ps(narrow_512(lo[v], hi[v]), scale));
}

static EMK_AVX512 void global_avg_pool_512(const float *x, float *out, long pixels, long c) {
    for (long cb = 0; cb < c; cb += CHANNEL_GROUP) {
        switch ((min_long(CHANNEL_GROUP, c - cb) + 15) / 16) {
        case 1: global_avg_pool_group_512(x, out, pixels, c, cb, 1); break;
        case 2: global_avg_pool_group_512(x, out, pixels, c, cb, 2); break;
        case 3: global_avg_pool_group_512(x, out, pixels, c, cb, 3); break;
        default: global_avg_pool_group_512(x, out, pixels, c, cb, 4); break;
        }
    }
}

static void global_avg_pool_portable(const float *x, float *out, long pixels, long c) {
    const float scale = 1.0f / (float)pixels;
    for (long cb = 0; cb < c; cb += CHANNEL_GROUP) {
        const long width = min_long(CHANNEL_GROUP, c - cb);
        double sum[CHANNEL_GROUP] = {0};
        for (long p = 0; p < pixels; p++)
            for (long j = 0; j < width; j++) sum[j] += (double)x[p * c + cb + j];
        for (long j = 0; j < width; j++) out[cb + j] = (float)sum[j] * scale;
    }
}

void emk_global_avg_pool(const float *x, float *out, long first, long count, long pixels, long channels) {
    const int vector = emk_uses_avx512();
    for (long n = first; n < first + count; n++) {
        const float *image = x + n * pixels * channels;
        if (vector) global_avg_pool_512(image, out + n * channels, pixels, channels);
        else global_avg_pool_portable(image, out + n * channels, pixels, channels);
    }
}

// _mm512_max_ps(row, best) keeps best unless row > best (it returns its second operand for
// NaNs and equal values), as the portable comparison does.
static EMK_AVX512 void global_max_pool_512(const float *x, float *out, long pixels, long c) {
    for (long cb = 0; cb < c; cb += 16) {
        __mmask16 m = lane_mask(c - cb);
        __m512 best = _mm512_maskz_loadu_ps(m, x + cb);
        for (long p = 1; p < pixels; p++) best = _mm512_max_ps(_mm512_maskz_loadu_ps(m, x + p * c + cb), best);
        _mm512_mask_storeu_ps(out + cb, m, best);
    }
}

static void global_max_pool_portable(const float *x, float *out, long pixels, long c) {
    for (long ch = 0; ch < c; ch++) out[ch] = x[ch];
    for (long p = 1; p < pixels; p++)
        for (long ch = 0; ch < c; ch++)
            if (x[p * c + ch] > out[ch]) out[ch] = x[p * c + ch];
}

void emk_global_max_pool(const float *x, float *out, long first, long count, long pixels, long channels) {
    const int vector = emk_uses_avx512();
    for (long n = first; n < first + count; n++) {
        const float *image = x + n * pixels * channels;
        if (vector) global_max_pool_512(image, out + n * channels, pixels, channels);
        else global_max_pool_portable(image, out + n * channels, pixels, channels);
    }
}

static EMK_AVX512 void global_max_pool_backward_512(const float *x, const float *best, const float *g, float *dx,
                                                    long pixels, long c) {
    for (long cb = 0; cb < c; cb += 16) {
        __mmask16 m = lane_mask(c - cb);
        const __m512 b = _mm512_maskz_loadu_ps(m, best + cb);
        __m512 ties = _mm512_setzero_ps();
        for (long p = 0; p < pixels; p++) {
            __mmask16 hit = _mm512_mask_cmp_ps_mask(m, _mm512_maskz_loadu_ps(m, x + p * c + cb), b, _CMP_EQ_OQ);
            ties = _mm512_mask_add_ps(ties, hit, ties, _mm512_set1_ps(1.0f));
        }
        const __m512 share = _mm512_div_ps(_mm512_maskz_loadu_ps(m, g + cb), ties);
        for (long p = 0; p < pixels; p++) {
            __mmask16 hit = _mm512_mask_cmp_ps_mask(m, _mm512_maskz_loadu_ps(m, x + p * c + cb), b, _CMP_EQ_OQ);
            _mm512_mask_storeu_ps(dx + p * c + cb, m, _mm512_maskz_mov_ps(hit, share));
        }
    }
}

static void global_max_pool_backward_portable(const float *x, const float *best, const float *g, float *dx,
                                              long pixels, long c) {
    for (long cb = 0; cb < c; cb += CHANNEL_GROUP) {
        const long width = min_long(CHANNEL_GROUP, c - cb);
        float share[CHANNEL_GROUP] = {0};
        for (long p = 0; p < pixels; p++)
            for (long j = 0; j < width; j++)
                if (x[p * c + cb + j] == best[cb + j]) share[j] += 1.0f;
        for (long j = 0; j < width; j++) share[j] = g[cb + j] / share[j];
        for (long p = 0; p < pixels; p++)
            for (long j = 0; j < width; j++)
                dx[p * c + cb + j] = x[p * c + cb + j] == best[cb + j] ? share[j] : 0.0f;
    }
}

void emk_global_max_pool_backward(const float *x, const float *best, const float *g, float *dx,
                                  long first, long count, long pixels, long channels) {
    const int vector = emk_uses_avx512();
    for (long n = first; n < first + count; n++) {
        const long offset = n * pixels * channels;
        if (vector)
            global_max_pool_backward_512(x + offset, best + n * channels, g + n * channels, dx + offset, pixels, channels);
        else
            global_max_pool_backward_portable(x + offset, best + n * channels, g + n * channels, dx + offset,
                                              pixels, channels);
    }
}

// MARK: - Per-pixel mean and maximum over channels: x [pixels, c] → [pixels, 2]

// The maximum of 16 lanes (any order gives the same value for non-NaN input).
static inline EMK_AVX512 float max_lanes_512(__m512 v) {
    __m256 a = _mm256_max_ps(_mm512_castps512_ps256(v), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
    __m128 b = _mm_max_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    b = _mm_max_ps(b, _mm_movehl_ps(b, b));
    return _mm_cvtss_f32(_mm_max_ss(b, _mm_shuffle_ps(b, b, 1)));
}

static EMK_AVX512 void channel_mean_max_512(const float *x, float *out, long first, long count, long c) {
    for (long p = first; p < first + count; p++) {
        const float *row = x + p * c;
        __m512 sum = _mm512_setzero_ps();
        // Masked-off lanes hold the row's first value, which never changes the maximum.
        __m512 best = _mm512_set1_ps(row[0]);
        for (long cb = 0; cb < c; cb += 16) {
            __mmask16 m = lane_mask(c - cb);
            __m512 v = _mm512_maskz_loadu_ps(m, row + cb);
            sum = _mm512_add_ps(sum, v);
            best = _mm512_mask_max_ps(best, m, v, best);
        }
        out[2 * p] = sum_lanes_512(sum) / (float)c;
        out[2 * p + 1] = max_lanes_512(best);
    }
}

static void channel_mean_max_portable(const float *x, float *out, long first, long count, long c) {
    for (long p = first; p < first + count; p++) {
        const float *row = x + p * c;
        float lanes[16] = {0}, best = row[0];
        for (long cb = 0; cb < c; cb += 16) {
            const long width = min_long(16, c - cb);
            for (long l = 0; l < width; l++) lanes[l] += row[cb + l];
        }
        for (long ch = 1; ch < c; ch++) if (row[ch] > best) best = row[ch];
        for (int half = 8; half >= 1; half /= 2)
            for (int l = 0; l < half; l++) lanes[l] += lanes[l + half];
        out[2 * p] = lanes[0] / (float)c;
        out[2 * p + 1] = best;
    }
}

void emk_channel_mean_max(const float *x, float *out, long first, long count, long channels) {
    if (emk_uses_avx512()) channel_mean_max_512(x, out, first, count, channels);
    else channel_mean_max_portable(x, out, first, count, channels);
}

static EMK_AVX512 void channel_mean_max_backward_512(const float *x, const float *out, const float *g, float *dx,
                                                     long first, long count, long c) {
    for (long p = first; p < first + count; p++) {
        const float *row = x + p * c;
        const __m512 best = _mm512_set1_ps(out[2 * p + 1]);
        int ties = 0;
        for (long cb = 0; cb < c; cb += 16) {
            __mmask16 m = lane_mask(c - cb);
            ties += __builtin_popcount(_mm512_mask_cmp_ps_mask(m, _mm512_maskz_loadu_ps(m, row + cb), best, _CMP_EQ_OQ));
        }
        const float mean = g[2 * p] / (float)c;
        const float share = ties > 0 ? g[2 * p + 1] / (float)ties : 0.0f;
        const __m512 mv = _mm512_set1_ps(mean), tied = _mm512_set1_ps(mean + share);
        for (long cb = 0; cb < c; cb += 16) {
            __mmask16 m = lane_mask(c - cb);
            __mmask16 hit = _mm512_mask_cmp_ps_mask(m, _mm512_maskz_loadu_ps(m, row + cb), best, _CMP_EQ_OQ);
            _mm512_mask_storeu_ps(dx + p * c + cb, m, _mm512_mask_mov_ps(mv, hit, tied));
        }
    }
}

static void channel_mean_max_backward_portable(const float *x, const float *out, const float *g, float *dx,
                                               long first, long count, long c) {
    for (long p = first; p < first + count; p++) {
        const float *row = x + p * c;
        const float best = out[2 * p + 1];
        int ties = 0;
        for (long ch = 0; ch < c; ch++) ties += row[ch] == best;
        const float mean = g[2 * p] / (float)c;
        const float share = ties > 0 ? g[2 * p + 1] / (float)ties : 0.0f;
        for (long ch = 0; ch < c; ch++) dx[p * c + ch] = row[ch] == best ? mean + share : mean;
    }
}

void emk_channel_mean_max_backward(const float *x, const float *out, const float *g, float *dx,
                                   long first, long count, long channels) {
    if (emk_uses_avx512()) channel_mean_max_backward_512(x, out, g, dx, first, count, channels);
    else channel_mean_max_backward_portable(x, out, g, dx, first, count, channels);
}
