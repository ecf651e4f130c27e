"""The PyTorch peer of bench/peers.bench.ts: the same work written as a PyTorch user would, float32.

Tasks (see _common.py for the protocol):
  step-W1, step-W2  one full-batch dropout-GD step with autograd: forward with tanh, a fresh dropout
                    multiplier row η = B/p per hidden layer per step (torch.rand(width) < p, divided
                    by p, shared by the batch), MSE R = 1/(2n) Σ‖f − y‖², loss.backward(), then
                    θ ← θ − ε∇ under torch.no_grad(). Training goes on across calls.
  hvp-W1            H·v of R_S (no dropout) at the initial θ by double backward:
                    g = grad(R, θ, create_graph=True); H·v = grad(g·v, θ).
  lanczos-W1        top-10 Hessian eigenpairs of R_S by Lanczos, 40 steps, full
                    reorthogonalisation (classical Gram–Schmidt twice, as dropout-sme does), the
                    tridiagonal T's eigenpairs (torch.linalg.eigh, float64) and the 10 Ritz vectors.
  mask64-W1         64 mask gradients ∇R_S^drop(θ; η_j), j < 64, at the initial θ, stacked 64 × D:
                    a Python loop over the masks, one forward and one torch.autograd.grad each —
                    how a PyTorch 1.13 user writes it (torch.func.vmap arrived in 2.0).
  gemm-1024         C = A·B, 1024³ float32 (torch.mm into a preallocated C); on CUDA also
                    gemm-4096.

Run by the bench as: python3 torch_peer.py DATA_DIR THREADS [DEVICE] (torch.set_num_threads(THREADS);
DEVICE 'cpu', the default, or 'cuda', for bench/peers-gpu.bench.ts: every tensor on the first CUDA
device and each timed call ended by torch.cuda.synchronize(); without a CUDA device the peer exits
before it is ready, saying so).
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import load, serve, unflatten  # noqa: E402


def main():
    directory, threads = sys.argv[1], int(sys.argv[2])
    device = sys.argv[3] if len(sys.argv) > 3 else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        sys.exit(f"torch {torch.__version__} has no CUDA device (torch.cuda.is_available() is False)")
    dev = torch.device(device)
    torch.set_num_threads(threads)
    torch.manual_seed(11)
    data = load(directory)
    meta = data["meta"]
    x, y = torch.from_numpy(data["x"]).to(dev), torch.from_numpy(data["y"]).to(dev)
    n = x.shape[0]
    keep, lr = meta["keep"], meta["lr"]
    tasks, checks = {}, {}

    def loss_fn(params, masks):
        h = x
        layers = len(params) // 2
        for l in range(layers):
            pre = h @ params[2 * l].T + params[2 * l + 1]
            if l == layers - 1:
                h = pre
                break
            h = torch.tanh(pre)
            if masks is not None:
                h = h * masks[l]
        return ((h - y) ** 2).sum() / (2 * n)

    def tensors(theta, sizes):
        return [torch.from_numpy(t).to(dev).requires_grad_() for wb in unflatten(theta, sizes) for t in wb]

    def draw(sizes):
        return [(torch.rand(width, device=dev) < keep).float() / keep for width in sizes[1:-1]]

    def flat(gs):
        return torch.cat([g.reshape(-1) for g in gs])

    for wid, sizes in meta["workloads"].items():
        theta = data["theta"][wid]
        p0 = tensors(theta, sizes)
        loss = loss_fn(p0, None)
        flat(torch.autograd.grad(loss, p0)).cpu().numpy().tofile(os.path.join(directory, f"grad-torch-{wid}.f32"))
        checks[wid] = {"loss": loss.item()}
        params = tensors(theta, sizes)

        def step(params=params, sizes=sizes):
            loss = loss_fn(params, draw(sizes))
            loss.backward()
            with torch.no_grad():
                for p in params:
                    p -= lr * p.grad
                    p.grad = None

        tasks[f"step-{wid}"] = step

    sizes1 = meta["workloads"]["W1"]
    p1 = tensors(data["theta"]["W1"], sizes1)
    v = torch.from_numpy(data["v"]).to(dev)
    shapes = [p.shape for p in p1]
    dim = sum(p.numel() for p in p1)

    def hvp(vec):
        g = torch.autograd.grad(loss_fn(p1, None), p1, create_graph=True)
        parts = torch.split(vec, [p.numel() for p in p1])
        gv = sum((gi * vi.reshape(s)).sum() for gi, vi, s in zip(g, parts, shapes))
        return flat(torch.autograd.grad(gv, p1))

    hv = hvp(v)
    hv.cpu().numpy().tofile(os.path.join(directory, "hvp-torch-W1.f32"))
    tasks["hvp-W1"] = lambda: hvp(v)

    last = {}

    def lanczos(k=10, steps=40):
        q = ((torch.rand(dim, device=dev) < 0.5).float() * 2 - 1) / dim ** 0.5
        basis = torch.zeros(steps, dim, device=dev)
        alpha, beta = [], []
        basis[0] = q
        for j in range(steps):
            w = hvp(basis[j])
            qj = basis[: j + 1]
            c = qj @ w
            w -= qj.T @ c
            c2 = qj @ w
            w -= qj.T @ c2
            alpha.append(c[j].item())
            b = w.norm().item()
            if j == steps - 1:
                break
            beta.append(b)
            basis[j + 1] = w / b
        t = torch.diag(torch.tensor(alpha, dtype=torch.float64))
        off = torch.tensor(beta, dtype=torch.float64)
        t += torch.diag(off, 1) + torch.diag(off, -1)
        vals, vecs = torch.linalg.eigh(t)
        top = torch.argsort(vals, descending=True)[:k]
        ritz = vecs[:, top].float().to(dev).T @ basis
        last["values"] = vals[top].tolist()
        return ritz

    tasks["lanczos-W1"] = lanczos

    def mask64(count=64):
        out = torch.empty(count, dim, device=dev)
        for j in range(count):
            loss = loss_fn(p1, draw(sizes1))
            out[j] = flat(torch.autograd.grad(loss, p1))
        return out

    tasks["mask64-W1"] = mask64

    def gemm(size):
        a = torch.rand(size, size, device=dev) - 0.5
        b = torch.rand(size, size, device=dev) - 0.5
        c = torch.empty(size, size, device=dev)
        return lambda: torch.mm(a, b, out=c)

    tasks["gemm-1024"] = gemm(1024)
    if device == "cuda":
        tasks["gemm-4096"] = gemm(4096)
    # A Lanczos run for the bench's check of λ₁ (same operator, another start vector).
    lanczos()

    serve({
        "ready": True,
        "peer": "pytorch",
        "version": torch.__version__,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "threads": torch.get_num_threads(),
        "device": f"cuda: {torch.cuda.get_device_name(0)}" if device == "cuda" else "cpu",
        "checks": {**checks, "lanczos-W1": {"values": last["values"]}},
        "tasks": sorted(tasks),
        "skipped": {},
    }, tasks, torch.cuda.synchronize if device == "cuda" else None)


if __name__ == "__main__":
    main()
