// The run-time choice of kernel bodies, for every kernel file. Each file states its
// fallback in its header comment: convolution and gate kernels fall back to portable C
// inside _CKernels (AVX2+FMA or baseline builds); depthwise, batch norm, pooling, ReLU and
// Adam kernels are AVX-512 only and fall back to the Swift loops of their callers.
#include "emotive_kernels.h"
#include "kernel_support.h"

static int force_portable = 0;

void emk_force_portable(int force) { force_portable = force; }

int emk_uses_avx512(void) {
    return !force_portable && __builtin_cpu_supports("avx512f");
}

int emk_uses_avx2_fma(void) {
    return !force_portable && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
