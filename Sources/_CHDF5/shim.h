// Thin shim over HDF5 (Debian's serial build), for Keras weight files.
// No stable API; imported only by NeuralNetworks.
#include <hdf5.h>
