// ReLU and ReLU6, forward (alone and after a residual add) and backward (see
// include/emotive_kernels.h).
// Fallback: the Swift loops in Tensors. These kernels are AVX-512 only; callers use them
// when emk_uses_avx512() and run the Swift loops otherwise (tests compare the two).

#include "emotive_kernels.h"
#include "kernel_support.h"

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
