"""Weight files written by Keras' own writers, and Keras' outputs beside them.

    /tmp/kvenv/bin/python Tests/NeuralNetworksTests/Fixtures/make_keras_written.py [fixtures] [resnet50] [keras2] [standin]

tensorflow-cpu 2.21 / Keras 3.15, tf_keras 2.21 (Keras 2, `import tf_keras`), h5py and Pillow, in a
throwaway venv (tests never run Python); `keras2` also needs Debian's hdf5-tools (h5repack).

fixtures -> Tests/NeuralNetworksTests/Fixtures/keras-written/
  mnv2_a035_legacy.h5      Keras 3 legacy_h5_format.save_weights_to_hdf5_group (the official
                           files' layout: layer_names, weight_names, empty float64 lists)
  mnv2_a035_gzip.h5        the same file repacked by h5py with chunked, gzip'd datasets
  mnv2_a035_top_full.h5    model.save("x.h5") of Sequential([base, gap, predictions]): model_weights
  mnv2_a035_top.weights.h5 Keras 3 model.save_weights: layers/functional/layers/...
  mnv2_a035_top.keras      Keras 3 model.save (zip of config.json and model.weights.h5)
  long_names.h5            legacy writer; layer_names split into layer_names0, layer_names1, ...
  expected.json            Keras' output of each on fixed_input (make_nn_fixtures.py)
resnet50 -> the same folder; only its key of expected.json is merged:
  resnet50_gzip.h5         ResNet50 (no top, 32x32) by the legacy writer, repacked with gzip; tiled
                           weights with batch norms set so its output is O(1) and float32 rounding
                           does not grow through the 16 blocks (see bounded_resnet), so the test
                           can bound the absolute difference too. The script checks every weight
                           tensor reaches the output and prints the float32-float64 difference.
keras2 -> the same folder (reads mnv2_a035_legacy.h5, so run after fixtures):
  mnv2_a035_keras2.h5      Keras 2's writer (tf_keras model.save_weights("x.h5"), the official
                           files' writer): weight names with ":0" (mobl1_conv_1_expand/kernel:0) and
                           the official MobileNetV2 file's 2018 layer names, not tf_keras' (or
                           Emotive's) block_1_expand, so a loader pairs layers by position as Keras
                           does. The tf_keras model is rebuilt from its config under those names,
                           Keras 2's load_weights fills it from mnv2_a035_legacy.h5 (by position),
                           save_weights writes it, h5repack -L -f SHUF -f GZIP=9 shrinks it.
                           Its expected.json entry is tf_keras' own output; only that key is merged.
standin -> Notebooks/data/standin/ (see its README.md): the paper profile's CI stand-in.

Weights are short random vectors tiled over each tensor, so gzip (and git) shrink the files.
"""
import csv, io, json, os, shutil, sys
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# Plain (Eigen) kernels: with oneDNN's reordered sums ResNet50's output differs from an
# in-order float32 computation by 1.2e-4 relative, over the tests' 1e-4.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_nn_fixtures import fixed_input, floats  # noqa: E402

OUT = os.path.join(HERE, "keras-written")
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
STANDIN = os.path.join(ROOT, "Notebooks", "data", "standin")


def tiled_weights(model, seed, period=13):
    """Each tensor: a random vector of `period` values repeated; kernels He-scaled."""
    rng = np.random.default_rng(seed)
    for v in model.weights:
        shape = tuple(v.shape)
        n = int(np.prod(shape))
        base = rng.uniform(-1, 1, period)
        t = np.resize(base, n).reshape(shape)
        name = v.path.split("/")[-1]
        if name in ("kernel", "depthwise_kernel"):
            fan_in = int(np.prod(shape[:-1])) if name == "kernel" else int(np.prod(shape[:2]))
            val = t * np.sqrt(3.0 / fan_in)
        elif name == "gamma":
            val = 1 + 0.1 * t
        elif name == "moving_variance":
            val = 1 + 0.25 * (1 + t)
        else:
            val = 0.05 * t
        v.assign(val.astype(np.float32))


def legacy_save(model, path):
    import h5py
    from keras.src.legacy.saving import legacy_h5_format
    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, model)


def gzip_copy(source, target):
    """Every dataset chunked and gzip'd (shuffle filter), groups and attributes as they were."""
    import h5py
    with h5py.File(source, "r") as src, h5py.File(target, "w") as dst:
        def copy_attrs(a, b):
            for k, v in a.attrs.items():
                b.attrs[k] = v
        copy_attrs(src, dst)

        def visit(name, obj):
            if isinstance(obj, h5py.Group):
                copy_attrs(obj, dst.require_group(name))
            else:
                d = dst.create_dataset(name, data=obj[()], chunks=True if obj.ndim else None,
                                       **({"compression": "gzip", "compression_opts": 9, "shuffle": True}
                                          if obj.ndim else {}))
                copy_attrs(obj, d)
        src.visititems(visit)


