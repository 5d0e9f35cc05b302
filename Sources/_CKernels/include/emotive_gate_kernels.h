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

// The descriptors the gates are computed from, for images / pixels first ..< first + count.

/// out[n, ch] = (float)(sum over p of x[n, p, ch], in double, in pixel order) * (1 / pixels)
/// (the global average pool; pixels ≥ 1).
void emk_global_avg_pool(const float *x, float *out, long first, long count, long pixels, long channels);

/// out[n, ch] = the maximum of x[n, p, ch] over p (the first pixel's value, then any strictly
/// greater one; pixels ≥ 1).
void emk_global_max_pool(const float *x, float *out, long first, long count, long pixels, long channels);

/// dx[n, p, ch] = g[n, ch] / ties where x[n, p, ch] == best[n, ch] (ties: how many pixels
/// hold it), else 0.
void emk_global_max_pool_backward(const float *x, const float *best, const float *g, float *dx,
                                  long first, long count, long pixels, long channels);

/// out[p, 0] = (sum over ch of x[p, ch], in 16 lanes as emk_scale_pixels_backward) / channels,
/// out[p, 1] = the maximum over ch (the first channel's value, then any strictly greater one).
void emk_channel_mean_max(const float *x, float *out, long first, long count, long channels);

/// dx[p, ch] = g[p, 0] / channels, plus g[p, 1] / ties where x[p, ch] == out[p, 1].
void emk_channel_mean_max_backward(const float *x, const float *out, const float *g, float *dx,
                                   long first, long count, long channels);

#ifdef __cplusplus
}
#endif
#endif
