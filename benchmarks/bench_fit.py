"""Training benchmark: one update of ``rnnlib.fit`` against the same update in PyTorch.

At the sizes the chapters train (ARCHITECTURE.md, "Speed"), one Adam update of
rnnlib (forward, fused loss and gradient, BPTT, Adam in place) is timed
against the same update written with PyTorch CPU (``nn.RNN`` + ``nn.Linear``,
the same loss, ``torch.optim.Adam``), both on one thread, float64, from the
same weights and data. Three rnnlib variants are timed:

* reproducible      the default: the portable orders (``rnnlib.portable``), compiled,
                    which produce the book's numbers;
* reproducible x S  S networks of that size trained side by side by one ``fit`` call
                    (as the chapters do for seeds), time per network;
* fast       ``reproducible=False``: BLAS products and numpy's tanh.

Before timing, the weights of rnnlib and PyTorch after 5 updates are compared
(they must agree to 1e-9 relative): the two compute the same thing. Timings
are interleaved, and medians of repeats are reported.

    python benchmarks/bench_fit.py            # writes benchmarks/results_fit.md
    python benchmarks/bench_fit.py --quick    # few repeats, prints only
"""

import argparse
import copy
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

import rnnlib

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_rnn: hence noqa: E402
from bench_rnn import git_commit, import_torch, time_interleaved, when_and_where, write_report  # noqa: E402

HERE = Path(__file__).resolve().parent
# (chapter, T, N, I, H, O, loss, S): the sizes of the chapters' training runs
CASES = [
    ("03 input view", 20, 64, 1, 8, 1, "bce", 15),
    ("05 BPTT", 40, 32, 1, 16, 1, "mse", 3),
    ("06 letters", 30, 100, 6, 20, 6, "bce", 3),
    ("07 sunspots", 200, 1, 1, 8, 1, "mse", 5),
    ("08 characters", 32, 32, 40, 64, 40, "cross_entropy", 3),
]
LR = 0.01


def make_case(T, N, n_in, H, n_out, loss, seed=0):
    """A network and data for one case: (net, X, target)."""
    rng = np.random.default_rng(seed)
    net = rnnlib.ElmanRNN(n_in, H, n_out, seed=seed)
    X = rng.standard_normal((T, N, n_in))
    if loss == "bce":
        target = rng.integers(0, 2, (T, N, n_out)).astype(float)
    elif loss == "mse":
        target = rng.standard_normal((T, N, n_out))
    else:
        target = rng.integers(0, n_out, (T, N))
    return net, X, target


def rnnlib_updates(nets, X, target, loss, updates):
    """``updates`` full-batch Adam updates of ``fit`` (one network or a list side by side)."""
    rnnlib.fit(
        nets, X, target, loss=loss, optimizer=rnnlib.Adam(lr=LR), epochs=updates, verbose=False
    )


class TorchTrainer:
    """The same training update in PyTorch: nn.RNN + nn.Linear, the same loss, Adam."""

    def __init__(self, torch, net, X, target, loss):
        self.torch, self.loss = torch, loss
        self.rnn = torch.nn.RNN(net.n_in, net.n_hidden, nonlinearity="tanh", dtype=torch.float64)
        self.lin = torch.nn.Linear(net.n_hidden, net.n_out, dtype=torch.float64)
        with torch.no_grad():
            self.rnn.weight_ih_l0.copy_(torch.from_numpy(net.W))
            self.rnn.weight_hh_l0.copy_(torch.from_numpy(net.D))
            self.rnn.bias_ih_l0.copy_(torch.from_numpy(net.B))
            self.rnn.bias_hh_l0.zero_()
            self.rnn.bias_hh_l0.requires_grad_(False)
            self.lin.weight.copy_(torch.from_numpy(net.V))
            self.lin.bias.copy_(torch.from_numpy(net.c))
        self.params = [
            self.rnn.weight_ih_l0,
            self.rnn.weight_hh_l0,
            self.rnn.bias_ih_l0,
            self.lin.weight,
            self.lin.bias,
        ]
        self.opt = torch.optim.Adam(self.params, lr=LR)
        self.X = torch.from_numpy(X)
        self.target = torch.from_numpy(np.asarray(target))

    def update(self):
        torch = self.torch
        self.opt.zero_grad(set_to_none=True)
        out, _ = self.rnn(self.X)
        Y = self.lin(out)
        if self.loss == "bce":
            value = torch.nn.functional.binary_cross_entropy_with_logits(Y, self.target)
        elif self.loss == "mse":
            value = ((Y - self.target) ** 2).mean()
        else:
            value = torch.nn.functional.cross_entropy(
                Y.reshape(-1, Y.shape[-1]), self.target.reshape(-1)
            )
        value.backward()
        self.opt.step()

    def weights(self):
        return [p.detach().numpy() for p in self.params]