def fixtures():
    import h5py, keras
    os.makedirs(OUT, exist_ok=True)
    expected = {}
    x = fixed_input(1, 32)

    base = keras.applications.MobileNetV2(input_shape=(32, 32, 3), alpha=0.35, include_top=False, weights=None)
    tiled_weights(base, 1)
    y = base(x, training=False).numpy()
    legacy_save(base, os.path.join(OUT, "mnv2_a035_legacy.h5"))
    gzip_copy(os.path.join(OUT, "mnv2_a035_legacy.h5"), os.path.join(OUT, "mnv2_a035_gzip.h5"))
    for name in ("mnv2_a035_legacy.h5", "mnv2_a035_gzip.h5"):
        expected[name] = {"inputShape": [1, 32, 32, 3], "outputShape": list(y.shape), "output": floats(y)}

    top = keras.Sequential([base, keras.layers.GlobalAveragePooling2D(name="gap"),
                            keras.layers.Dense(7, activation="softmax", name="predictions")])
    top.build((None, 32, 32, 3))
    tiled_weights(top.layers[-1], 2)
    y = top(x, training=False).numpy()
    top.save(os.path.join(OUT, "mnv2_a035_top_full.h5"))
    top.save_weights(os.path.join(OUT, "mnv2_a035_top.weights.h5"))
    top.save(os.path.join(OUT, "mnv2_a035_top.keras"))
    for name in ("mnv2_a035_top_full.h5", "mnv2_a035_top.weights.h5", "mnv2_a035_top.keras"):
        expected[name] = {"inputShape": [1, 32, 32, 3], "outputShape": list(y.shape), "output": floats(y)}

    # Enough long-named weightless layers that the writer splits layer_names (> 64,512 bytes).
    inputs = keras.Input((8,))
    h = keras.layers.Dense(4, name="d1")(inputs)
    for i in range(300):
        h = keras.layers.Activation("linear", name="identity_" + "x" * 230 + f"_{i:03d}")(h)
    outputs = keras.layers.Dense(3, name="d2")(h)
    long = keras.Model(inputs, outputs)
    tiled_weights(long, 3)
    xl = fixed_input(1, 2, 2).reshape(1, 8)
    y = long(xl).numpy()
    legacy_save(long, os.path.join(OUT, "long_names.h5"))
    with h5py.File(os.path.join(OUT, "long_names.h5")) as f:
        chunks = sorted(k for k in f.attrs if k.startswith("layer_names"))
    assert "layer_names" not in chunks and len(chunks) > 1, chunks
    expected["long_names.h5"] = {"inputShape": [1, 8], "outputShape": list(y.shape), "output": floats(y),
                                 "layerNamesChunks": chunks}

    write_expected(expected)


def bounded_resnet(model, x, branch_gamma=0.1):
    """ResNet50's batch norms set so that on x every activation is O(1) and rounding stays small.

    With tiled_weights alone the output on fixed_input reaches 2.5e9: the tiled moving statistics
    (mean ~0.05, variance 1 to 1.5) do not normalize convolutions whose tiled kernels have a
    nonzero mean, so activations grow 10-30x a block through conv4, while some branches die
    (their ReLUs all zero) and leave the weights before them untested. Here each batch norm, in
    topological order (each sees the ones before it set), keeps its tiled values m and v but has
    them moved to its input's mean mu and variance s2 on x, one number each per layer:
    moving_mean = mu + s*m, moving_variance = s2*v. Its output is then ~gamma*z + beta with z of
    mean 0 and variance ~1 over positions and channels, so about half of every ReLU's inputs are
    positive at every depth. (Per layer, not per-channel statistics over a batch: conv5 is 1x1
    at 32x32, and a batch's channel means left x below them in whole conv4 blocks, all zero.)
    O(1) activations alone still let float32 rounding grow ~1.3x a layer (Keras float32 against
    float64: 6e-3 at the output). So the last batch norm of each residual branch (*_3_bn) has its
    gamma scaled by branch_gamma, as zero-gamma initialization does (Goyal et al. 2017): each
    block stays near the identity plus a branch of ~0.1, and the difference drops to ~5e-6.
    """
    import keras
    for layer in model.layers:
        if not isinstance(layer, keras.layers.BatchNormalization):
            continue
        h = keras.Model(model.input, layer.input)(x, training=False).numpy().astype(np.float64)
        mu, s2 = h.mean(), h.var()
        layer.moving_mean.assign((mu + np.sqrt(s2) * layer.moving_mean.numpy()).astype(np.float32))
        layer.moving_variance.assign((s2 * layer.moving_variance.numpy()).astype(np.float32))
        if layer.name.endswith("_3_bn"):
            layer.gamma.assign(branch_gamma * layer.gamma.numpy())


