// Thin shim over zlib, for deflated members of `.keras` zip archives.
// No stable API; imported only by NeuralNetworks.
#include <zlib.h>
