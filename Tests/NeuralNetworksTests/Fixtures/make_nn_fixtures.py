"""Writes the NeuralNetworks test fixtures. Run from the repo root:

    /work/venv/bin/python Tests/NeuralNetworksTests/Fixtures/make_nn_fixtures.py [metrics] [keras]

metrics: scikit-learn 1.9 metrics on random labels (a class never predicted included):
         metrics.json
keras:   tensorflow-cpu (Keras 3) parameter counts and parity outputs: keras_counts.json,
         mobilenetv2_a035_32.h5 + mobilenetv2_parity.json, resnet50_parity.json
"""
import json, os, sys, warnings
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def write_json(name, obj):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(obj, f, indent=1, sort_keys=True)
        f.write("\n")


def metrics():
    import sklearn
    from sklearn.metrics import (classification_report, confusion_matrix, accuracy_score,
                                 precision_recall_fscore_support, balanced_accuracy_score, f1_score)
    from sklearn.utils.class_weight import compute_class_weight

    rng = np.random.default_rng(2013)
    names = ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"]
    cases = []
    # (samples, class never predicted, class names?, class absent from the truth too)
    for n, never_predicted, with_names, absent in [(200, 1, True, None), (57, 6, False, None),
                                                   (31, 0, True, None), (12, 5, True, 5)]:
        y_true = rng.integers(0, 7, n)
        if absent is not None:
            y_true = np.where(y_true == absent, (absent + 2) % 7, y_true)
        # Predictions: correct 45% of the time, else random, and never the class `never_predicted`.
        y_pred = np.where(rng.random(n) < 0.45, y_true, rng.integers(0, 7, n))
        y_pred = np.where(y_pred == never_predicted, (never_predicted + 1) % 7, y_pred)
        labels = list(range(7))
        target_names = names if with_names else None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            text = classification_report(y_true, y_pred, labels=labels, target_names=target_names, digits=4)
        seen = []
        for w in caught:
            m = str(w.message)
            if m not in seen:
                seen.append(m)
        p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
        cases.append({
            "truth": y_true.tolist(), "predicted": y_pred.tolist(),
            "classNames": target_names or [str(l) for l in labels],
            "confusion": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
            "accuracy": accuracy_score(y_true, y_pred),
            "precision": p.tolist(), "recall": r.tolist(), "f1": f.tolist(), "support": s.tolist(),
            "report": text, "warnings": seen,
            # Classes absent from y_true are left out of the mean (scikit-learn warns and ignores them).
            "balancedAccuracy": balanced_accuracy_score(y_true, y_pred),
            "macroF1": f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0),
            # scikit-learn refuses classes absent from y (so does Emotive): null then.
            "balancedWeights": (compute_class_weight("balanced", classes=np.arange(7), y=y_true).tolist()
                                if absent is None else None),
        })
    write_json("metrics.json", {"sklearn": sklearn.__version__, "cases": cases})


def count(model):
    trainable = int(sum(np.prod(w.shape) for w in model.trainable_weights))
    total = int(model.count_params())
    return {"total": total, "trainable": trainable, "nonTrainable": total - trainable}


def keras_counts():
    import keras
    out = {"keras": keras.__version__, "mobilenetv2": [], "resnet50": []}
    for alpha in [1.0, 0.35]:
        for size in [48, 96, 224]:
            for top in [False, True]:
                m = keras.applications.MobileNetV2(input_shape=(size, size, 3), alpha=alpha,
                                                   include_top=top, weights=None)
                out["mobilenetv2"].append({"alpha": alpha, "size": size, "includeTop": top, **count(m)})
    for size, top in [(224, False), (224, True), (48, False)]:
        m = keras.applications.ResNet50(input_shape=(size, size, 3), include_top=top, weights=None)
        out["resnet50"].append({"size": size, "includeTop": top, **count(m)})
    m = keras.applications.MobileNetV2(input_shape=(48, 48, 3), alpha=0.35, include_top=False, weights=None)
    out["mobilenetv2_a035_48_layers"] = [
        {"name": l.name, "outputShape": list(l.output.shape[1:]), "params": int(l.count_params())}
        for l in m.layers]
    write_json("keras_counts.json", out)


