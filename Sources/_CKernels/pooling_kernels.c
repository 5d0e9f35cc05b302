// Max pooling with its argmax (see include/emotive_kernels.h).
// Fallback: the Swift loops in Tensors. These kernels are AVX-512 only; callers use them
// when emk_uses_avx512() and run the Swift loops otherwise (tests compare the two).

#include "emotive_kernels.h"
#include "kernel_support.h"

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
