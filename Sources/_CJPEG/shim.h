// Thin shim over libjpeg-turbo (libjpeg62 API). No stable API; imported only by Vision.
#include <stdio.h>
#include <stddef.h>
#include <jpeglib.h>
