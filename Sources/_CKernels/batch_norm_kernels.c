// Batch normalisation's per-channel sums and affine passes (see include/emotive_kernels.h).
// Fallback: the Swift loops in Tensors. These kernels are AVX-512 only; callers use them
// when emk_uses_avx512() and run the Swift loops otherwise (tests compare the two).
//
// Batch norm's per-channel sums: eight channels per register, in double precision, rows
// in order, so each channel's sum is the same as the scalar loop's, bit for bit
// (separate multiply and add, no fused multiply-add).

#include "emotive_kernels.h"
#include "kernel_support.h"

static inline EMK_AVX512 __mmask8 lanes_mask8(long lanes) {
    return lanes >= 8 ? (__mmask8)0xFF : (__mmask8)((1u << lanes) - 1u);
}

static inline EMK_AVX512 __mmask8 block_mask(long c, long ch) {
    return ch >= c ? (__mmask8)0 : lanes_mask8(c - ch);
}

// 64 channels at a time, their sums kept in registers down all the rows.
EMK_AVX512 void emk_channel_moments(const float *x, long first, long count, long c, double *sum, double *squares) {
    for (long c0 = 0; c0 < c; c0 += 64) {
        __m512d s[8], q[8];
        __mmask8 m[8];
        for (int b = 0; b < 8; b++) {
            m[b] = block_mask(c, c0 + 8 * b);
            s[b] = _mm512_maskz_loadu_pd(m[b], sum + c0 + 8 * b);
            q[b] = _mm512_maskz_loadu_pd(m[b], squares + c0 + 8 * b);
        }
        for (long r = first; r < first + count; r++) {
            const float *row = x + r * c + c0;
            for (int b = 0; b < 8; b++) {
                __m512d v = _mm512_cvtps_pd(_mm512_castps512_ps256(_mm512_maskz_loadu_ps((__mmask16)m[b], row + 8 * b)));
                s[b] = _mm512_add_pd(s[b], v);
                q[b] = _mm512_add_pd(q[b], _mm512_mul_pd(v, v));
            }
        }
        for (int b = 0; b < 8; b++) {
            _mm512_mask_storeu_pd(sum + c0 + 8 * b, m[b], s[b]);
            _mm512_mask_storeu_pd(squares + c0 + 8 * b, m[b], q[b]);
        }
    }
}

/// The lanes of `g` that pass a rectifier's gradient, judged from its output `z`:
/// 0 < z (and z < 6 when six), as emk_relu_backward. All lanes when z is NULL.
static inline EMK_AVX512 __mmask16 rectifier_pass(const float *z, long i, __mmask16 m, int six) {
    if (!z) return m;
    __m512 v = _mm512_maskz_loadu_ps(m, z + i);
    __mmask16 pass = _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_GT_OQ);
    if (six) pass &= _mm512_cmp_ps_mask(v, _mm512_set1_ps(6.0f), _CMP_LT_OQ);
    return pass & m;
}

EMK_AVX512 void emk_channel_gradient_sums(const float *dy, const float *z, int six, const float *x,
                                          const double *mean, long first, long count, long c,
                                          double *centered, double *plain) {
    for (long c0 = 0; c0 < c; c0 += 32) {
        __m512d a[4], p[4], mu[4];
        __mmask8 m[4];
        for (int b = 0; b < 4; b++) {
            m[b] = block_mask(c, c0 + 8 * b);
            a[b] = _mm512_maskz_loadu_pd(m[b], centered + c0 + 8 * b);
            p[b] = _mm512_maskz_loadu_pd(m[b], plain + c0 + 8 * b);
            mu[b] = _mm512_maskz_loadu_pd(m[b], mean + c0 + 8 * b);
        }
        for (long r = first; r < first + count; r++) {
            const long at = r * c + c0;
            for (int b = 0; b < 4; b++) {
                __mmask16 lanes = rectifier_pass(z, at + 8 * b, (__mmask16)m[b], six);
                __m512d gd = _mm512_cvtps_pd(_mm512_castps512_ps256(_mm512_maskz_loadu_ps(lanes, dy + at + 8 * b)));
                __m512d hd = _mm512_cvtps_pd(_mm512_castps512_ps256(_mm512_maskz_loadu_ps((__mmask16)m[b], x + at + 8 * b)));
                a[b] = _mm512_add_pd(a[b], _mm512_mul_pd(gd, _mm512_sub_pd(hd, mu[b])));
                p[b] = _mm512_add_pd(p[b], gd);
            }
        }
        for (int b = 0; b < 4; b++) {
            _mm512_mask_storeu_pd(centered + c0 + 8 * b, m[b], a[b]);
            _mm512_mask_storeu_pd(plain + c0 + 8 * b, m[b], p[b]);
        }
    }
}