def legacy_mobilenet_name(name):
    """The 2018 layer names of Keras' MobileNetV2 ImageNet files (mobl{i}_conv_{i}_…)."""
    import re
    if name.startswith("expanded_conv_"):
        name = "block_0_" + name[len("expanded_conv_"):]
    m = re.fullmatch(r"block_(\d+)_(expand|depthwise|project)(_BN)?", name)
    if not m:
        return name
    i, kind, bn = m.groups()
    return f"bn{i}_conv_{i}_bn_{kind}" if bn else f"mobl{i}_conv_{i}_{kind}"


def quantized_weights(model, seed):
    """Random weights from a few values per tensor, so the gzip'd .h5 stays small."""
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        for v in layer.weights:
            shape = tuple(v.shape)
            k = rng.integers(-1, 2, shape).astype(np.float32) * 2
            name = v.path.split("/")[-1]
            if name in ("kernel", "depthwise_kernel"):
                fan_in = int(np.prod(shape[:-1])) if name == "kernel" else int(np.prod(shape[:2]))
                val = k * np.float32(1.0 / (2.0 * np.sqrt(fan_in)))
            elif name == "gamma":
                val = 1 + k / 16
            elif name == "moving_variance":
                val = 1 + np.abs(k) / 8
            else:
                val = k / 16
            v.assign(val.astype(np.float32))


def floats(a):
    """Float32 values with 8 significant digits (enough to round-trip float32)."""
    return [float(f"{v:.8g}") for v in np.asarray(a, dtype=np.float32).ravel()]


def fixed_input(n, size, channels=3):
    """x_i = sin(0.1·i + 0.3·cos(0.013·i)) over the NHWC elements in order (Swift computes the same)."""
    i = np.arange(n * size * size * channels, dtype=np.float64)
    return np.sin(0.1 * i + 0.3 * np.cos(0.013 * i)).astype(np.float32).reshape(n, size, size, channels)


def mobilenet_parity():
    import h5py, keras
    size = 40   # odd sizes on the way down (5, 3) exercise the other correct_pad case
    m = keras.applications.MobileNetV2(input_shape=(size, size, 3), alpha=0.35, include_top=False, weights=None)
    quantized_weights(m, 7)
    x = fixed_input(1, size)
    y = m(x, training=False).numpy()
    # Legacy Keras weight layout (legacy_h5_format.save_weights_to_hdf5_group), with the
    # 2018 layer names the ImageNet file carries, gzip'd to keep the fixture small.
    with h5py.File(os.path.join(HERE, "mobilenetv2_a035_40_legacy.h5"), "w") as f:
        f.attrs["layer_names"] = np.array([legacy_mobilenet_name(l.name).encode() for l in m.layers])
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.2.0"
        for layer in sorted(m.layers, key=lambda l: legacy_mobilenet_name(l.name)):
            lname = legacy_mobilenet_name(layer.name)
            g = f.create_group(lname)
            names = [f"{lname}/{v.path.split('/')[-1]}:0".encode() for v in layer.weights]
            g.attrs["weight_names"] = np.array(names, dtype="S") if names else np.zeros((0,), dtype="S1")
            for n, v in zip(names, layer.weights):
                big = int(np.prod(v.shape)) > 1024   # chunk index overhead outweighs gzip on small ones
                g.create_dataset(n.decode(), data=v.numpy(), **({"compression": "gzip", "compression_opts": 9,
                                                                 "shuffle": True} if big else {}))
    write_json("mobilenetv2_parity.json", {"size": size, "outputShape": list(y.shape), "output": floats(y)})