def crosscheck(torch, case, updates=5):
    """Largest relative difference of the weights of rnnlib and PyTorch after ``updates``
    updates."""
    _, T, N, n_in, H, n_out, loss, _ = case
    net, X, target = make_case(T, N, n_in, H, n_out, loss)
    tt = TorchTrainer(torch, net, X, target, loss)
    for _ in range(updates):
        tt.update()
    rnnlib_updates(net, X, target, loss, updates)
    ours = [net.W, net.D, net.B, net.V, net.c]
    return max(
        float(np.max(np.abs(a - b)) / np.max(np.abs(b)))
        for a, b in zip(ours, tt.weights(), strict=True)
    )


def bench(torch, case, repeats, updates):
    """Median seconds per update of each variant (and per network for the side-by-side one)."""
    name, T, N, n_in, H, n_out, loss, S = case
    net, X, target = make_case(T, N, n_in, H, n_out, loss)
    fast = copy.copy(net)
    fast.reproducible = False
    many = [make_case(T, N, n_in, H, n_out, loss, seed=s)[0] for s in range(S)]
    fns = {
        "reproducible": lambda: rnnlib_updates(copy.copy(net), X, target, loss, updates),
        f"reproducible x{S}": lambda: rnnlib_updates(
            [copy.copy(m) for m in many], X, target, loss, updates
        ),
        "fast": lambda: rnnlib_updates(copy.copy(fast), X, target, loss, updates),
    }
    if torch is not None:
        tt = TorchTrainer(torch, net, X, target, loss)
        fns["torch"] = lambda: [tt.update() for _ in range(updates)]
    med = time_interleaved(fns, repeats, warmup=1)
    med[f"reproducible x{S}"] /= S
    return {k: v / updates for k, v in med.items()}


def update_macs(T, N, n_in, H, n_out):
    """Multiply-adds of one update of the basic RNN (chapters 02 and 05), per step and sequence:
    forward W x, D h, V h (HI + HH + OH); backward dV, V^T dY, D^T dL/da, dD, dW
    (2 OH + 2 HH + HI). Counted as dense products (chapter 08's one-hot W x is a pick, so its
    floor is lower by T N H I)."""
    return T * N * (2 * H * n_in + 3 * H * H + 3 * n_out * H)


