// Thin shim over libpng 1.6. No stable API; imported only by Vision.
#include <png.h>
