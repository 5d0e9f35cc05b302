// Adam's update step (see include/emotive_kernels.h), for NeuralNetworks' Adam.
// Fallback: the Swift loop in NeuralNetworks' Adam. These kernels are AVX-512 only; callers use them
// when emk_uses_avx512() and run the Swift loop otherwise (tests compare the two).

#include "emotive_kernels.h"
#include "kernel_support.h"

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
