// Direct convolution kernels (see include/emotive_kernels.h): forward, filter gradient,
// the bias/clamp epilogue, and the padding and transpose helpers they read through.
// Fallback: portable C. Every kernel has an AVX-512 body and a portable one, compiled for
// AVX2+FMA and for the baseline, chosen at run time (dispatch.c); the helpers are plain C.
//
// Both kernels are register-tiled GEMMs whose A operand is read straight out of the
// padded input: output pixel p's window row i is `kw * channels` consecutive floats, so
// a tile keeps one pointer per pixel and walks the window rows. Nothing is packed: the
// filter (B) is small and stays in cache across a chunk of pixels, and A is consumed
// where it lies. This removes the im2col copy and OpenBLAS' packing passes, which took
// more time than the arithmetic for the report's convolutions (measured with perf).
//
//   forward:  tile = 8 output pixels x 32 output channels, 16 accumulators, summing over
//             the window; each step loads two filter vectors and broadcasts 8 inputs.
//   filter gradient: tile = 8 window positions x 32 output channels, summing over a
//             chunk of 256 output pixels; each step loads two dY vectors and broadcasts
//             8 inputs.
//
// The AVX-512 versions use intrinsics with masked loads for channel tails; the portable
// versions are the same loops in plain C, compiled once for AVX2+FMA and once for the
// baseline, chosen at run time. Every output element sums its terms in a fixed order
// that depends only on the shape, so results do not depend on how callers split images.
#include "emotive_kernels.h"
#include "kernel_support.h"

#include <string.h>

enum { PIXEL_CHUNK = 256 };

static inline long min_long(long a, long b) { return a < b ? a : b; }

/// Address of output pixel q's window (row 0, column 0, channel 0) in the view.
EMK_INLINE const float *window_origin(const emk_conv_shape *s, const float *x, long q) {
    long per_image = s->oh * s->ow;
    long n = q / per_image, rem = q % per_image;
    long oy = rem / s->ow, ox = rem % s->ow;
    return x + n * s->height * s->width * s->channels
             + (oy * s->sh * s->width + ox * s->sw) * s->channels;
}

/// Window origins of output pixels q ..< q + count (count <= 8): one division for the
/// first, then a step along the row (the divisions cost a tenth of a 3x3 tile otherwise).
EMK_INLINE void window_origins(const emk_conv_shape *s, const float *x, long q, int count, const float **origin) {
    long per_image = s->oh * s->ow;
    long n = q / per_image, rem = q % per_image;
    long oy = rem / s->ow, ox = rem % s->ow;
    const long step = s->sw * s->channels;
    const float *row = x + n * s->height * s->width * s->channels + oy * s->sh * s->width * s->channels;
    for (int r = 0; r < count; r++) {
        origin[r] = row + ox * step;
        if (r + 1 < count && ++ox == s->ow) {
            ox = 0;
            if (++oy == s->oh) { oy = 0; n++; }
            row = x + n * s->height * s->width * s->channels + oy * s->sh * s->width * s->channels;
        }
    }
}

void emk_pad_images(const float *x, long images, long h, long w, long c, long top, long left,
                    long height, long width, float *view) {
    // Only the padding is zeroed: the rest of the view is overwritten by the copy.
    long x0 = left < 0 ? -left : 0;                  // first source column kept
    long x1 = min_long(w, width - left);             // one past the last
    long copied = x1 > x0 ? x1 - x0 : 0;
    long before = x0 + left, after = width - before - copied;  // zero columns of a row
    for (long n = 0; n < images; n++) {
        for (long vy = 0; vy < height; vy++) {
            float *dst = view + (n * height + vy) * width * c;
            long y = vy - top;
            if (y < 0 || y >= h || copied == 0) {
                memset(dst, 0, sizeof(float) * (size_t)(width * c));
                continue;
            }
            if (before > 0) memset(dst, 0, sizeof(float) * (size_t)(before * c));
            memcpy(dst + before * c, x + ((n * h + y) * w + x0) * c, sizeof(float) * (size_t)(copied * c));
            if (after > 0) memset(dst + (before + copied) * c, 0, sizeof(float) * (size_t)(after * c));
        }
    }
}