def ordered_peak(seconds=0.5):
    """Multiply-adds per second of the fastest loop the fixed summation order allows here:
    independent running sums r_j[c] += a * b[c] (8 of them, vectorised along c), compiled by
    Numba without fastmath (no fused multiply-add, no reordering), data in the L1 cache. Every
    product of rnnlib's portable orders is at best this loop; best of 5 rounds of ``seconds``."""
    import numba

    @numba.njit(error_model="numpy")
    def kernel(a, B, R, reps):
        n, C = B.shape
        for _ in range(reps):
            for i in range(0, n, 8):
                for j in range(8):
                    aij = a[i + j]
                    for c in range(C):
                        R[j, c] += aij * B[i + j, c]

    rng = np.random.default_rng(0)
    a, B, R = rng.random(128), rng.random((128, 64)), np.zeros((8, 64))
    kernel(a, B, R, 1)
    best = 0.0
    for _ in range(5):
        reps, t0 = 1, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            kernel(a, B, R, reps)
            reps *= 2
        t = time.perf_counter() - t0
        best = max(best, 128 * 64 * (reps - 1) / t)
    return best


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="5 repeats, prints only")
    ap.add_argument(
        "--repeats", type=int, default=None, help="interleaved repeats (default 21, --quick 5)"
    )
    ap.add_argument("--updates", type=int, default=10, help="updates per timed call (default 10)")
    args = ap.parse_args(argv)
    repeats = args.repeats or (5 if args.quick else 21)
    from threadpoolctl import threadpool_limits

    torch = import_torch()
    if torch is not None:
        torch.set_num_threads(1)
    load_before = os.getloadavg()
    lines = [
        "# rnnlib training benchmark (one Adam update)",
        "",
        "Generated by `benchmarks/bench_fit.py`. Median time per update, float64, one thread; "
        "`reproducible x S` is the time per network when S networks are trained side by side by "
        "one `fit` call. Target (the core rebuild): default-path fit at most 0.30 of PyTorch at "
        "every size.",
        "",
        *when_and_where(),
        f"- python {platform.python_version()}, numpy {np.__version__}, rnnlib (this "
        f"repository{git_commit()}), torch "
        f"{torch.__version__ if torch is not None else 'not installed'}",
        f"- load average at start (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in load_before)}",
        f"- timing: {repeats} interleaved repeats of {args.updates} updates each, after one "
        "warm-up",
    ]
    rows = []
    peak = ordered_peak()
    lines.append(
        f"- floor: the update's multiply-adds at {peak / 1e9:.2f} G multiply-adds/s, the fastest "
        "loop the fixed summation order allows on this machine (`ordered_peak`: no FMA, no "
        "reordering, L1-resident)"
    )
    with threadpool_limits(limits=1):
        for case in CASES:
            check = crosscheck(torch, case) if torch is not None else None
            if check is not None and not check < 1e-9:
                sys.exit(
                    f"cross-check failed for {case[0]}: weights differ by {check:.2e} after 5 "
                    "updates"
                )
            med = bench(torch, case, repeats, args.updates)
            rows.append((case, check, med))
            print(
                case[0],
                {k: f"{v * 1e3:.3f} ms" for k, v in med.items()},
                f"check {check}",
                flush=True,
            )
    lines.append(
        f"- load average at end (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    if torch is not None:
        for key, label in (("reproducible", "one network"), ("side", "side by side, per network")):
            r = [
                m[key if key != "side" else f"reproducible x{c[-1]}"] / m["torch"]
                for c, _, m in rows
            ]
            lines.append(
                f"- target reproducible/torch <= 0.30, {label}: "
                f"{'met' if max(r) <= 0.30 else 'NOT met'} (ratios {min(r):.2f} to {max(r):.2f})"
            )
    lines += [
        "",
        "| chapter | T | N | I | H | O | loss | weights vs torch after 5 updates | reproducible "
        "ms | reproducible x S ms (S) | fast ms | torch ms | reproducible/torch | reproducible x "
        "S/torch | fast/torch | floor ms | floor/torch |",
        "|---|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for case, check, med in rows:
        name, T, N, n_in, H, n_out, loss, S = case
        t = med.get("torch")
        floor = update_macs(T, N, n_in, H, n_out) / peak
        ratio = (lambda k, med=med, t=t: f"{med[k] / t:.2f}") if t else (lambda k: "")
        lines.append(
            f"| {name} | {T} | {N} | {n_in} | {H} | {n_out} | {loss} | "
            f"{'' if check is None else f'{check:.1e}'} | {med['reproducible'] * 1e3:.3f} | "
            f"{med[f'reproducible x{S}'] * 1e3:.3f} ({S}) | {med['fast'] * 1e3:.3f} | "
            f"{'' if t is None else f'{t * 1e3:.3f}'} | {ratio('reproducible')} | "
            f"{ratio(f'reproducible x{S}')} | {ratio('fast')} | {floor * 1e3:.3f} | "
            f"{'' if t is None else f'{floor / t:.2f}'} |"
        )
    write_report(lines, None if args.quick else HERE / "results_fit.md")


if __name__ == "__main__":
    main()
