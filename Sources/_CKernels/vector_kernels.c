// AVX-512 kernels that stand beside Tensors' Swift loops (see include/emotive_kernels.h):
// depthwise convolution, the Adam step, batch norm's sums, max pooling, ReLU/ReLU6.
// Callers use them only when emk_uses_avx512(); elsewhere the Swift loops run.
//
// Depthwise forward keeps one 16-channel accumulator per output pixel and sums the
// window's taps in registers (the Swift loop adds each tap into memory); the filter
// gradient keeps all taps of a 3x3 window for one 16-channel block in registers over
// a whole range of output rows.
#include "emotive_kernels.h"
#include "kernel_support.h"

static inline EMK_AVX512 __m512 depthwise_epilogue(__m512 acc, const emk_epilogue *ep, __mmask16 m, long cb) {
    if (!ep) return acc;
    if (ep->bias) acc = _mm512_add_ps(acc, _mm512_maskz_loadu_ps(m, ep->bias + cb));
    if (ep->clamp) acc = _mm512_min_ps(_mm512_max_ps(acc, _mm512_set1_ps(ep->lo)), _mm512_set1_ps(ep->hi));
    return acc;
}

EMK_AVX512 void emk_depthwise_forward_padded(const emk_conv_shape *s, long top, long left, const float *x,
                                             const float *w, float *out, long first, long count,
                                             const emk_epilogue *ep) {
    const long c = s->channels, kh = s->kh, kw = s->kw;
    const long height = s->height, width = s->width;
    const long image = height * width * c;
    for (long row = first; row < first + count; row++) {
        long n = row / s->oh, oy = row % s->oh;
        const long iy = oy * s->sh - top;
        const long ilo = iy < 0 ? -iy : 0, ihi = height - iy < kh ? height - iy : kh;  // taps inside
        const float *img = x + n * image;
        float *dst = out + row * s->ow * c;
        if (kh == 3 && kw == 3) {
            // The nine taps of a 16-channel block stay in registers along the row; taps
            // that fall in the padding are skipped (they would add zero).
            for (long cb = 0; cb < c; cb += 16) {
                __mmask16 m = lane_mask(c - cb);
                __m512 wv[9];
                for (int t = 0; t < 9; t++) wv[t] = _mm512_maskz_loadu_ps(m, w + t * c + cb);
                for (long ox = 0; ox < s->ow; ox++) {
                    const long ix = ox * s->sw - left;
                    const long jlo = ix < 0 ? -ix : 0, jhi = width - ix < 3 ? width - ix : 3;
                    __m512 acc = _mm512_setzero_ps();
                    for (int i = 0; i < 3; i++) {
                        if (i < ilo || i >= ihi) continue;
                        const float *r = img + (iy + i) * width * c + cb;
                        for (int j = 0; j < 3; j++) {
                            if (j < jlo || j >= jhi) continue;
                            acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, r + (ix + j) * c), wv[i * 3 + j], acc);
                        }
                    }
                    _mm512_mask_storeu_ps(dst + ox * c + cb, m, depthwise_epilogue(acc, ep, m, cb));
                }
            }
            continue;
        }
        for (long ox = 0; ox < s->ow; ox++) {
            const long ix = ox * s->sw - left;
            const long jlo = ix < 0 ? -ix : 0, jhi = width - ix < kw ? width - ix : kw;
            for (long cb = 0; cb < c; cb += 16) {
                __mmask16 m = lane_mask(c - cb);
                __m512 acc = _mm512_setzero_ps();
                for (long i = ilo; i < ihi; i++) {
                    const float *xr = img + (iy + i) * width * c + cb;
                    const float *wr = w + i * kw * c + cb;
                    for (long j = jlo; j < jhi; j++)
                        acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, xr + (ix + j) * c),
                                              _mm512_maskz_loadu_ps(m, wr + j * c), acc);
                }
                _mm512_mask_storeu_ps(dst + ox * c + cb, m, depthwise_epilogue(acc, ep, m, cb));
            }
        }
    }
}