void emk_transpose(const float *src, long rows, long cols, float *dst) {
    // 16 x 16 blocks: both the reads and the writes stay within a few cache lines.
    for (long r0 = 0; r0 < rows; r0 += 16) {
        long r1 = min_long(rows, r0 + 16);
        for (long c0 = 0; c0 < cols; c0 += 16) {
            long c1 = min_long(cols, c0 + 16);
            for (long r = r0; r < r1; r++)
                for (long c = c0; c < c1; c++) dst[c * rows + r] = src[r * cols + c];
        }
    }
}

// MARK: - AVX-512

EMK_INLINE EMK_AVX512 void forward_tile_512(const float *const *origin, const int R, const int V,
                                            const emk_conv_shape *s, const float *w,
                                            __mmask16 m0, __mmask16 m1, float *const *out,
                                            const emk_epilogue *ep, long col) {
    const long o = s->outChannels, seg = s->kw * s->channels, srow = s->width * s->channels;
    __m512 acc[8][2];
    for (int r = 0; r < R; r++) { acc[r][0] = _mm512_setzero_ps(); acc[r][1] = _mm512_setzero_ps(); }
    for (long i = 0; i < s->kh; i++) {
        const float *a[8];
        for (int r = 0; r < R; r++) a[r] = origin[r] + i * srow;
        const float *b = w + i * seg * o;
        for (long t = 0; t < seg; t++, b += o) {
            __m512 b0 = _mm512_maskz_loadu_ps(m0, b);
            __m512 b1 = V > 1 ? _mm512_maskz_loadu_ps(m1, b + 16) : b0;
            for (int r = 0; r < R; r++) {
                __m512 v = _mm512_set1_ps(a[r][t]);
                acc[r][0] = _mm512_fmadd_ps(v, b0, acc[r][0]);
                if (V > 1) acc[r][1] = _mm512_fmadd_ps(v, b1, acc[r][1]);
            }
        }
    }
    if (ep) {
        __m512 b0 = ep->bias ? _mm512_maskz_loadu_ps(m0, ep->bias + col) : _mm512_setzero_ps();
        __m512 b1 = ep->bias && V > 1 ? _mm512_maskz_loadu_ps(m1, ep->bias + col + 16) : _mm512_setzero_ps();
        __m512 lo = _mm512_set1_ps(ep->lo), hi = _mm512_set1_ps(ep->hi);
        for (int r = 0; r < R; r++) {
            acc[r][0] = _mm512_add_ps(acc[r][0], b0);
            acc[r][1] = _mm512_add_ps(acc[r][1], b1);
            if (ep->clamp) {
                acc[r][0] = _mm512_min_ps(_mm512_max_ps(acc[r][0], lo), hi);
                acc[r][1] = _mm512_min_ps(_mm512_max_ps(acc[r][1], lo), hi);
            }
        }
    }
    for (int r = 0; r < R; r++) {
        _mm512_mask_storeu_ps(out[r], m0, acc[r][0]);
        if (V > 1) _mm512_mask_storeu_ps(out[r] + 16, m1, acc[r][1]);
    }
}

#define FORWARD_CASE(R_) \
    case R_: if (V == 2) forward_tile_512(origin, R_, 2, s, wb, m0, m1, outs, ep, col); \
             else forward_tile_512(origin, R_, 1, s, wb, m0, m1, outs, ep, col); break;

/// One output channel (CBAM's spatial attention): a dot product per pixel along each
/// window row's `kw * channels` consecutive inputs, 16 at a time, instead of a
/// one-lane tile.
static EMK_AVX512 void forward_single_512(const emk_conv_shape *s, const float *x, const float *w,
                                          float *out, long first, long count, const emk_epilogue *ep) {
    const long seg = s->kw * s->channels, srow = s->width * s->channels;
    for (long p = first; p < first + count; p++) {
        const float *origin = window_origin(s, x, p);
        __m512 acc = _mm512_setzero_ps();
        for (long i = 0; i < s->kh; i++) {
            const float *a = origin + i * srow, *b = w + i * seg;
            for (long t = 0; t < seg; t += 16) {
                __mmask16 m = lane_mask(seg - t);
                acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, a + t), _mm512_maskz_loadu_ps(m, b + t), acc);
            }
        }
        float y = _mm512_reduce_add_ps(acc);
        if (ep) {
            if (ep->bias) y += ep->bias[0];
            if (ep->clamp) y = y < ep->lo ? ep->lo : (y > ep->hi ? ep->hi : y);
        }
        out[p] = y;
    }
}

