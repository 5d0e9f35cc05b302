// libjpeg-turbo decoding with the setjmp kept on the C side: error_exit longjmps back here
// instead of calling exit().
#include "image_codecs.h"
#include <stdio.h>
#include <jpeglib.h>
#include <jerror.h>
#include <setjmp.h>
#include <string.h>
#include <stdlib.h>

typedef struct {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    emotive_image_info *info;
} error_handler;

static void on_error_exit(j_common_ptr cinfo) {
    error_handler *handler = (error_handler *)cinfo->err;
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    snprintf(handler->info->message, sizeof handler->info->message, "JPEG: %s", text);
    longjmp(handler->jump, 1);
}

/// libjpeg only warns when data ends early and pads with gray; Pillow refuses such files,
/// and so do we. Other warnings (extraneous bytes) are ignored as Pillow does.
static void on_message(j_common_ptr cinfo, int level) {
    if (level == -1 && cinfo->err->msg_code == JWRN_JPEG_EOF) {
        error_handler *handler = (error_handler *)cinfo->err;
        snprintf(handler->info->message, sizeof handler->info->message,
                 "JPEG: file is truncated (premature end of data)");
        longjmp(handler->jump, 1);
    }
}

/// Progressive files may hold any number of scans, each costing a pass over every block:
/// a small file with thousands of scans over a large frame decodes for minutes (a scan
/// bomb). Encoders write about 10; libjpeg-turbo's own tools suggest a limit of this order.
#define EMOTIVE_JPEG_MAX_SCANS 1000

static void on_progress(j_common_ptr cinfo) {
    if (((j_decompress_ptr)cinfo)->input_scan_number > EMOTIVE_JPEG_MAX_SCANS) {
        error_handler *handler = (error_handler *)cinfo->err;
        snprintf(handler->info->message, sizeof handler->info->message,
                 "JPEG: more than %d scans; refusing to decode (a progressive-scan bomb)", EMOTIVE_JPEG_MAX_SCANS);
        longjmp(handler->jump, 1);
    }
}

static int run(const unsigned char *data, size_t size, unsigned char *out, size_t out_size,
               emotive_image_info *info) {
    memset(info, 0, sizeof *info);
    struct jpeg_decompress_struct cinfo;
    struct jpeg_progress_mgr progress;
    memset(&progress, 0, sizeof progress);
    progress.progress_monitor = on_progress;
    error_handler handler;
    cinfo.err = jpeg_std_error(&handler.manager);
    handler.manager.error_exit = on_error_exit;
    handler.manager.emit_message = on_message;
    handler.info = info;
    if (setjmp(handler.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    jpeg_create_decompress(&cinfo);
    cinfo.progress = &progress;
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    info->width = (int)cinfo.image_width;
    info->height = (int)cinfo.image_height;
    info->bit_depth = cinfo.data_precision;
    info->progressive = cinfo.progressive_mode ? 1 : 0;
    info->inverted_cmyk = cinfo.saw_Adobe_marker ? 1 : 0;
    switch (cinfo.jpeg_color_space) {
    case JCS_GRAYSCALE: cinfo.out_color_space = JCS_GRAYSCALE; info->channels = 1; break;
    case JCS_CMYK:
    case JCS_YCCK: cinfo.out_color_space = JCS_CMYK; info->channels = 4; break;
    default: cinfo.out_color_space = JCS_RGB; info->channels = 3; break;
    }
    if (out != NULL) {
        jpeg_start_decompress(&cinfo);
        size_t stride = (size_t)cinfo.output_width * (size_t)cinfo.output_components;
        if (cinfo.output_components != info->channels || out_size < stride * cinfo.output_height) {
            snprintf(info->message, sizeof info->message, "JPEG: output buffer does not fit");
            jpeg_destroy_decompress(&cinfo);
            return 1;
        }
        while (cinfo.output_scanline < cinfo.output_height) {
            JSAMPROW row = out + stride * cinfo.output_scanline;
            jpeg_read_scanlines(&cinfo, &row, 1);
        }
        jpeg_finish_decompress(&cinfo);
    }
    jpeg_destroy_decompress(&cinfo);
    return 0;
}

int emotive_jpeg_read_header(const unsigned char *data, size_t size, emotive_image_info *info) {
    return run(data, size, NULL, 0, info);
}

int emotive_jpeg_decode(const unsigned char *data, size_t size, unsigned char *out,
                        size_t out_size, emotive_image_info *info) {
    return run(data, size, out, out_size, info);
}

int emotive_jpeg_encode(const unsigned char *pixels, int width, int height, int channels, int quality,
                        int progressive, unsigned char **out, unsigned long *out_size,
                        emotive_image_info *info) {
    memset(info, 0, sizeof *info);
    struct jpeg_compress_struct cinfo;
    error_handler handler;
    cinfo.err = jpeg_std_error(&handler.manager);
    handler.manager.error_exit = on_error_exit;
    handler.info = info;
    *out = NULL;
    *out_size = 0;
    if (setjmp(handler.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(*out);
        *out = NULL;
        return 1;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, out, out_size);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = channels;
    cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    if (progressive) jpeg_simple_progression(&cinfo);
    jpeg_start_compress(&cinfo, TRUE);
    size_t stride = (size_t)width * (size_t)channels;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + stride * cinfo.next_scanline);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    return 0;
}
