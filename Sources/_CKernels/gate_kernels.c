// Attention-gate kernels (see include/emotive_gate_kernels.h): CBAM's x · gate products.
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
