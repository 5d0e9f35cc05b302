// Vision: image I/O, FER-2013 loaders, the synthetic dataset, augmentation.
