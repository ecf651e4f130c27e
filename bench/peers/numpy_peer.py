"""The numpy peer of bench/peers.bench.ts: the same work written as a numpy user would, float32.

Tasks (see _common.py for the protocol):
  step-W1, step-W2  one full-batch dropout-GD step: forward with tanh, a fresh dropout multiplier
                    row η = B/p (B ~ Bernoulli(p), one row per hidden layer per step, shared by the
                    batch, as dropout-sme's default), MSE R = 1/(2n) Σ‖f − y‖² on one-hot targets,
                    hand-written backpropagation, θ ← θ − ε∇. Training goes on across calls.
  gemm-1024         C = A·B, 1024³ float32 (np.matmul into a preallocated C).
There is no HVP, Lanczos or mask-gradient task: numpy has no automatic differentiation, and a
hand-derived R-operator is not what a numpy user would write (the PyTorch peer covers those).

Run by the bench as: python3 numpy_peer.py DATA_DIR THREADS (threads via OPENBLAS_NUM_THREADS,
set by the bench before numpy loads).
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import flatten, load, serve, unflatten  # noqa: E402


def forward_backward(layers, x, y, masks):
    """R_S^drop (or R_S with masks None) and its gradient [(dW, db)], float32 throughout."""
    n = x.shape[0]
    inputs, acts = [x], []
    h = x
    for l, (w, b) in enumerate(layers):
        pre = h @ w.T
        pre += b
        if l == len(layers) - 1:
            out = pre
            break
        a = np.tanh(pre)
        acts.append(a)
        h = a * masks[l] if masks is not None else a
        inputs.append(h)
    d = out - y
    loss = float(np.vdot(d, d)) / (2 * n)
    d /= np.float32(n)
    grads = [None] * len(layers)
    for l in range(len(layers) - 1, -1, -1):
        w, _ = layers[l]
        grads[l] = (d.T @ inputs[l], d.sum(axis=0))
        if l == 0:
            break
        g = d @ w
        if masks is not None:
            g *= masks[l - 1]
        a = acts[l - 1]
        g *= 1 - a * a
        d = g
    return loss, grads


def main():
    directory, threads = sys.argv[1], int(sys.argv[2])
    data = load(directory)
    meta = data["meta"]
    x, y = data["x"], data["y"]
    keep, lr = np.float32(meta["keep"]), np.float32(meta["lr"])
    rng = np.random.default_rng(11)
    tasks, checks = {}, {}

    for wid, sizes in meta["workloads"].items():
        theta = data["theta"][wid]
        # Same function as dropout-sme: R_S and ∇R_S without dropout at the initial θ.
        loss, grads = forward_backward(unflatten(theta, sizes), x, y, None)
        flatten(grads).tofile(os.path.join(directory, f"grad-numpy-{wid}.f32"))
        checks[wid] = {"loss": loss}
        layers = unflatten(theta, sizes)

        def step(layers=layers, sizes=sizes):
            masks = [(rng.random(width, dtype=np.float32) < keep).astype(np.float32) / keep for width in sizes[1:-1]]
            _, grads = forward_backward(layers, x, y, masks)
            for (w, b), (gw, gb) in zip(layers, grads):
                w -= lr * gw
                b -= lr * gb

        tasks[f"step-{wid}"] = step

    a = rng.random((1024, 1024), dtype=np.float32) - 0.5
    b = rng.random((1024, 1024), dtype=np.float32) - 0.5
    c = np.empty((1024, 1024), dtype=np.float32)
    tasks["gemm-1024"] = lambda: np.matmul(a, b, out=c)

    serve({
        "ready": True,
        "peer": "numpy",
        "version": np.__version__,
        "python": sys.version.split()[0],
        "threads": threads,
        "checks": checks,
        "tasks": sorted(tasks),
        "skipped": {t: "numpy has no automatic differentiation (a hand-derived HVP is not what a numpy user writes)" for t in ["hvp-W1", "lanczos-W1", "mask64-W1"]},
    }, tasks)


if __name__ == "__main__":
    main()
