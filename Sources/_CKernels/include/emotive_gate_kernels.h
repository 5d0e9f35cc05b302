// Attention gates (CBAM): a feature map multiplied by a per-channel gate (channel
// attention) or a per-pixel gate (spatial attention), forward and fused backward.
// Every kernel has an AVX-512 and a portable body and picks one with emk_uses_avx512();
// both sum in the same order, so they give bitwise-identical results.
#ifndef EMOTIVE_GATE_KERNELS_H
#define EMOTIVE_GATE_KERNELS_H

#ifdef __cplusplus
extern "C" {
#endif

/// y[n, p, ch] = x[n, p, ch] * gate[n, ch] for images n in first ..< first + count, each of
/// `pixels` x `channels` floats (x, gate and y point at image 0).
void emk_scale_channels(const float *x, const float *gate, float *y,
                        long first, long count, long pixels, long channels);

/// For the same images: dx = dy * gate (broadcast over pixels) and
/// dgate[n, ch] = sum over p of dy[n, p, ch] * x[n, p, ch], summed in blocks of 64 pixels
/// (each block in pixel order from 0, then the blocks in order): the order depends on the
/// shape only.
void emk_scale_channels_backward(const float *dy, const float *x, const float *gate, float *dx, float *dgate,
                                 long first, long count, long pixels, long channels);

/// y[p, ch] = x[p, ch] * gate[p] for pixels p in first ..< first + count.
void emk_scale_pixels(const float *x, const float *gate, float *y, long first, long count, long channels);

/// For the same pixels: dx = dy * gate[p] and dgate[p] = sum over ch of dy[p, ch] * x[p, ch],
/// summed in 16 lanes (lane l takes ch ≡ l mod 16 in order), then the lanes pairwise
/// (l + 8, then + 4, + 2, + 1).
void emk_scale_pixels_backward(const float *dy, const float *x, const float *gate, float *dx, float *dgate,
                               long first, long count, long channels);

#ifdef __cplusplus
}
#endif
#endif
