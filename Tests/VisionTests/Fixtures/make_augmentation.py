"""Writes augmentation.json: Keras ImageDataGenerator.apply_transform on small images.

Run with the fixture venv: /work/venv/bin/python make_augmentation.py
Each case holds the transform parameters (Keras names), the fill mode and Keras' output.
The images are non-square so the x/y swap and the centre offsets are exercised.
"""
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
from keras.src.legacy.preprocessing.image import ImageDataGenerator

rng = np.random.default_rng(2013)
gray = rng.integers(0, 256, size=(9, 7, 1)).astype(np.float32)
rgb = rng.integers(0, 256, size=(6, 8, 3)).astype(np.float32)

params = [
    dict(theta=25.0),
    dict(tx=1.7, ty=-2.3),
    dict(shear=12.0),
    dict(zx=0.8, zy=1.2),
    dict(zx=1.15, zy=0.9, theta=-17.0, tx=-0.6, ty=1.4, shear=0.2),
    dict(theta=40.0, tx=2.5, ty=2.5, zx=1.3, zy=1.3),
    dict(theta=10.0, flip_horizontal=True),
    dict(flip_vertical=True, tx=0.5),
    dict(theta=-30.0, tx=-3.2, ty=3.9, zx=0.85, zy=1.1, flip_horizontal=True, shear=5.0),
]

cases = []
for name, image in [("gray", gray), ("rgb", rgb)]:
    for fill in ["nearest", "constant", "reflect", "wrap"]:
        generator = ImageDataGenerator(fill_mode=fill, cval=17.0)
        for p in params:
            out = generator.apply_transform(image.copy(), dict(p))
            cases.append(dict(image=name, fill_mode=fill, cval=17.0, params=p,
                              output=[round(float(v), 4) for v in out.reshape(-1)]))
    generator = ImageDataGenerator()
    out = generator.apply_transform(image.copy(), dict(brightness=0.7, theta=5.0))
    cases.append(dict(image=name, fill_mode="nearest", cval=0.0, params=dict(brightness=0.7, theta=5.0),
                      output=[round(float(v), 4) for v in out.reshape(-1)]))

with open(os.path.join(os.path.dirname(__file__), "augmentation.json"), "w") as f:
    json.dump(dict(images=dict(gray=dict(shape=list(gray.shape), pixels=gray.reshape(-1).tolist()),
                               rgb=dict(shape=list(rgb.shape), pixels=rgb.reshape(-1).tolist())),
                   cases=cases), f, separators=(",", ":"))
print(len(cases), "cases")