EMK_AVX512 void emk_depthwise_filter_gradient(const emk_conv_shape *s, const float *x, const float *dy,
                                              float *dw, long first, long count) {
    const long c = s->channels, kh = s->kh, kw = s->kw;
    const long srow = s->width * c, image = s->height * srow;
    if (kh * kw == 9) {
        for (long cb = 0; cb < c; cb += 16) {
            __mmask16 m = lane_mask(c - cb);
            __m512 acc[9];
            for (int t = 0; t < 9; t++) acc[t] = _mm512_maskz_loadu_ps(m, dw + t * c + cb);
            for (long row = first; row < first + count; row++) {
                long n = row / s->oh, oy = row % s->oh;
                const float *base = x + n * image + oy * s->sh * srow + cb;
                const float *g = dy + row * s->ow * c + cb;
                for (long ox = 0; ox < s->ow; ox++) {
                    __m512 gv = _mm512_maskz_loadu_ps(m, g + ox * c);
                    const float *origin = base + ox * s->sw * c;
                    for (int i = 0; i < 3; i++)
                        for (int j = 0; j < 3; j++)
                            acc[i * 3 + j] = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, origin + i * srow + j * c),
                                                             gv, acc[i * 3 + j]);
                }
            }
            for (int t = 0; t < 9; t++) _mm512_mask_storeu_ps(dw + t * c + cb, m, acc[t]);
        }
        return;
    }
    for (long row = first; row < first + count; row++) {
        long n = row / s->oh, oy = row % s->oh;
        const float *base = x + n * image + oy * s->sh * srow;
        const float *g = dy + row * s->ow * c;
        for (long ox = 0; ox < s->ow; ox++) {
            const float *origin = base + ox * s->sw * c;
            for (long cb = 0; cb < c; cb += 16) {
                __mmask16 m = lane_mask(c - cb);
                __m512 gv = _mm512_maskz_loadu_ps(m, g + ox * c + cb);
                for (long i = 0; i < kh; i++)
                    for (long j = 0; j < kw; j++) {
                        float *d = dw + (i * kw + j) * c + cb;
                        __m512 a = _mm512_maskz_loadu_ps(m, d);
                        a = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, origin + i * srow + j * c + cb), gv, a);
                        _mm512_mask_storeu_ps(d, m, a);
                    }
            }
        }
    }
}

EMK_AVX512 void emk_adam_update(float *w, const float *g, float *m, float *v, long count,
                                float alpha, float beta1, float beta2, float epsilon) {
    const __m512 one_b1 = _mm512_set1_ps(1 - beta1), one_b2 = _mm512_set1_ps(1 - beta2);
    const __m512 va = _mm512_set1_ps(alpha), ve = _mm512_set1_ps(epsilon);
    for (long i = 0; i < count; i += 16) {
        __mmask16 k = lane_mask(count - i);
        __m512 gi = _mm512_maskz_loadu_ps(k, g + i);
        __m512 mi = _mm512_maskz_loadu_ps(k, m + i);
        __m512 vi = _mm512_maskz_loadu_ps(k, v + i);
        __m512 wi = _mm512_maskz_loadu_ps(k, w + i);
        mi = _mm512_add_ps(mi, _mm512_mul_ps(_mm512_sub_ps(gi, mi), one_b1));
        vi = _mm512_add_ps(vi, _mm512_mul_ps(_mm512_sub_ps(_mm512_mul_ps(gi, gi), vi), one_b2));
        __m512 step = _mm512_div_ps(_mm512_mul_ps(va, mi), _mm512_add_ps(_mm512_sqrt_ps(vi), ve));
        _mm512_mask_storeu_ps(m + i, k, mi);
        _mm512_mask_storeu_ps(v + i, k, vi);
        _mm512_mask_storeu_ps(w + i, k, _mm512_sub_ps(wi, step));
    }
}

