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
                                 precision_recall_fscore_support)
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
            # scikit-learn refuses classes absent from y (so does Emotive): null then.
            "balancedWeights": (compute_class_weight("balanced", classes=np.arange(7), y=y_true).tolist()
                                if absent is None else None),
        })
    write_json("metrics.json", {"sklearn": sklearn.__version__, "cases": cases})


if __name__ == "__main__":
    what = sys.argv[1:] or ["metrics", "keras"]
    if "metrics" in what:
        metrics()
    if "keras" in what:
        import keras_fixtures  # noqa: F401  (added below once the models exist)
