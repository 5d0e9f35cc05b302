#!/usr/bin/env python3
"""Writes tensor_fixtures.json: reference values from TensorFlow/Keras for the Tensors tests.

Run with the fixture venv:  /work/venv/bin/python make_tensor_fixtures.py
Inputs come from a seeded NumPy generator and are stored with the outputs, so the Swift
tests never need Python. Layouts as in Tensors: NHWC, conv filters HWIO, depthwise
[KH, KW, C, 1]. Gradients are taken with tf.GradientTape against a fixed upstream
gradient `dy` (the gradient of sum(dy * y)).
"""
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(2013)


def arr(shape, lo=-1.0, hi=1.0):
    return rng.uniform(lo, hi, size=shape).astype(np.float32)


def enc(t):
    a = np.asarray(t, dtype=np.float32)
    return {"shape": list(a.shape), "data": [float(f"{v:.7g}") for v in a.reshape(-1)]}


cases = []


def conv_case(name, x_shape, k, out_ch, strides, padding):
    x = arr(x_shape)
    w = arr((k[0], k[1], x_shape[3], out_ch))
    xv, wv = tf.Variable(x), tf.Variable(w)
    with tf.GradientTape() as tape:
        y = tf.nn.conv2d(xv, wv, strides=[1, strides[0], strides[1], 1], padding=padding)
        dy = arr(y.shape)
        obj = tf.reduce_sum(y * dy)
    dx, dw = tape.gradient(obj, [xv, wv])
    cases.append({"name": name, "op": "conv2d", "strides": list(strides), "padding": padding,
                  "inputs": {"x": enc(x), "w": enc(w), "dy": enc(dy)},
                  "outputs": {"y": enc(y), "dx": enc(dx), "dw": enc(dw)}})


def depthwise_case(name, x_shape, k, strides, padding):
    x = arr(x_shape)
    w = arr((k[0], k[1], x_shape[3], 1))
    xv, wv = tf.Variable(x), tf.Variable(w)
    with tf.GradientTape() as tape:
        y = tf.nn.depthwise_conv2d(xv, wv, strides=[1, strides[0], strides[1], 1], padding=padding)
        dy = arr(y.shape)
        obj = tf.reduce_sum(y * dy)
    dx, dw = tape.gradient(obj, [xv, wv])
    cases.append({"name": name, "op": "depthwiseConv2d", "strides": list(strides), "padding": padding,
                  "inputs": {"x": enc(x), "w": enc(w), "dy": enc(dy)},
                  "outputs": {"y": enc(y), "dx": enc(dx), "dw": enc(dw)}})


def pool_case(name, kind, x_shape, size, strides, padding):
    x = arr(x_shape)
    xv = tf.Variable(x)
    with tf.GradientTape() as tape:
        f = tf.nn.max_pool2d if kind == "max" else tf.nn.avg_pool2d
        y = f(xv, ksize=list(size), strides=list(strides), padding=padding)
        dy = arr(y.shape)
        obj = tf.reduce_sum(y * dy)
    dx = tape.gradient(obj, xv)
    cases.append({"name": name, "op": kind + "Pool2d", "size": list(size), "strides": list(strides),
                  "padding": padding, "inputs": {"x": enc(x), "dy": enc(dy)},
                  "outputs": {"y": enc(y), "dx": enc(dx)}})


# Convolutions: TF SAME with stride 2 on even input (pads bottom/right), odd sizes, 1x1.
conv_case("conv 3x3 stride 2 same, even input", (2, 6, 6, 3), (3, 3), 4, (2, 2), "SAME")
conv_case("conv 3x3 stride 1 same, odd input", (1, 5, 7, 2), (3, 3), 3, (1, 1), "SAME")
conv_case("conv 3x2 stride (2, 1) valid", (2, 7, 6, 2), (3, 2), 3, (2, 1), "VALID")
conv_case("conv 1x1 stride 2 same", (2, 5, 5, 4), (1, 1), 3, (2, 2), "SAME")
conv_case("conv 7x7 stride 2 same", (1, 9, 9, 2), (7, 7), 2, (2, 2), "SAME")
depthwise_case("depthwise 3x3 stride 2 same, even input", (2, 6, 6, 4), (3, 3), (2, 2), "SAME")
depthwise_case("depthwise 3x3 stride 1 valid, odd input", (1, 7, 5, 3), (3, 3), (1, 1), "VALID")
depthwise_case("depthwise 3x3 stride 1 same", (2, 5, 5, 3), (3, 3), (1, 1), "SAME")
pool_case("max pool 3x3 stride 2 same", "max", (2, 6, 6, 3), (3, 3), (2, 2), "SAME")
pool_case("max pool 2x2 stride 2 valid, odd input", "max", (1, 5, 7, 2), (2, 2), (2, 2), "VALID")
pool_case("avg pool 3x3 stride 2 same (excludes padding)", "avg", (2, 6, 6, 3), (3, 3), (2, 2), "SAME")
pool_case("avg pool 2x2 stride 1 valid", "avg", (1, 4, 5, 2), (2, 2), (1, 1), "VALID")