def resnet50():
    """resnet50_gzip.h5 and its expected.json key (the other keys are kept as they are)."""
    import keras
    import tensorflow as tf
    os.makedirs(OUT, exist_ok=True)
    x = fixed_input(1, 32)
    resnet = keras.applications.ResNet50(input_shape=(32, 32, 3), include_top=False, weights=None)
    tiled_weights(resnet, 4)
    bounded_resnet(resnet, x)
    y = resnet(x, training=False).numpy()
    assert 0.5 < np.abs(y).max() < 10, np.abs(y).max()

    # Every tensor reaches the output (no dead branch), so a misloaded one changes it.
    with tf.GradientTape() as tape:
        for v in resnet.weights:
            tape.watch(v.value)
        probe = np.random.default_rng(0).standard_normal(y.shape).astype(np.float32)
        s = tf.reduce_sum(resnet(x, training=False) * probe)
    grads = tape.gradient(s, [v.value for v in resnet.weights])
    dead = [v.path for v, g in zip(resnet.weights, grads) if g is None or not np.any(g.numpy())]
    assert not dead, dead

    # What float32 rounding alone costs (the Swift test's absolute bound rests on it).
    keras.config.set_dtype_policy("float64")
    try:
        r64 = keras.applications.ResNet50(input_shape=(32, 32, 3), include_top=False, weights=None)
    finally:
        keras.config.set_dtype_policy("float32")
    for a, b in zip(r64.weights, resnet.weights):
        assert a.path == b.path, (a.path, b.path)
        a.assign(b.numpy().astype(np.float64))
    y64 = r64(x.astype(np.float64), training=False).numpy()
    assert y64.dtype == np.float64, y64.dtype
    print(f"resnet50: |y| in [{np.abs(y).min():.3g}, {np.abs(y).max():.4g}], "
          f"{np.mean(y > 0):.0%} positive; float32 - float64: max {np.abs(y - y64).max():.3g}")

    tmp = os.path.join(OUT, "resnet50_plain.h5")
    legacy_save(resnet, tmp)
    gzip_copy(tmp, os.path.join(OUT, "resnet50_gzip.h5"))
    os.remove(tmp)
    write_expected({"resnet50_gzip.h5": {"inputShape": [1, 32, 32, 3], "outputShape": list(y.shape),
                                         "output": floats(y)}})