static EMK_AVX512 void forward_512(const emk_conv_shape *s, const float *x, const float *w,
                                   float *out, long first, long count, long col0, long cols,
                                   const emk_epilogue *ep) {
    const long o = s->outChannels, total = first + count, end = col0 + cols;
    if (o == 1) {
        forward_single_512(s, x, w, out, first, count, ep);
        return;
    }
    for (long p0 = first; p0 < total; p0 += PIXEL_CHUNK) {
        long p1 = min_long(total, p0 + PIXEL_CHUNK);
        for (long col = col0; col < end; col += 32) {
            long lanes = end - col;
            __mmask16 m0 = lane_mask(lanes), m1 = lanes > 16 ? lane_mask(lanes - 16) : 0;
            int V = lanes > 16 ? 2 : 1;
            const float *wb = w + col;
            for (long p = p0; p < p1; p += 8) {
                int R = (int)min_long(8, p1 - p);
                const float *origin[8];
                float *outs[8];
                window_origins(s, x, p, R, origin);
                for (int r = 0; r < R; r++) outs[r] = out + (p + r) * o + col;
                switch (R) {
                    FORWARD_CASE(1) FORWARD_CASE(2) FORWARD_CASE(3) FORWARD_CASE(4)
                    FORWARD_CASE(5) FORWARD_CASE(6) FORWARD_CASE(7) FORWARD_CASE(8)
                }
            }
        }
    }
}

EMK_INLINE EMK_AVX512 void filter_tile_512(const float *const *origin, long pixels, long offset,
                                           const int KB, const int V, const float *dy, long o,
                                           __mmask16 m0, __mmask16 m1, float *dw) {
    __m512 acc[8][2];
    for (int j = 0; j < KB; j++) {
        acc[j][0] = _mm512_maskz_loadu_ps(m0, dw + j * o);
        acc[j][1] = V > 1 ? _mm512_maskz_loadu_ps(m1, dw + j * o + 16) : _mm512_setzero_ps();
    }
    for (long p = 0; p < pixels; p++) {
        const float *a = origin[p] + offset;
        const float *d = dy + p * o;
        __m512 d0 = _mm512_maskz_loadu_ps(m0, d);
        __m512 d1 = V > 1 ? _mm512_maskz_loadu_ps(m1, d + 16) : d0;
        for (int j = 0; j < KB; j++) {
            __m512 v = _mm512_set1_ps(a[j]);
            acc[j][0] = _mm512_fmadd_ps(v, d0, acc[j][0]);
            if (V > 1) acc[j][1] = _mm512_fmadd_ps(v, d1, acc[j][1]);
        }
    }
    for (int j = 0; j < KB; j++) {
        _mm512_mask_storeu_ps(dw + j * o, m0, acc[j][0]);
        if (V > 1) _mm512_mask_storeu_ps(dw + j * o + 16, m1, acc[j][1]);
    }
}

#define FILTER_CASE(K_) \
    case K_: if (V == 2) filter_tile_512(origin, pixels, offset, K_, 2, dyc, o, m0, m1, dwb); \
             else filter_tile_512(origin, pixels, offset, K_, 1, dyc, o, m0, m1, dwb); break;

/// One output channel: dw[k] += x[window(p) + k] * dy[p], 16 window positions at a time.
static EMK_AVX512 void filter_gradient_single_512(const emk_conv_shape *s, const float *x, const float *dy,
                                                  float *dw, long first, long count) {
    const long seg = s->kw * s->channels, srow = s->width * s->channels;
    const float *origin[PIXEL_CHUNK];
    for (long p0 = first; p0 < first + count; p0 += PIXEL_CHUNK) {
        long pixels = min_long(first + count - p0, PIXEL_CHUNK);
        for (long p = 0; p < pixels; p++) origin[p] = window_origin(s, x, p0 + p);
        for (long i = 0; i < s->kh; i++) {
            for (long t = 0; t < seg; t += 16) {
                __mmask16 m = lane_mask(seg - t);
                __m512 acc = _mm512_maskz_loadu_ps(m, dw + i * seg + t);
                for (long p = 0; p < pixels; p++)
                    acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, origin[p] + i * srow + t),
                                          _mm512_set1_ps(dy[p0 + p]), acc);
                _mm512_mask_storeu_ps(dw + i * seg + t, m, acc);
            }
        }
    }
}