// 64 channels at a time, their sums kept in registers down all the rows.
EMK_AVX512 void emk_channel_totals(const float *x, long first, long count, long c, double *sum) {
    for (long c0 = 0; c0 < c; c0 += 64) {
        __m512d s[8];
        __mmask8 m[8];
        for (int b = 0; b < 8; b++) {
            m[b] = block_mask(c, c0 + 8 * b);
            s[b] = _mm512_maskz_loadu_pd(m[b], sum + c0 + 8 * b);
        }
        for (long r = first; r < first + count; r++) {
            const float *row = x + r * c + c0;
            for (int b = 0; b < 8; b++)
                s[b] = _mm512_add_pd(s[b], _mm512_cvtps_pd(_mm512_castps512_ps256(
                                               _mm512_maskz_loadu_ps((__mmask16)m[b], row + 8 * b))));
        }
        for (int b = 0; b < 8; b++) _mm512_mask_storeu_pd(sum + c0 + 8 * b, m[b], s[b]);
    }
}

/// x · scale + shift as a multiply, then an add (no fused multiply-add: bitwise the Swift
/// loop), then the rectifier as emk_relu_forward when `rectifier` is 1 (ReLU) or 2 (ReLU6).
EMK_AVX512 void emk_channel_affine(const float *x, long first, long count, long c, const float *scale,
                                   const float *shift, int rectifier, float *out) {
    const __m512 zero = _mm512_setzero_ps(), top = _mm512_set1_ps(6.0f);
    for (long r = first; r < first + count; r++) {
        const float *row = x + r * c;
        float *o = out + r * c;
        for (long ch = 0; ch < c; ch += 16) {
            __mmask16 m = lane_mask(c - ch);
            __m512 v = _mm512_add_ps(_mm512_mul_ps(_mm512_maskz_loadu_ps(m, row + ch), _mm512_maskz_loadu_ps(m, scale + ch)),
                                     _mm512_maskz_loadu_ps(m, shift + ch));
            if (rectifier) v = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(zero, v, _CMP_GE_OQ), v, zero);
            if (rectifier == 2) v = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(top, v, _CMP_LT_OQ), v, top);
            _mm512_mask_storeu_ps(o + ch, m, v);
        }
    }
}

/// out = g · scaleA + x · scaleB + shift, left to right with no fused multiply-add, where g
/// is dy with the rectifier's gradient mask from z applied (z NULL: no mask).
EMK_AVX512 void emk_channel_affine2(const float *dy, const float *z, int six, const float *x, long first, long count,
                                    long c, const float *scaleA, const float *scaleB, const float *shift, float *out) {
    for (long r = first; r < first + count; r++) {
        const long at = r * c;
        for (long ch = 0; ch < c; ch += 16) {
            __mmask16 m = lane_mask(c - ch);
            __m512 g = _mm512_maskz_loadu_ps(rectifier_pass(z, at + ch, m, six), dy + at + ch);
            __m512 v = _mm512_add_ps(_mm512_mul_ps(g, _mm512_maskz_loadu_ps(m, scaleA + ch)),
                                     _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + at + ch), _mm512_maskz_loadu_ps(m, scaleB + ch)));
            v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, shift + ch));
            _mm512_mask_storeu_ps(out + at + ch, m, v);
        }
    }
}
