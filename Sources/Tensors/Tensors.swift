// Tensors: Float32 NHWC tensors on OpenBLAS with reverse-mode autodiff (owner: Tensors work).