static EMK_AVX512 void filter_gradient_512(const emk_conv_shape *s, const float *x, const float *dy,
                                           float *dw, long first, long count, long col0, long cols) {
    const long o = s->outChannels, total = first + count, end = col0 + cols;
    if (o == 1) {
        filter_gradient_single_512(s, x, dy, dw, first, count);
        return;
    }
    const long seg = s->kw * s->channels, srow = s->width * s->channels;
    const float *origin[PIXEL_CHUNK];
    for (long p0 = first; p0 < total; p0 += PIXEL_CHUNK) {
        long pixels = min_long(total - p0, PIXEL_CHUNK);
        for (long p = 0; p < pixels; p++) origin[p] = window_origin(s, x, p0 + p);
        for (long col = col0; col < end; col += 32) {
            long lanes = end - col;
            __mmask16 m0 = lane_mask(lanes), m1 = lanes > 16 ? lane_mask(lanes - 16) : 0;
            int V = lanes > 16 ? 2 : 1;
            const float *dyc = dy + p0 * o + col;
            for (long i = 0; i < s->kh; i++) {
                for (long t0 = 0; t0 < seg; t0 += 8) {
                    int KB = (int)min_long(8, seg - t0);
                    long offset = i * srow + t0;
                    float *dwb = dw + (i * seg + t0) * o + col;
                    switch (KB) {
                        FILTER_CASE(1) FILTER_CASE(2) FILTER_CASE(3) FILTER_CASE(4)
                        FILTER_CASE(5) FILTER_CASE(6) FILTER_CASE(7) FILTER_CASE(8)
                    }
                }
            }
        }
    }
}

// MARK: - Portable (plain C; compiled for AVX2+FMA and for the baseline)

enum { PR = 4, PN = 16 };

EMK_INLINE void forward_portable(const emk_conv_shape *s, const float *x, const float *w,
                                 float *out, long first, long count, long col0, long cols,
                                 const emk_epilogue *ep) {
    const long o = s->outChannels, total = first + count, end = col0 + cols;
    const long seg = s->kw * s->channels, srow = s->width * s->channels;
    for (long p0 = first; p0 < total; p0 += PIXEL_CHUNK) {
        long p1 = min_long(total, p0 + PIXEL_CHUNK);
        for (long col = col0; col < end; col += PN) {
            long nb = min_long(PN, end - col);
            for (long p = p0; p < p1; p += PR) {
                long R = min_long(PR, p1 - p);
                float acc[PR][PN];
                const float *origin[PR];
                window_origins(s, x, p, (int)R, origin);
                for (long r = 0; r < R; r++)
                    for (long v = 0; v < PN; v++) acc[r][v] = 0;
                for (long i = 0; i < s->kh; i++) {
                    for (long t = 0; t < seg; t++) {
                        const float *b = w + (i * seg + t) * o + col;
                        for (long r = 0; r < R; r++) {
                            float a = origin[r][i * srow + t];
                            for (long v = 0; v < nb; v++) acc[r][v] += a * b[v];
                        }
                    }
                }
                if (ep) {
                    for (long r = 0; r < R; r++)
                        for (long v = 0; v < nb; v++) {
                            float y = acc[r][v] + (ep->bias ? ep->bias[col + v] : 0.0f);
                            if (ep->clamp) y = y < ep->lo ? ep->lo : (y > ep->hi ? ep->hi : y);
                            acc[r][v] = y;
                        }
                }
                for (long r = 0; r < R; r++)
                    memcpy(out + (p + r) * o + col, acc[r], sizeof(float) * (size_t)nb);
            }
        }
    }
}

