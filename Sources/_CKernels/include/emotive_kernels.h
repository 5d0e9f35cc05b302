// Convolution kernels for Emotive's Tensors target: direct (implicit-GEMM) convolution
// over NHWC input and HWIO filters, with no im2col buffer and no packing.
//
// The input is read through a "window view": an NHWC tensor of `height` x `width` pixels
// that already contains any zero padding, so every window of the convolution lies
// inside it and each of its `kh` rows is `kw * channels` consecutive floats.
#ifndef EMOTIVE_KERNELS_H
#define EMOTIVE_KERNELS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    long height, width, channels;   // the (padded) input view of one image
    long kh, kw, sh, sw;            // window and strides
    long oh, ow;                    // output size
    long outChannels;
} emk_conv_shape;

/// What a fused inference convolution does to each output before storing it:
/// y = conv + bias[o] (when `bias` is not NULL), then, when `clamp` is 1, min(max(y, lo), hi)
/// (ReLU: lo 0, hi infinity; ReLU6: lo 0, hi 6).
typedef struct {
    const float *bias;
    int clamp;
    float lo, hi;
} emk_epilogue;

/// out[p, o] = sum over window (i, j, c) of x[window(p) + (i, j, c)] * w[i, j, c, o] for
/// the output pixels p in first ..< first + count (numbered image-major over the whole
/// batch; `x` and `out` point at the batch's first image and first output pixel) and the
/// output channels o in col0 ..< col0 + cols.
void emk_conv_forward(const emk_conv_shape *shape, const float *x, const float *w,
                      float *out, long first, long count, long col0, long cols,
                      const emk_epilogue *epilogue /* NULL: none */);

/// dw[i, j, c, o] += sum over output pixels p in first ..< first + count, in order, of
/// x[window(p) + (i, j, c)] * dy[p, o], for o in col0 ..< col0 + cols (`dy` points at
/// the batch's first output pixel).
void emk_conv_filter_gradient(const emk_conv_shape *shape, const float *x, const float *dy,
                              float *dw, long first, long count, long col0, long cols);

/// Copies `images` NHWC images of h x w x c into a zeroed view of height x width with the
/// image placed at (top, left); rows or columns beyond the view are dropped.
void emk_pad_images(const float *x, long images, long h, long w, long c, long top, long left,
                    long height, long width, float *view);

/// dst [cols, rows] = the transpose of src [rows, cols] (any CPU).
void emk_transpose(const float *src, long rows, long cols, float *dst);

/// 1 when the AVX-512 kernels run, 0 for the portable ones.
int emk_uses_avx512(void);

/// Tests only: 1 forces the portable kernels, 0 restores the automatic choice.
void emk_force_portable(int force);


/// AVX-512 only (call when emk_uses_avx512()): depthwise convolution, depth multiplier 1,
/// of an unpadded NHWC input of `height` x `width` (`outChannels` == `channels`): window
/// (oy, ox) starts at (oy · sh − top, ox · sw − left), and taps outside the input are
/// skipped (zero padding without a padded copy). Output rows (n · oh + oy)
/// first ..< first + count.
void emk_depthwise_forward_padded(const emk_conv_shape *shape, long top, long left, const float *x,
                                  const float *w, float *out, long first, long count,
                                  const emk_epilogue *epilogue);

/// AVX-512 only: dw[i, j, c] += sum over the output pixels of output rows
/// first ..< first + count, in order, of x[window + (i, j), c] * dy[p, c], x being a window
/// view (padding included) as for emk_conv_forward.
void emk_depthwise_filter_gradient(const emk_conv_shape *shape, const float *x, const float *dy,
                                   float *dw, long first, long count);

/// AVX-512 only: w[i] -= alpha * m / (sqrt(v) + epsilon) after m += (g - m) * (1 - beta1)
/// and v += (g * g - v) * (1 - beta2), for i in 0 ..< count (Keras' Adam step).
void emk_adam_update(float *w, const float *g, float *m, float *v, long count,
                     float alpha, float beta1, float beta2, float epsilon);

/// Applies `epilogue` to rows first ..< first + count of a [rows, channels] output in place
/// (after an sgemm, which cannot apply it).
void emk_apply_epilogue(float *y, long first, long count, long channels, const emk_epilogue *epilogue);
/// AVX-512 only: for rows first ..< first + count of x [rows, c], in row order and in
/// double precision: sum[ch] += x, squares[ch] += x * x (batch norm's statistics).
void emk_channel_moments(const float *x, long first, long count, long c, double *sum, double *squares);

/// AVX-512 only: for the same rows of dy and x, with g = dy where the rectifier whose output
/// is z passes a gradient (0 < z, and z < 6 when six = 1; every lane when z is NULL), else 0:
/// centered[ch] += g * (x - mean[ch]), plain[ch] += g, in row order and in double precision
/// (batch norm's dgamma and dbeta).
void emk_channel_gradient_sums(const float *dy, const float *z, int six, const float *x, const double *mean,
                               long first, long count, long c, double *centered, double *plain);
/// AVX-512 only: sum[ch] += x for rows first ..< first + count of x [rows, c], in row order
/// and in double precision (a bias's gradient).
void emk_channel_totals(const float *x, long first, long count, long c, double *sum);
/// AVX-512 only: out = x * scale[ch] + shift[ch] (a multiply, then an add: bitwise the
/// Swift loop) for rows first ..< first + count, then ReLU (rectifier = 1) or ReLU6 (2)
/// exactly as emk_relu_forward; 0 for none.
void emk_channel_affine(const float *x, long first, long count, long c, const float *scale, const float *shift,
                        int rectifier, float *out);
/// AVX-512 only: out = g * scaleA[ch] + x * scaleB[ch] + shift[ch], evaluated left to right
/// without fused multiply-adds, g being dy masked as in emk_channel_gradient_sums.
void emk_channel_affine2(const float *dy, const float *z, int six, const float *x, long first, long count, long c,
                         const float *scaleA, const float *scaleB, const float *shift, float *out);
/// AVX-512 only: max pooling of output rows (n · oh + oy) first ..< first + count over an
/// NHWC input of `height` x `width` (unpadded; windows start at oy · sh − top,
/// ox · sw − left and skip cells outside). out gets the maximum, argmax the flat input
/// index of the winner (the first cell in the window, then any strictly greater one).
void emk_max_pool(const emk_conv_shape *shape, long top, long left, const float *x, float *out, int *argmax,
                  long first, long count);
/// AVX-512 only: y = min(max(x, 0), 6) (six = 1) or max(x, 0) (six = 0) for count values,
/// with Swift.max/Swift.min's rules: max(x, 0) is +0 for x = -0 and NaN for NaN.
void emk_relu_forward(const float *x, float *y, long count, int six);

/// AVX-512 only: y = a + b, then ReLU (six = 0) or ReLU6 (six = 1) exactly as emk_relu_forward.
void emk_add_rectified(const float *a, const float *b, float *y, long count, int six);

/// AVX-512 only: dx = g where 0 < y (and y < 6 when six = 1), else 0.
void emk_relu_backward(const float *g, const float *y, float *dx, long count, int six);
#ifdef __cplusplus
}
#endif
#endif
