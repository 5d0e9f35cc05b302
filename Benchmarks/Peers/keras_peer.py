"""Keras peer for Emotive's side-by-side benchmark (Benchmarks/compare.sh).

Times the workloads of issue 10 in TensorFlow/Keras on CPU with a fixed thread count and
prints one JSON line per workload: images per second (median of the timed repeats) and
the process's peak resident memory. Run only from compare.sh, never from tests.
"""
import argparse
import json
import os
import resource
import statistics
import time


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--workload", required=True,
                   help="mobilenetv2-train-48, mobilenetv2-train-96, mobilenetv2-train-224, "
                        "resnet50-train-48, resnet50-train-96, resnet50frozen-train-48, "
                        "cbam-train-48, mobilenetv2-infer-48")
    p.add_argument("--steps", type=int, default=6)
    p.add_argument("--repeats", type=int, default=5)
    return p.parse_args()


def main():
    args = parse_args()
    os.environ["TF_NUM_INTRAOP_THREADS"] = str(args.threads)
    os.environ["TF_NUM_INTEROP_THREADS"] = "1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import numpy as np
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    keras = tf.keras
    layers = keras.layers

    try:
        name, mode, size = args.workload.rsplit("-", 2)
        size = int(size)
    except ValueError:
        raise SystemExit(f"keras_peer: workload must look like mobilenetv2-train-48, got {args.workload!r}")
    if mode not in ("train", "infer"):
        raise SystemExit(f"keras_peer: mode must be train or infer, got {mode!r}")
    batch = 256 if mode == "infer" else 32
    classes = 7

    def report_head(base, dense, dropout_before=True):
        x = layers.GlobalAveragePooling2D()(base.output)
        if dropout_before:
            x = layers.Dropout(0.5)(x)
        x = layers.Dense(dense, activation="relu")(x)
        x = layers.Dropout(0.5)(x)
        out = layers.Dense(classes, activation="softmax")(x)
        return keras.Model(base.input, out)

    if name == "mobilenetv2":
        base = keras.applications.MobileNetV2(input_shape=(size, size, 3), include_top=False,
                                              weights=None)
        model = report_head(base, 128)
        channels = 3
    elif name in ("resnet50", "resnet50frozen"):
        # resnet50: everything trains (issue 10's figures); resnet50frozen: the report's
        # recipe, a frozen base (its batch norms then use their moving statistics).
        base = keras.applications.ResNet50(input_shape=(size, size, 3), include_top=False,
                                           weights=None)
        base.trainable = name == "resnet50"
        model = report_head(base, 1024, dropout_before=False)
        channels = 3
    elif name == "cbam":
        model = cbam_cnn(keras, layers, size, classes)
        channels = 1
    else:
        raise SystemExit(f"keras_peer: unknown workload {args.workload!r}")

    rng = np.random.default_rng(0)
    x = rng.random((batch, size, size, channels), dtype=np.float32)
    y = keras.utils.to_categorical(rng.integers(0, classes, batch), classes)
    if mode == "train":
        model.compile(optimizer=keras.optimizers.Adam(1e-5), loss="categorical_crossentropy")
        losses = []

        def step():
            out = model.train_on_batch(x, y)
            losses.append(float(out[0] if isinstance(out, (list, tuple)) else out))
    else:
        losses = []
        fn = tf.function(lambda t: model(t, training=False))
        step = lambda: fn(x).numpy()
    step()
    step()
    rates = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        for _ in range(args.steps):
            step()
        rates.append(batch * args.steps / (time.perf_counter() - start))
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"peer": "keras", "workload": args.workload, "threads": args.threads,
                      "parameters": int(model.count_params()),
                      "trainable_parameters": int(sum(np.prod(w.shape) for w in model.trainable_weights)),
                      "images_per_second": statistics.median(rates), "rates": rates,
                      "peak_rss_mib": peak_kib / 1024, "tensorflow": tf.__version__,
                      "first_check": losses[0] if losses else None,
                      "check": losses[-1] if losses else None}))


def cbam_cnn(keras, layers, size, classes):
    """The CBAM attention CNN Emotive's zoo builds (same filters, same blocks; the 7x7
    spatial conv has no bias, as in Emotive's CBAM)."""
    import tensorflow as tf

    def cbam(x, ratio=16):
        c = x.shape[-1]
        dense1 = layers.Dense(max(c // ratio, 1), activation="relu")
        dense2 = layers.Dense(c)
        avg = dense2(dense1(layers.GlobalAveragePooling2D()(x)))
        mx = dense2(dense1(layers.GlobalMaxPooling2D()(x)))
        gate = layers.Activation("sigmoid")(layers.Add()([avg, mx]))
        x = layers.Multiply()([x, layers.Reshape((1, 1, c))(gate)])
        avg_map = layers.Lambda(lambda t: tf.reduce_mean(t, axis=-1, keepdims=True))(x)
        max_map = layers.Lambda(lambda t: tf.reduce_max(t, axis=-1, keepdims=True))(x)
        s = layers.Concatenate()([avg_map, max_map])
        s = layers.Conv2D(1, 7, padding="same", activation="sigmoid", use_bias=False)(s)
        return layers.Multiply()([x, s])

    inputs = keras.Input((size, size, 1))
    x = inputs
    for filters in (32, 64, 128):
        for _ in range(2):
            x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
            x = layers.BatchNormalization()(x)
            x = layers.ReLU()(x)
        x = cbam(x)
        x = layers.MaxPooling2D()(x)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(128, activation="relu")(x)
    outputs = layers.Dense(classes, activation="softmax")(x)
    return keras.Model(inputs, outputs)


if __name__ == "__main__":
    main()