EMK_INLINE void filter_gradient_portable(const emk_conv_shape *s, const float *x, const float *dy,
                                         float *dw, long first, long count, long col0, long cols) {
    const long o = s->outChannels, total = first + count, end = col0 + cols;
    const long seg = s->kw * s->channels, srow = s->width * s->channels;
    const float *origin[PIXEL_CHUNK];
    for (long p0 = first; p0 < total; p0 += PIXEL_CHUNK) {
        long pixels = min_long(total - p0, PIXEL_CHUNK);
        for (long p = 0; p < pixels; p++) origin[p] = window_origin(s, x, p0 + p);
        for (long i = 0; i < s->kh; i++) {
            for (long t = 0; t < seg; t++) {
                float *row = dw + (i * seg + t) * o;
                for (long p = 0; p < pixels; p++) {
                    float a = origin[p][i * srow + t];
                    const float *d = dy + (p0 + p) * o;
                    for (long v = col0; v < end; v++) row[v] += a * d[v];
                }
            }
        }
    }
}

static EMK_AVX2 void forward_avx2(const emk_conv_shape *s, const float *x, const float *w,
                                  float *out, long first, long count, long col0, long cols,
                                  const emk_epilogue *ep) {
    forward_portable(s, x, w, out, first, count, col0, cols, ep);
}

static void forward_base(const emk_conv_shape *s, const float *x, const float *w,
                         float *out, long first, long count, long col0, long cols,
                         const emk_epilogue *ep) {
    forward_portable(s, x, w, out, first, count, col0, cols, ep);
}

static EMK_AVX2 void filter_gradient_avx2(const emk_conv_shape *s, const float *x, const float *dy,
                                          float *dw, long first, long count, long col0, long cols) {
    filter_gradient_portable(s, x, dy, dw, first, count, col0, cols);
}

static void filter_gradient_base(const emk_conv_shape *s, const float *x, const float *dy,
                                 float *dw, long first, long count, long col0, long cols) {
    filter_gradient_portable(s, x, dy, dw, first, count, col0, cols);
}

// MARK: - Entry points

void emk_conv_forward(const emk_conv_shape *s, const float *x, const float *w, float *out,
                      long first, long count, long col0, long cols, const emk_epilogue *ep) {
    if (emk_uses_avx512()) forward_512(s, x, w, out, first, count, col0, cols, ep);
    else if (emk_uses_avx2_fma()) forward_avx2(s, x, w, out, first, count, col0, cols, ep);
    else forward_base(s, x, w, out, first, count, col0, cols, ep);
}

void emk_conv_filter_gradient(const emk_conv_shape *s, const float *x, const float *dy, float *dw,
                              long first, long count, long col0, long cols) {
    if (emk_uses_avx512()) filter_gradient_512(s, x, dy, dw, first, count, col0, cols);
    else if (emk_uses_avx2_fma()) filter_gradient_avx2(s, x, dy, dw, first, count, col0, cols);
    else filter_gradient_base(s, x, dy, dw, first, count, col0, cols);
}

// MARK: - Epilogue pass

static EMK_AVX512 void epilogue_512(float *y, long first, long count, long channels, const emk_epilogue *ep) {
    const __m512 lo = _mm512_set1_ps(ep->lo), hi = _mm512_set1_ps(ep->hi);
    for (long r = first; r < first + count; r++) {
        float *row = y + r * channels;
        for (long c = 0; c < channels; c += 16) {
            __mmask16 m = lane_mask(channels - c);
            __m512 v = _mm512_maskz_loadu_ps(m, row + c);
            if (ep->bias) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, ep->bias + c));
            if (ep->clamp) v = _mm512_min_ps(_mm512_max_ps(v, lo), hi);
            _mm512_mask_storeu_ps(row + c, m, v);
        }
    }
}

EMK_INLINE void epilogue_portable(float *y, long first, long count, long channels, const emk_epilogue *ep) {
    for (long r = first; r < first + count; r++) {
        float *row = y + r * channels;
        for (long c = 0; c < channels; c++) {
            float v = row[c] + (ep->bias ? ep->bias[c] : 0.0f);
            if (ep->clamp) v = v < ep->lo ? ep->lo : (v > ep->hi ? ep->hi : v);
            row[c] = v;
        }
    }
}

static EMK_AVX2 void epilogue_avx2(float *y, long first, long count, long channels, const emk_epilogue *ep) {
    epilogue_portable(y, first, count, channels, ep);
}

void emk_apply_epilogue(float *y, long first, long count, long channels, const emk_epilogue *ep) {
    if (emk_uses_avx512()) epilogue_512(y, first, count, channels, ep);
    else if (emk_uses_avx2_fma()) epilogue_avx2(y, first, count, channels, ep);
    else epilogue_portable(y, first, count, channels, ep);
}
