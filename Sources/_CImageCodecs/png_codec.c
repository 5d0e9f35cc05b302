// libpng decoding with the setjmp kept on the C side.
#include "image_codecs.h"
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const unsigned char *data;
    size_t size;
    size_t position;
    emotive_image_info *info;
} png_source;

static void read_from_memory(png_structp png, png_bytep out, png_size_t count) {
    png_source *source = (png_source *)png_get_io_ptr(png);
    if (source->position + count > source->size) {
        png_error(png, "file is truncated");
    }
    memcpy(out, source->data + source->position, count);
    source->position += count;
}

static void on_error(png_structp png, png_const_charp message) {
    png_source *source = (png_source *)png_get_error_ptr(png);
    snprintf(source->info->message, sizeof source->info->message, "PNG: %s", message);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

/// Sets up transforms so every file decodes to 8-bit gray, GA, RGB or RGBA.
static void configure(png_structp png, png_infop info_ptr) {
    int color_type = png_get_color_type(png, info_ptr);
    int bit_depth = png_get_bit_depth(png, info_ptr);
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info_ptr, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (bit_depth == 16) png_set_strip_16(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info_ptr);
}

static int run(const unsigned char *data, size_t size, unsigned char *out, size_t out_size,
               emotive_image_info *info) {
    memset(info, 0, sizeof *info);
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        snprintf(info->message, sizeof info->message, "PNG: not a PNG file (bad signature)");
        return 1;
    }
    png_source source = {data, size, 0, info};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &source, on_error, on_warning);
    if (!png) {
        snprintf(info->message, sizeof info->message, "PNG: out of memory");
        return 1;
    }
    png_infop info_ptr = png_create_info_struct(png);
    png_bytep *rows = NULL;
    if (!info_ptr || setjmp(png_jmpbuf(png))) {
        png_free(png, rows);
        png_destroy_read_struct(&png, &info_ptr, NULL);
        if (info->message[0] == 0) snprintf(info->message, sizeof info->message, "PNG: decode failed");
        return 1;
    }
    // Header sizes up to 2^31 are legal; the caller checks limits before decoding.
    png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
    png_set_read_fn(png, &source, read_from_memory);
    png_read_info(png, info_ptr);
    info->width = (int)png_get_image_width(png, info_ptr);
    info->height = (int)png_get_image_height(png, info_ptr);
    info->bit_depth = png_get_bit_depth(png, info_ptr);
    configure(png, info_ptr);
    info->channels = png_get_channels(png, info_ptr);
    if (out != NULL) {
        size_t stride = (size_t)info->width * (size_t)info->channels;
        if (png_get_rowbytes(png, info_ptr) != stride || out_size < stride * (size_t)info->height) {
            snprintf(info->message, sizeof info->message, "PNG: output buffer does not fit");
            png_destroy_read_struct(&png, &info_ptr, NULL);
            return 1;
        }
        rows = png_malloc(png, sizeof(png_bytep) * (size_t)info->height);
        for (int y = 0; y < info->height; y++) rows[y] = out + stride * (size_t)y;
        png_read_image(png, rows);
        png_read_end(png, NULL);
        png_free(png, rows);
        rows = NULL;
    }
    png_destroy_read_struct(&png, &info_ptr, NULL);
    return 0;
}

int emotive_png_read_header(const unsigned char *data, size_t size, emotive_image_info *info) {
    return run(data, size, NULL, 0, info);
}

int emotive_png_decode(const unsigned char *data, size_t size, unsigned char *out,
                       size_t out_size, emotive_image_info *info) {
    return run(data, size, out, out_size, info);
}
