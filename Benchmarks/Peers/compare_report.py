"""Turns compare.sh's results (one JSON line per process) into the Markdown tables of
BENCHMARKS.md's "Side by side with PyTorch and Keras". Standard library only.

    python3 Benchmarks/Peers/compare_report.py results.jsonl [--machine machine.txt]
"""
import argparse
import json
import statistics
import sys

PEERS = ["emotive", "torch-nchw", "torch-channels_last", "keras"]
OTHERS = PEERS[1:]
TITLES = {
    "mobilenetv2-train-48": "MobileNetV2 + report head, train 48×48×3",
    "mobilenetv2-train-96": "MobileNetV2 + report head, train 96×96×3",
    "mobilenetv2-train-224": "MobileNetV2 + report head, train 224×224×3",
    "resnet50-train-48": "ResNet50 (all trainable) + head, train 48×48×3",
    "resnet50-train-96": "ResNet50 (all trainable) + head, train 96×96×3",
    "resnet50frozen-train-48": "ResNet50 (frozen base) + head, train 48×48×3",
    "cbam-train-48": "CBAM CNN, train 48×48×1",
    "mobilenetv2-infer-48": "MobileNetV2 + head, inference 48×48×3, batch 256",
}
# Relative difference allowed between Emotive's losses with the environment's OpenBLAS
# setting and with its variables unset (different kernels round differently; a few
# training steps carry float32 rounding differences of ~1e-6 relative at most).
TOLERANCE = 1e-3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--machine")
    args = ap.parse_args()
    rows = [json.loads(line) for line in open(args.results) if line.strip()]
    ok = [r for r in rows if not r.get("failed")]
    failed = [r for r in rows if r.get("failed")]

    def values(workload, peer, setting, key):
        return [r[key] for r in ok if r["workload"] == workload and r["peer"] == peer
                and r.get("setting", "env") == setting and r.get(key) is not None]

    def med(workload, peer, setting="env", key="images_per_second"):
        v = values(workload, peer, setting, key)
        return statistics.median(v) if v else None

    settings = ["env"] + (["unset"] if any(r.get("setting") == "unset" for r in rows) else [])
    workloads = [w for w in TITLES if any(r["workload"] == w for r in rows)]
    rounds = max((r.get("round", 1) for r in rows), default=0)
    loads = [r["load"] for r in rows if "load" in r]

    env_unset = False
    if args.machine:
        for line in open(args.machine):
            print(f"- {line.strip()}")
            env_unset = env_unset or "OPENBLAS_CORETYPE=<unset> OPENBLAS_L2_SIZE=<unset>" in line
    if env_unset and "unset" in settings:
        print("- note: this environment sets neither OpenBLAS variable, so the \"unset\" pass runs the same "
              "configuration again: its differences from the first pass are the machine's noise")
    print(f"- rounds: {rounds}; 1-minute load average at the start of each process: "
          f"{min(loads):.2f}–{max(loads):.2f} (median {statistics.median(loads):.2f})" if loads else "")
    sgemm = {s: med("sgemm", "emotive", s, "gflops") for s in settings}
    for s in settings:
        cores = sorted({r.get("openblas_core", "?") for r in ok if r["workload"] == "sgemm" and r.get("setting") == s})
        label = "environment's OpenBLAS setting" if s == "env" else "OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset"
        if sgemm[s] is not None:
            print(f"- sgemm 1024³ ({label}, OpenBLAS core {', '.join(cores)}): "
                  f"{sgemm[s]:.1f} GFLOP/s median of the rounds")
    print()
    print("Images per second, median over rounds (each process: median of its timed repeats).")
    print()
    print("| workload | Emotive | PyTorch NCHW | PyTorch channels_last | Keras | Emotive / fastest peer "
          "| peak RSS MiB (Emotive / NCHW / channels_last / Keras) | Emotive GFLOP/s (% of sgemm) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |")

    def fmt(v, digits=1):
        return "—" if v is None else f"{v:,.{digits}f}"

    for w in workloads:
        best = max((v for v in (med(w, p) for p in OTHERS) if v is not None), default=None)
        for s in settings:
            e = med(w, "emotive", s)
            if s == "env":
                cells = [fmt(med(w, p)) for p in PEERS]
                rss = " / ".join(fmt(max(values(w, p, "env", "peak_rss_mib"), default=None), 0) for p in PEERS)
                title = TITLES[w]
            else:
                cells = [fmt(e), "″", "″", "″"]
                rss = fmt(max(values(w, "emotive", s, "peak_rss_mib"), default=None), 0) + " / ″"
                title = "… same, OpenBLAS variables unset (Emotive only)"
            ratio = fmt(e / best, 2) if e and best else "—"
            g = med(w, "emotive", s, "gflops")
            share = f" ({100 * g / sgemm[s]:.0f}%)" if g and sgemm.get(s) else ""
            print(f"| {title} | " + " | ".join(cells) + f" | {ratio} | {rss} | {fmt(g)}{share} |")
    print()

    # Spread: every round's figure.
    print("Every round (images/s; the spread shows how much the shared machine moved):")
    print()
    print("| workload | peer | " + " | ".join(f"round {i}" for i in range(1, rounds + 1)) + " |")
    print("| --- | --- |" + " ---: |" * rounds)
    for w in workloads:
        for s in settings:
            for p in PEERS if s == "env" else ["emotive"]:
                by_round = {r.get("round"): r for r in rows if r["workload"] == w and r["peer"] == p
                            and r.get("setting", "env") == s}
                if not by_round:
                    continue
                cells = []
                for i in range(1, rounds + 1):
                    r = by_round.get(i)
                    cells.append("failed" if r and r.get("failed") else fmt(r.get("images_per_second") if r else None))
                label = p + (" (unset)" if s == "unset" else "")
                print(f"| {w} | {label} | " + " | ".join(cells) + " |")
    print()

    flops = {w: med(w, "emotive", "env", "flops_per_image") for w in workloads}
    print("FLOPs per image (Emotive's count, see Benchmarks/PeerWorkloads.swift): "
          + "; ".join(f"{w} {flops[w] / 1e9:.3g} G" for w in workloads if flops[w]))
    print()

    if "unset" in settings:
        worst, compared = 0.0, 0
        for w in workloads:
            for i in range(1, rounds + 1):
                pair = {}
                for r in ok:
                    if r["workload"] == w and r["peer"] == "emotive" and r.get("round") == i:
                        pair[r.get("setting")] = r
                if len(pair) < 2:
                    continue
                for key in ("first_check", "check"):
                    a, b = pair["env"].get(key), pair["unset"].get(key)
                    if a is None or b is None:
                        continue
                    d = abs(a - b) / max(abs(a), abs(b), 1e-30)
                    worst = max(worst, d)
                    compared += 1
        verdict = "agree" if worst <= TOLERANCE else "DISAGREE"
        print(f"Numerical check: Emotive's losses (training) and mean |logit| (inference) with the "
              f"environment's OpenBLAS setting and with its variables unset {verdict}: largest relative "
              f"difference {worst:.2e} over {compared} pairs (tolerance {TOLERANCE:g}).")
        print()
        if worst > TOLERANCE:
            print("compare.sh: results differ between the OpenBLAS settings beyond float32 rounding",
                  file=sys.stderr)
    if failed:
        print("Failed processes: " + "; ".join(f"{r['peer']} {r['workload']} round {r.get('round')} "
                                               f"({r.get('log')})" for r in failed))
        sys.exit(1)


if __name__ == "__main__":
    main()