def write_expected(entries):
    """expected.json with `entries` set; other steps' keys (keras2's) are kept."""
    path = os.path.join(OUT, "expected.json")
    expected = {}
    if os.path.exists(path):
        with open(path) as f:
            expected = json.load(f)
    expected.update(entries)
    with open(path, "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


def strings(attribute):
    """An HDF5 string-array attribute as str (fixed-length ones come back as bytes)."""
    return [v.decode() if isinstance(v, bytes) else v for v in attribute]


def keras2():
    """mnv2_a035_keras2.h5: the weights of mnv2_a035_legacy.h5 as Keras 2 writes them."""
    import subprocess
    import h5py
    import tf_keras
    from make_nn_fixtures import legacy_mobilenet_name
    base = tf_keras.applications.MobileNetV2(input_shape=(32, 32, 3), alpha=0.35, include_top=False, weights=None)
    cfg = base.get_config()
    input_name = cfg["input_layers"][0][0]

    def new_name(name):   # the 2018 names of the layers with weights; the input as a fresh Keras 2 session names it
        old = legacy_mobilenet_name(name)
        return "input_1" if name == input_name else old if old.startswith(("mobl", "bn")) else name

    def rename(node):     # inbound_nodes / input_layers / output_layers: [name, node_index, tensor_index, ...]
        if isinstance(node, list):
            if len(node) >= 3 and isinstance(node[0], str) and isinstance(node[1], int):
                return [new_name(node[0])] + node[1:]
            return [rename(n) for n in node]
        return node
    for layer in cfg["layers"]:
        layer["name"] = layer["config"]["name"] = new_name(layer["name"])
        layer["inbound_nodes"] = rename(layer["inbound_nodes"])
    cfg["input_layers"] = rename(cfg["input_layers"])
    cfg["output_layers"] = rename(cfg["output_layers"])
    model = tf_keras.Model.from_config(cfg)   # variables created under the new names: mobl1_conv_1_expand/kernel:0
    renamed = [(a.name, b.name) for a, b in zip(base.layers, model.layers) if a.weights and a.name != b.name]
    assert renamed and all(w.name.endswith(":0") for w in model.weights), renamed

    source = os.path.join(OUT, "mnv2_a035_legacy.h5")
    model.load_weights(source)   # Keras 2 pairs legacy layers by position
    with h5py.File(source) as f:   # ... and these are the file's tensors, in order
        held = [f[n][w] for n in strings(f.attrs["layer_names"]) for w in strings(f[n].attrs["weight_names"])]
        assert len(held) == len(model.weights)
        mine = [v.numpy() for l in model.layers for v in l.weights]
        assert all(np.array_equal(a[()], b) for a, b in zip(held, mine))

    y = model(fixed_input(1, 32), training=False).numpy()
    name = "mnv2_a035_keras2.h5"
    tmp = os.path.join(OUT, "keras2_plain.h5")
    model.save_weights(tmp)
    subprocess.run(["h5repack", "-L", "-f", "SHUF", "-f", "GZIP=9", tmp, os.path.join(OUT, name)], check=True)
    os.remove(tmp)
    with h5py.File(os.path.join(OUT, name)) as f:   # what the test also checks, through Emotive's reader
        layer_names = strings(f.attrs["layer_names"])
        weight_names = [w for n in layer_names for w in strings(f[n].attrs["weight_names"])]
    assert all(w.endswith(":0") for w in weight_names) and "mobl1_conv_1_expand" in layer_names
    write_expected({name: {"inputShape": [1, 32, 32, 3], "outputShape": list(y.shape), "output": floats(y)}})


CLASSES = ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"]
CSV_LABEL = {"angry": 0, "disgust": 1, "fear": 2, "happy": 3, "sad": 4, "surprise": 5, "neutral": 6}


def face(c, k, rng):
    """A 48x48 gray face-like drawing; the mouth depends on the class."""
    from PIL import Image, ImageDraw
    im = Image.new("L", (48, 48), int(rng.integers(40, 90)))
    d = ImageDraw.Draw(im)
    d.ellipse((8, 4, 40, 44), fill=int(rng.integers(150, 210)))
    for ex in (17, 31):
        d.ellipse((ex - 3, 17, ex + 3, 21), fill=30)
    mouth = [(16, 33, 32, 37), (18, 30, 30, 38), (19, 30, 29, 40), (15, 29, 33, 39),
             (17, 34, 31, 35), (16, 34, 32, 39), (20, 30, 28, 42)][c]
    d.arc(mouth, 0 if c in (3,) else 180, 360 if c in (3,) else 360, fill=20, width=2)
    a = np.asarray(im, dtype=np.float64) + rng.normal(0, 6 + k, (48, 48))
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")


def save(im, path, kind):
    """One of six encodings, all by Pillow."""
    if kind == 0:
        im.save(path + ".jpg", quality=90)
    elif kind == 1:
        im.save(path + ".jpg", quality=85, progressive=True)
    elif kind == 2:
        im.save(path + ".png")
    elif kind == 3:
        from PIL import Image
        Image.fromarray(np.asarray(im, dtype=np.uint16) * 257).save(path + ".png")   # 16-bit gray
    elif kind == 4:
        im.convert("P").save(path + ".png")   # palette
    else:
        im.convert("RGB").save(path + ".jpg", quality=90)


def standin():
    import keras
    rng = np.random.default_rng(2013)
    data = os.path.join(STANDIN, "fer2013")
    shutil.rmtree(data, ignore_errors=True)
    rows = []
    for split, n, usage in (("train", 6, "Training"), ("test", 2, "PublicTest")):
        for c, name in enumerate(CLASSES):
            os.makedirs(os.path.join(data, split, name))
            for k in range(n):
                im = face(c, k, rng)
                save(im, os.path.join(data, split, name, f"{usage}_{c}{k:02d}"), (c + k) % 6)
                rows.append((CSV_LABEL[name], " ".join(str(v) for v in np.asarray(im).ravel()),
                             usage if split == "train" else ("PublicTest" if k == 0 else "PrivateTest")))
    os.makedirs(os.path.join(STANDIN, "fer2013-csv"), exist_ok=True)
    with open(os.path.join(STANDIN, "fer2013-csv", "fer2013.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["emotion", "pixels", "Usage"])
        w.writerows(rows)

    weights = os.path.join(STANDIN, "keras-applications")
    os.makedirs(weights, exist_ok=True)
    for model, name, seed in (
            (keras.applications.ResNet50(include_top=False, weights=None),
             "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5", 5),
            (keras.applications.MobileNetV2(alpha=1.0, include_top=False, weights=None),
             "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5", 6)):
        tiled_weights(model, seed)
        tmp = os.path.join(weights, "plain.h5")
        legacy_save(model, tmp)
        gzip_copy(tmp, os.path.join(weights, name))
        os.remove(tmp)


if __name__ == "__main__":
    what = sys.argv[1:] or ["fixtures", "resnet50", "keras2", "standin"]
    if "fixtures" in what:
        fixtures()
    if "resnet50" in what:
        resnet50()
    if "keras2" in what:
        keras2()
    if "standin" in what:
        standin()
