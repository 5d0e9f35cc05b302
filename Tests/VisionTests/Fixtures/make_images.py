"""Writes small PNG/JPEG fixtures with Pillow and the pixels Pillow decodes from them.

Run with the fixture venv: /work/venv/bin/python make_images.py
images.json maps each file to {channels, height, width, pixels} as Emotive should decode it:
PNG palette files expand to RGB(A), 16-bit samples keep their high byte, CMYK JPEGs become
RGB through Pillow's convert("RGB"). JPEG pixels are what Pillow's libjpeg decodes.
"""
import io
import json
import os

import numpy as np
from PIL import Image

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "images")
os.makedirs(here, exist_ok=True)
rng = np.random.default_rng(48)
h, w = 10, 12

# A smooth gradient plus noise, so JPEG has structure to keep.
yy, xx = np.mgrid[0:h, 0:w]
base = (xx * 18 + yy * 7) % 256
gray = np.clip(base + rng.integers(-20, 20, size=(h, w)), 0, 255).astype(np.uint8)
rgb = np.stack([gray, np.clip(255 - base, 0, 255), (xx * yy * 3) % 256], axis=-1).astype(np.uint8)
alpha = ((xx + yy) * 11 % 256).astype(np.uint8)

expected = {}


def record(name, array):
    array = np.asarray(array)
    if array.ndim == 2:
        array = array[:, :, None]
    expected[name] = dict(height=int(array.shape[0]), width=int(array.shape[1]),
                          channels=int(array.shape[2]), pixels=array.reshape(-1).astype(int).tolist())


def save(image, name, **options):
    image.save(os.path.join(here, name), **options)
    return Image.open(os.path.join(here, name))


record("gray8.png", np.asarray(save(Image.fromarray(gray, "L"), "gray8.png")))
record("gray-alpha.png", np.asarray(save(Image.fromarray(np.dstack([gray, alpha]), "LA"), "gray-alpha.png")))
record("rgb.png", np.asarray(save(Image.fromarray(rgb, "RGB"), "rgb.png")))
record("rgba.png", np.asarray(save(Image.fromarray(np.dstack([rgb, alpha]), "RGBA"), "rgba.png")))
gray16 = (gray.astype(np.uint16) * 257 + rng.integers(0, 200, size=(h, w))).astype(np.uint16)
loaded16 = save(Image.fromarray(gray16), "gray16.png")
record("gray16.png", (np.asarray(loaded16).astype(np.uint32) >> 8))


def write_png16_rgb(path, samples):
    """Pillow cannot save 16-bit RGB; write the chunks directly (filter type 0 per row)."""
    import struct
    import zlib
    height, width, _ = samples.shape
    raw = b"".join(b"\x00" + samples[y].astype(">u2").tobytes() for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


rgb16 = (rgb.astype(np.uint16) * 257 + rng.integers(0, 200, size=rgb.shape)).astype(np.uint16)
write_png16_rgb(os.path.join(here, "rgb16.png"), rgb16)
# Pillow opens 16-bit RGB as 8-bit RGB keeping the high byte of each sample.
record("rgb16.png", np.asarray(Image.open(os.path.join(here, "rgb16.png")).convert("RGB")))
assert (np.asarray(Image.open(os.path.join(here, "rgb16.png")).convert("RGB")) == (rgb16 >> 8)).all()
palette = Image.fromarray(rgb, "RGB").quantize(colors=16)
record("palette.png", np.asarray(save(palette, "palette.png").convert("RGB")))
palette_alpha = palette.copy()
palette_alpha.info["transparency"] = 3
record("palette-transparent.png", np.asarray(save(palette_alpha, "palette-transparent.png", transparency=3).convert("RGBA")))
bits = Image.fromarray(gray > 128).convert("1")
record("bilevel.png", np.asarray(save(bits, "bilevel.png").convert("L")))

record("gray.jpg", np.asarray(save(Image.fromarray(gray, "L"), "gray.jpg", quality=90)))
record("rgb.jpg", np.asarray(save(Image.fromarray(rgb, "RGB"), "rgb.jpg", quality=90)))
record("progressive.jpg", np.asarray(save(Image.fromarray(rgb, "RGB"), "progressive.jpg", quality=85, progressive=True)))
cmyk = Image.fromarray(rgb, "RGB").convert("CMYK")
record("cmyk.jpg", np.asarray(save(cmyk, "cmyk.jpg", quality=95).convert("RGB")))

# Broken files.
with open(os.path.join(here, "rgb.jpg"), "rb") as f:
    whole = f.read()
with open(os.path.join(here, "truncated.jpg"), "wb") as f:
    f.write(whole[: len(whole) // 2])
with open(os.path.join(here, "rgb.png"), "rb") as f:
    png = f.read()
with open(os.path.join(here, "truncated.png"), "wb") as f:
    f.write(png[: len(png) - 30])
with open(os.path.join(here, "notes.txt"), "w") as f:
    f.write("not an image\n")
# A PNG header claiming 100000 x 100000 pixels (a decompression bomb), with a valid CRC.
import struct
import zlib
ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 0, 0, 0, 0)
chunk = b"IHDR" + ihdr
with open(os.path.join(here, "bomb.png"), "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk)))

with open(os.path.join(here, "images.json"), "w") as f:
    json.dump(expected, f, separators=(",", ":"))
print(sorted(expected))
