// Helpers shared by the kernel files (private to _CKernels).
#ifndef EMOTIVE_KERNEL_SUPPORT_H
#define EMOTIVE_KERNEL_SUPPORT_H

#include <immintrin.h>

#define EMK_INLINE static inline __attribute__((always_inline))
#define EMK_AVX512 __attribute__((target("avx512f")))
#define EMK_AVX2 __attribute__((target("avx2,fma")))

/// The first `lanes` of 16 float lanes (all of them from 16 on).
EMK_INLINE EMK_AVX512 __mmask16 lane_mask(long lanes) {
    return lanes >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << lanes) - 1u);
}

/// 1 when AVX2 and FMA are available and the portable kernels are not forced (dispatch.c).
int emk_uses_avx2_fma(void);

#endif