def deterministic_value(name, shape):
    """Weight `name` ("layer/var") as a function of its name and element index (the Swift
    test computes the same): h = sum of UTF-8 bytes mod 97; b_i = sin(0.01·i·(1 + h mod 7) + h)."""
    h = sum(name.encode()) % 97
    n = int(np.prod(shape))
    b = np.sin(0.01 * np.arange(n, dtype=np.float64) * (1 + h % 7) + h)
    var = name.split("/")[-1]
    if var == "kernel":
        fan_in = int(np.prod(shape[:-1]))
        v = b * np.sqrt(3.0 / fan_in)
    elif var == "bias":
        v = 0.05 * b
    elif var == "gamma":
        v = 1 + 0.1 * b
    elif var == "moving_variance":
        v = 1 + 0.25 * (1 + b)
    else:  # beta, moving_mean
        v = 0.1 * b
    return v.astype(np.float32).reshape(shape)


def resnet_parity():
    import keras
    size = 32
    m = keras.applications.ResNet50(input_shape=(size, size, 3), include_top=False, weights=None)
    for layer in m.layers:
        for v in layer.weights:
            v.assign(deterministic_value(layer.name + "/" + v.path.split("/")[-1], tuple(v.shape)))
    x = fixed_input(1, size) * 50
    y = m(x, training=False).numpy()
    write_json("resnet50_parity.json", {"size": size, "inputScale": 50, "outputShape": list(y.shape),
                                         "output": floats(y)})


def deflated_copy(source, target):
    """The same archive re-zipped with DEFLATE (as `zip` or a file manager would)."""
    import zipfile
    with zipfile.ZipFile(os.path.join(HERE, source)) as src, \
            zipfile.ZipFile(os.path.join(HERE, target), "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))


def tiny_gradients():
    """One training step's loss, gradients and BN moving statistics of the tiny archive model
    (training=True: batch statistics), for the whole-model gradient check."""
    import keras, tensorflow as tf
    m = keras.saving.load_model(os.path.join(HERE, "tiny.keras"))
    x = fixed_input(2, 8, 1)
    labels = [1, 3]
    y = tf.one_hot(labels, 5)
    with tf.GradientTape() as tape:
        logits = m(x, training=True)
        loss = keras.losses.CategoricalCrossentropy(from_logits=True)(y, logits)
    grads = tape.gradient(loss, m.trainable_variables)
    out = {"labels": labels, "loss": float(loss), "gradients": {}, "state": {}}
    for v, g in zip(m.trainable_variables, grads):
        layer = v.path.split("/")[-2]
        out["gradients"][layer + "." + v.name] = floats(g.numpy())
    for v in m.non_trainable_variables:
        out["state"][v.path.split("/")[-2] + "." + v.name] = floats(v.numpy())
    write_json("tiny_gradients.json", out)


def keras_archive():
    """A tiny Keras 3 `.keras` archive (Conv2D, BN, Dense) and its outputs, for the zip reader."""
    import keras
    keras.utils.set_random_seed(3)
    m = keras.Sequential([keras.Input((8, 8, 1)),
                          keras.layers.Conv2D(4, 3, padding="same", name="c1"),
                          keras.layers.BatchNormalization(name="bn1"),
                          keras.layers.ReLU(name="r1"),
                          keras.layers.Conv2D(3, 3, strides=2, name="c2"),
                          keras.layers.GlobalAveragePooling2D(name="gap"),
                          keras.layers.Dense(5, name="d1")], name="tiny")
    quantized_weights(m, 11)
    m.save(os.path.join(HERE, "tiny.keras"))
    deflated_copy("tiny.keras", "tiny_deflated.keras")
    x = fixed_input(2, 8, 1)
    write_json("tiny_keras.json", {"output": floats(m(x, training=False).numpy())})


if __name__ == "__main__":
    what = sys.argv[1:] or ["metrics", "keras"]
    if "metrics" in what:
        metrics()
    if "gradients" in what:
        tiny_gradients()
    if "deflate" in what:
        deflated_copy("tiny.keras", "tiny_deflated.keras")
    if "keras" in what:
        keras_counts()
        mobilenet_parity()
        resnet_parity()
        keras_archive()
        tiny_gradients()