# Keras BatchNormalization in training mode: output, gradients, and moving statistics
# after one step (momentum 0.99, epsilon 1e-3, moving mean 0 and variance 1 initially).
x = arr((3, 4, 4, 5), -2, 3)
gamma, beta = arr((5,), 0.5, 1.5), arr((5,))
bn = tf.keras.layers.BatchNormalization(momentum=0.99, epsilon=1e-3)
bn.build(x.shape)
bn.gamma.assign(gamma)
bn.beta.assign(beta)
xv = tf.Variable(x)
with tf.GradientTape() as tape:
    y = bn(xv, training=True)
    dy = arr(y.shape)
    obj = tf.reduce_sum(y * dy)
dx, dgamma, dbeta = tape.gradient(obj, [xv, bn.gamma, bn.beta])
cases.append({"name": "keras batch norm, training", "op": "batchNormTraining",
              "momentum": 0.99, "epsilon": 1e-3,
              "inputs": {"x": enc(x), "gamma": enc(gamma), "beta": enc(beta), "dy": enc(dy)},
              "outputs": {"y": enc(y), "dx": enc(dx), "dgamma": enc(dgamma), "dbeta": enc(dbeta),
                          "moving_mean": enc(bn.moving_mean), "moving_variance": enc(bn.moving_variance)}})
y_inf = bn(x, training=False)
cases.append({"name": "keras batch norm, inference with moving statistics", "op": "batchNormInference",
              "epsilon": 1e-3,
              "inputs": {"x": enc(x), "gamma": enc(gamma), "beta": enc(beta),
                         "mean": enc(bn.moving_mean), "variance": enc(bn.moving_variance)},
              "outputs": {"y": enc(y_inf)}})

# Keras categorical cross-entropy from logits with per-sample (class) weights:
# reduction sum_over_batch_size = sum(w_i * CE_i) / N.
logits = arr((6, 7), -3, 3)
labels = np.eye(7, dtype=np.float32)[[0, 3, 6, 1, 3, 4]]
weights = np.array([1.0, 0.5, 2.0, 9.4, 0.5, 1.2], dtype=np.float32)
lv = tf.Variable(logits)
loss_fn = tf.keras.losses.CategoricalCrossentropy(from_logits=True)
with tf.GradientTape() as tape:
    loss = loss_fn(labels, lv, sample_weight=weights)
dlogits = tape.gradient(loss, lv)
cases.append({"name": "keras categorical cross-entropy with sample weights", "op": "softmaxCrossEntropy",
              "inputs": {"logits": enc(logits), "labels": enc(labels), "weights": enc(weights)},
              "outputs": {"loss": enc(loss), "dlogits": enc(dlogits)}})

# tf.image.resize bilinear (half-pixel centres), up and down.
img = arr((2, 5, 4, 3))
for h, w in [(8, 7), (3, 2)]:
    cases.append({"name": f"bilinear resize 5x4 to {h}x{w}", "op": "resizeBilinear", "size": [h, w],
                  "inputs": {"x": enc(img)},
                  "outputs": {"y": enc(tf.image.resize(img, (h, w), method="bilinear"))}})

# Activations and softmax.
z = arr((3, 6), -7, 7)
cases.append({"name": "activations", "op": "activations", "inputs": {"x": enc(z)},
              "outputs": {"relu6": enc(tf.nn.relu6(z)), "sigmoid": enc(tf.sigmoid(z)),
                          "tanh": enc(tf.tanh(z)), "softmax": enc(tf.nn.softmax(z)),
                          "log_softmax": enc(tf.nn.log_softmax(z))}})

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "tensor_fixtures.json"), "w") as f:
    json.dump({"generator": "make_tensor_fixtures.py", "tensorflow": tf.__version__, "cases": cases},
              f, separators=(",", ":"))
print(f"wrote {len(cases)} cases")
