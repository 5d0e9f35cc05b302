// Small C helpers around libpng and libjpeg-turbo for the Vision target.
// Both libraries report fatal errors by longjmp-ing out of a callback, which Swift cannot
// do safely; these helpers own the setjmp and turn every failure into a return code and
// a message. No stable API; imported only by Vision.
#ifndef EMOTIVE_IMAGE_CODECS_H
#define EMOTIVE_IMAGE_CODECS_H

#include <stddef.h>

/// What a header says about an image, in the channel layout the decoder will produce.
typedef struct {
    int width;
    int height;
    /// Channels of the decoded pixels: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA (PNG) or
    /// CMYK (JPEG, see `inverted_cmyk`).
    int channels;
    /// Bits per sample in the file (PNG: 1, 2, 4, 8 or 16; JPEG: 8).
    int bit_depth;
    /// JPEG only: the Adobe marker says CMYK samples are stored inverted (Photoshop).
    int inverted_cmyk;
    /// JPEG only: progressive scan.
    int progressive;
    /// The error text when a function returns non-zero.
    char message[256];
} emotive_image_info;

/// Reads the PNG header. Returns 0 on success.
int emotive_png_read_header(const unsigned char *data, size_t size, emotive_image_info *info);

/// Decodes a PNG to 8-bit samples: palette expanded to RGB(A), low bit depths to 8 bits,
/// tRNS to an alpha channel, 16-bit samples to their high byte (as Pillow does for RGB).
/// `out` must hold width*height*channels bytes as reported by the header. Returns 0 on success.
int emotive_png_decode(const unsigned char *data, size_t size, unsigned char *out,
                       size_t out_size, emotive_image_info *info);

/// Reads the JPEG header. Returns 0 on success.
int emotive_jpeg_read_header(const unsigned char *data, size_t size, emotive_image_info *info);

/// Decodes a JPEG to 8-bit gray, RGB or raw CMYK samples (ISLOW DCT, fancy upsampling, as
/// libjpeg's defaults). A file that ends early is an error (libjpeg only warns).
int emotive_jpeg_decode(const unsigned char *data, size_t size, unsigned char *out,
                        size_t out_size, emotive_image_info *info);

/// Encodes 8-bit gray (1 channel) or RGB (3 channels) pixels as a baseline or progressive
/// JPEG. On success `*out` holds `*out_size` bytes the caller frees with free().
int emotive_jpeg_encode(const unsigned char *pixels, int width, int height, int channels, int quality,
                        int progressive, unsigned char **out, unsigned long *out_size,
                        emotive_image_info *info);

#endif
