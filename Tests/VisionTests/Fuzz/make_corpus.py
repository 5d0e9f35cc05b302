"""Writes the fuzz seed corpus (a few KB) under Tests/VisionTests/Fuzz/corpus.

PNGs come from a tiny chunk writer (Pillow cannot write Adam7-interlaced or 16-bit RGB
files); JPEGs from Pillow. Run with /work/venv/bin/python; the output is committed.
"""
import io, os, random, struct, zlib
from PIL import Image

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
rng = random.Random(2013)


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def pack_row(samples, bit_depth):
    if bit_depth == 16:
        return b"".join(struct.pack(">H", s) for s in samples)
    if bit_depth == 8:
        return bytes(samples)
    per = 8 // bit_depth
    out = bytearray()
    for i in range(0, len(samples), per):
        byte = 0
        for j, s in enumerate(samples[i:i + per]):
            byte |= s << (8 - bit_depth * (j + 1))
        out.append(byte)
    return bytes(out)


def png(width, height, color_type, bit_depth, interlace=False, palette=None, trns=None):
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color_type]
    top = (1 << bit_depth) - 1
    if color_type == 3:
        top = len(palette) - 1
    pixels = [[[rng.randint(0, top) for _ in range(channels)] for _ in range(width)] for _ in range(height)]
    raw = bytearray()
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)] \
        if interlace else [(0, 0, 1, 1)]
    for x0, y0, dx, dy in passes:
        xs = range(x0, width, dx)
        for y in range(y0, height, dy):
            if not xs:
                continue
            samples = [s for x in xs for s in pixels[y][x]]
            raw.append(rng.choice([0, 1, 2]) if bit_depth >= 8 else 0)
            raw += pack_row(samples, bit_depth)
    out = b"\x89PNG\r\n\x1a\n"
    out += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 1 if interlace else 0))
    if palette:
        out += chunk(b"PLTE", b"".join(bytes(c) for c in palette))
    if trns is not None:
        out += chunk(b"tRNS", trns)
    data = zlib.compress(bytes(raw), 9)
    half = len(data) // 2
    out += chunk(b"IDAT", data[:half]) + chunk(b"IDAT", data[half:])  # two IDATs
    out += chunk(b"IEND", b"")
    return out


def write(sub, name, data):
    with open(os.path.join(ROOT, sub, name), "wb") as f:
        f.write(data)


palette = [(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(5)]
write("png", "gray8.png", png(6, 5, 0, 8))
write("png", "gray1.png", png(9, 3, 0, 1))
write("png", "gray4-trns.png", png(5, 4, 0, 4, trns=struct.pack(">H", 3)))
write("png", "gray16.png", png(4, 4, 0, 16))
write("png", "ga8.png", png(4, 3, 4, 8))
write("png", "rgb8.png", png(5, 5, 2, 8))
write("png", "rgb16.png", png(3, 3, 2, 16))
write("png", "rgba8.png", png(4, 4, 6, 8))
write("png", "palette.png", png(6, 4, 3, 8, palette=palette))
write("png", "palette2-trns.png", png(7, 3, 3, 2, palette=palette[:4], trns=bytes([0, 128])))
write("png", "interlaced-rgb.png", png(9, 9, 2, 8, interlace=True))
write("png", "interlaced-gray2.png", png(10, 7, 0, 2, interlace=True))

img = Image.new("RGB", (16, 16))
img.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(256)])
for name, kwargs, mode in [("baseline.jpg", {}, "RGB"), ("progressive.jpg", {"progressive": True}, "RGB"),
                           ("gray.jpg", {}, "L"), ("gray-progressive.jpg", {"progressive": True}, "L"),
                           ("subsampled-420.jpg", {"subsampling": 2}, "RGB"), ("cmyk.jpg", {}, "CMYK")]:
    buffer = io.BytesIO()
    small = img.convert(mode).resize((8, 8)) if mode == "CMYK" else img.convert(mode)
    small.save(buffer, "JPEG", quality=50, **kwargs)
    write("jpeg", name, buffer.getvalue())


def fer_row(label, usage, digits_only=True):
    values = [rng.choice([0, 1, 7, 9, 12, 255]) if not digits_only else rng.randrange(10) for _ in range(2304)]
    return f"{label},{' '.join(map(str, values))},{usage}"


write("csv", "fer2013.csv", ("emotion,pixels,Usage\n" + "\n".join(
    [fer_row(0, "Training"), fer_row(3, "PublicTest"), fer_row(6, "PrivateTest", False)]) + "\n").encode())
write("csv", "fer2013-quoted-crlf.csv", ('"emotion","pixels","Usage"\r\n' + '3,"' + fer_row(0, "x").split(",")[1]
                                          + '",Training\r\n').encode())

votes_header = "Usage,Image name,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF\n"
write("ferplus", "fer2013new.csv", (votes_header + "Training,fer0000000.png,4,0,0,1,3,2,0,0,0,0\n"
                                    "PublicTest,fer0028709.png,10,0,0,0,0,0,0,0,0,0\n"
                                    "PrivateTest,fer0032220.png,0,0,0,0,0,0,0,0,0,10\n").encode())
write("ferplus", "ties.csv", (votes_header + "Training,,3,3,3,0,0,0,0,0,1,0\r\n"
                              "Training,a.png, 5 ,5,0,0,0,0,0,0,0,0\r\n").encode())