// Batch norm's per-channel sums: eight channels per register, in double precision, rows
// in order, so each channel's sum is the same as the scalar loop's, bit for bit
// (separate multiply and add, no fused multiply-add).
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

EMK_AVX512 void emk_max_pool(const emk_conv_shape *s, long top, long left, const float *x, float *out, int *argmax,
                             long first, long count) {
    const long c = s->channels;
    const __m512i lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    for (long row = first; row < first + count; row++) {
        long n = row / s->oh, oy = row % s->oh;
        for (long ox = 0; ox < s->ow; ox++) {
            float *d = out + (row * s->ow + ox) * c;
            int *a = argmax + (row * s->ow + ox) * c;
            for (long cb = 0; cb < c; cb += 16) {
                __mmask16 m = lane_mask(c - cb);
                __m512 best = _mm512_set1_ps(-__builtin_inff());
                __m512i where = _mm512_set1_epi32(-1);
                int seen = 0;
                for (long i = 0; i < s->kh; i++) {
                    long iy = oy * s->sh - top + i;
                    if (iy < 0 || iy >= s->height) continue;
                    for (long j = 0; j < s->kw; j++) {
                        long ix = ox * s->sw - left + j;
                        if (ix < 0 || ix >= s->width) continue;
                        long base = ((n * s->height + iy) * s->width + ix) * c + cb;
                        __m512 v = _mm512_maskz_loadu_ps(m, x + base);
                        __mmask16 take = seen ? _mm512_cmp_ps_mask(v, best, _CMP_GT_OQ) : (__mmask16)0xFFFF;
                        best = _mm512_mask_blend_ps(take, best, v);
                        where = _mm512_mask_blend_epi32(take, where, _mm512_add_epi32(_mm512_set1_epi32((int)base), lanes));
                        seen = 1;
                    }
                }
                _mm512_mask_storeu_ps(d + cb, m, best);
                _mm512_mask_storeu_epi32(a + cb, m, where);
            }
        }
    }
}

// ReLU and ReLU6 with Swift's max/min semantics (0 >= x picks 0; 6 < m picks 6), so the
// results are bitwise those of the Swift closures, signed zeros and NaNs included.
EMK_AVX512 void emk_relu_forward(const float *x, float *y, long count, int six) {
    const __m512 zero = _mm512_setzero_ps(), top = _mm512_set1_ps(6.0f);
    for (long i = 0; i < count; i += 16) {
        __mmask16 m = lane_mask(count - i);
        __m512 v = _mm512_maskz_loadu_ps(m, x + i);
        v = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(zero, v, _CMP_GE_OQ), v, zero);
        if (six) v = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(top, v, _CMP_LT_OQ), v, top);
        _mm512_mask_storeu_ps(y + i, m, v);
    }
}

EMK_AVX512 void emk_add_rectified(const float *a, const float *b, float *y, long count, int six) {
    const __m512 zero = _mm512_setzero_ps(), top = _mm512_set1_ps(6.0f);
    for (long i = 0; i < count; i += 16) {
        __mmask16 m = lane_mask(count - i);
        __m512 v = _mm512_add_ps(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i));
        v = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(zero, v, _CMP_GE_OQ), v, zero);
        if (six) v = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(top, v, _CMP_LT_OQ), v, top);
        _mm512_mask_storeu_ps(y + i, m, v);
    }
}

EMK_AVX512 void emk_relu_backward(const float *g, const float *y, float *dx, long count, int six) {
    const __m512 zero = _mm512_setzero_ps(), top = _mm512_set1_ps(6.0f);
    for (long i = 0; i < count; i += 16) {
        __mmask16 m = lane_mask(count - i);
        __m512 v = _mm512_maskz_loadu_ps(m, y + i);
        __mmask16 pass = _mm512_cmp_ps_mask(v, zero, _CMP_GT_OQ);
        if (six) pass &= _mm512_cmp_ps_mask(v, top, _CMP_LT_OQ);
        _mm512_mask_storeu_ps(dx + i, m, _mm512_maskz_loadu_ps(pass & m, g + i));
    }
}
