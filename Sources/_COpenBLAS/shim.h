// Thin shim over Debian's OpenBLAS (pkg-config `openblas`): CBLAS and the thread controls.
// No stable API; imported only by the Tensors target.
#include <cblas.h>
