// Depthwise convolution (see include/emotive_kernels.h), depth multiplier 1.
// Fallback: the Swift loops in Tensors. These kernels are AVX-512 only; callers use them
// when emk_uses_avx512() and run the Swift loops otherwise (tests compare the two).
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
