"""PyTorch peer for Emotive's side-by-side benchmark (Benchmarks/compare.sh).

Times the workloads of issue 10 in PyTorch on CPU with a fixed thread count, in NCHW or
channels_last memory format, and prints one JSON line: images per second (median of the
timed repeats), the process's peak resident memory, and a loss for sanity. Run only from
compare.sh, never from tests.

The models equal Emotive's zoo (Sources/NeuralNetworks/Models):
- MobileNetV2: torchvision's `mobilenet_v2().features` (same layers and strides as Keras';
  torchvision pads stride-2 convolutions symmetrically where Keras pads bottom/right, which
  gives the same output sizes and FLOPs) + the report head.
- ResNet50: torchvision's `resnet50()` backbone changed to Keras' layout, as Emotive builds
  it: the stride of each stage's first block on its first 1x1 conv (torchvision's "V1.5"
  puts it on the 3x3), and a bias on every convolution; + the ResNet head.
- CBAM CNN: Emotive's `AttentionCNN` (3 stages of 2x [3x3 conv no bias, BN, ReLU], CBAM
  with reduction 16 and a 7x7 spatial conv without bias, 2x2 max pooling; GAP,
  Dense 128 ReLU, Dense 7).
"""
import argparse
import json
import os
import resource
import statistics
import sys
import time
import types


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--workload", required=True,
                   help="mobilenetv2-train-48, mobilenetv2-train-96, mobilenetv2-train-224, "
                        "resnet50-train-48, resnet50-train-96, resnet50frozen-train-48, "
                        "cbam-train-48, mobilenetv2-infer-48")
    p.add_argument("--memory-format", choices=["nchw", "channels_last"], default="nchw")
    p.add_argument("--steps", type=int, default=6)
    p.add_argument("--repeats", type=int, default=5)
    return p.parse_args()


def import_torchvision_models():
    """torchvision's model definitions, without its compiled ops.

    PyPI's Linux torchvision wheel is built against PyPI's CUDA torch; with the CPU-only
    torch wheel its C extension cannot load and `import torchvision` fails while
    registering `torchvision::nms`. The models are plain Python and need none of those
    ops, so the registration module is replaced by an empty one before the import.
    """
    sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import torchvision.models as models
    return models


def build(name, size, classes, torch, nn):
    if name == "mobilenetv2":
        models = import_torchvision_models()
        features = models.mobilenet_v2(weights=None).features
        return nn.Sequential(features, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.5),
                             nn.Linear(1280, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, classes)), 3
    if name in ("resnet50", "resnet50frozen"):
        models = import_torchvision_models()
        r = models.resnet50(weights=None)
        for stage in (r.layer2, r.layer3, r.layer4):
            first = stage[0]
            first.conv1.stride, first.conv2.stride = first.conv2.stride, (1, 1)
        for m in r.modules():
            if isinstance(m, nn.Conv2d) and m.bias is None:
                m.bias = nn.Parameter(torch.zeros(m.out_channels))
        backbone = nn.Sequential(r.conv1, r.bn1, r.relu, r.maxpool, r.layer1, r.layer2, r.layer3, r.layer4)
        if name == "resnet50frozen":
            # As Keras' `base.trainable = False` and Emotive's `isTrainable = false`: no
            # gradients, and batch norm uses its moving statistics (inference mode).
            for p in backbone.parameters():
                p.requires_grad_(False)
        head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2048, 1024), nn.ReLU(),
                             nn.Dropout(0.5), nn.Linear(1024, classes))
        return nn.Sequential(backbone, head), 3
    if name == "cbam":
        return cbam_cnn(nn, torch, classes), 1
    raise SystemExit(f"torch_peer: unknown workload model {name!r}")


def cbam_cnn(nn, torch, classes, filters=(32, 64, 128), dense=128):
    class CBAM(nn.Module):
        def __init__(self, c, reduction=16, kernel=7):
            super().__init__()
            hidden = max(1, c // reduction)
            self.mlp = nn.Sequential(nn.Linear(c, hidden), nn.ReLU(), nn.Linear(hidden, c))
            self.spatial = nn.Conv2d(2, 1, kernel, padding=kernel // 2, bias=False)

        def forward(self, x):
            n, c = x.shape[0], x.shape[1]
            gate = torch.sigmoid(self.mlp(x.mean(dim=(2, 3))) + self.mlp(x.amax(dim=(2, 3))))
            x = x * gate.view(n, c, 1, 1)
            maps = torch.cat([x.mean(dim=1, keepdim=True), x.amax(dim=1, keepdim=True)], dim=1)
            return x * torch.sigmoid(self.spatial(maps))

    layers, c = [], 1
    for f in filters:
        for _ in range(2):
            layers += [nn.Conv2d(c, f, 3, padding=1, bias=False), nn.BatchNorm2d(f), nn.ReLU()]
            c = f
        layers += [CBAM(f), nn.MaxPool2d(2)]
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, dense), nn.ReLU(), nn.Linear(dense, classes)]
    return nn.Sequential(*layers)


def main():
    args = parse_args()
    import torch
    import torch.nn as nn
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(1)

    try:
        name, mode, size = args.workload.rsplit("-", 2)
        size = int(size)
    except ValueError:
        raise SystemExit(f"torch_peer: workload must look like mobilenetv2-train-48, got {args.workload!r}")
    if mode not in ("train", "infer"):
        raise SystemExit(f"torch_peer: mode must be train or infer, got {mode!r}")
    batch = 256 if mode == "infer" else 32
    classes = 7
    model, channels = build(name, size, classes, torch, nn)
    fmt = torch.channels_last if args.memory_format == "channels_last" else torch.contiguous_format
    model = model.to(memory_format=fmt)

    g = torch.Generator().manual_seed(0)
    x = torch.rand(batch, channels, size, size, generator=g).contiguous(memory_format=fmt)
    y = torch.arange(batch) % classes
    losses = []
    if mode == "train":
        model.train()
        if name == "resnet50frozen":
            model[0].eval()
        params = [p for p in model.parameters() if p.requires_grad]
        optimizer = torch.optim.Adam(params, lr=1e-5, eps=1e-7)
        loss_fn = nn.CrossEntropyLoss()

        def step():
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    else:
        model.eval()

        def step():
            with torch.inference_mode():
                model(x)
    step()
    step()
    rates = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        for _ in range(args.steps):
            step()
        rates.append(batch * args.steps / (time.perf_counter() - start))
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"peer": f"torch-{args.memory_format}", "workload": args.workload, "threads": args.threads,
                      # Weights and batch-norm statistics, as Keras and Emotive count them.
                      "parameters": sum(t.numel() for t in list(model.parameters()) + list(model.buffers())
                                        if t.is_floating_point()),
                      "trainable_parameters": sum(p.numel() for p in model.parameters() if p.requires_grad),
                      "images_per_second": statistics.median(rates), "rates": rates,
                      "peak_rss_mib": peak_kib / 1024, "torch": torch.__version__,
                      "first_check": losses[0] if losses else None, "check": losses[-1] if losses else None}))


if __name__ == "__main__":
    main()
