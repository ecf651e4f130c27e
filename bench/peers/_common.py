"""What both Python peers share: the data the bench hands over, and the line protocol.

The bench (bench/peers.bench.ts) writes, into the directory given as the first argument:
  meta.json   {"n", "in_dim", "out_dim", "keep", "lr", "workloads": {"W1": [784, 50, 50, 10], ...}}
  x.f32       n × in_dim float32, row-major (the 10,000 embedded MNIST digits, p / 255)
  y.f32       n × out_dim float32 one-hot targets
  theta-W1.f32, theta-W2.f32   dropout-sme's initial θ in its flat layout: per layer
              W (out × in, row-major), then b (out)
  v-W1.f32    the HVP direction (Rademacher / √D, dropout-sme's rademacher(D, 1, 0x6e7c, 0))

A peer prints one JSON line {"ready": ...} with its versions, threads and checks, then answers
each request line {"task": NAME, "reps": R} with {"ms": [R times in ms]} (or {"error": ...}).
It times its own calls (time.perf_counter around each, after the GPU's queue has drained where
there is one), so the pipe's latency is not counted.
"""
import json
import os
import sys
import time

import numpy as np


def load(directory):
    with open(os.path.join(directory, "meta.json")) as f:
        meta = json.load(f)
    n, din, dout = meta["n"], meta["in_dim"], meta["out_dim"]

    def read(name, shape):
        return np.fromfile(os.path.join(directory, name), dtype=np.float32).reshape(shape)

    data = {
        "meta": meta,
        "x": read("x.f32", (n, din)),
        "y": read("y.f32", (n, dout)),
        "theta": {w: read(f"theta-{w}.f32", (-1,)) for w in meta["workloads"]},
        "v": read("v-W1.f32", (-1,)),
    }
    return data


def unflatten(theta, sizes):
    """dropout-sme's flat θ → [(W out×in, b out)] (views on copies, so updates do not alias θ)."""
    layers, o = [], 0
    for din, dout in zip(sizes[:-1], sizes[1:]):
        w = theta[o:o + din * dout].reshape(dout, din).copy()
        o += din * dout
        b = theta[o:o + dout].copy()
        o += dout
        layers.append((w, b))
    return layers


def flatten(grads):
    return np.concatenate([np.concatenate([gw.reshape(-1), gb.reshape(-1)]) for gw, gb in grads]).astype(np.float32)


def serve(ready, tasks, sync=None):
    """Prints `ready`, then runs requests until stdin closes; `sync` (if any) ends each timed call
    (a GPU's queued work: torch.cuda.synchronize)."""
    print(json.dumps(ready), flush=True)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        req = json.loads(line)
        fn = tasks.get(req.get("task"))
        if fn is None:
            print(json.dumps({"error": f"unknown task {req.get('task')}"}), flush=True)
            continue
        times = []
        try:
            for _ in range(int(req.get("reps", 1))):
                t0 = time.perf_counter()
                fn()
                if sync is not None:
                    sync()
                times.append((time.perf_counter() - t0) * 1000)
        except Exception as err:  # reported to the bench, which says so and goes on
            print(json.dumps({"error": f"{type(err).__name__}: {err}"}), flush=True)
            continue
        print(json.dumps({"ms": times}), flush=True)
