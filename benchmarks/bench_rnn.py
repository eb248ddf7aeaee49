"""Speed benchmark of rnnlib's ElmanRNN (ARCHITECTURE.md, "Speed": speed is part of the design).

Compares, for the forward pass and for forward + backward (BPTT):

* rnnlib     ``ElmanRNN.forward`` / ``forward`` + ``backward``, the default
             machine-independent arithmetic (``rnnlib.portable``) that makes the
             book's numbers;
* fast       the same with ``reproducible=False``: BLAS products and numpy's tanh,
             whose last bits depend on the machine;
* naive      the textbook loop written step by step in plain numpy,
             ``rnnlib.reference``: for each t, h = f(W x_t + D h + B) (the input
             part W x_t + B and the outputs y = V h + c of all steps computed at
             once), and BPTT whose backward loop finds dL/da_t, with the weight
             gradients summed over the steps after it;
* torch      PyTorch CPU ``nn.RNN`` + ``nn.Linear`` holding the same weights
             (only if torch can be imported).

Everything runs on one thread (threadpoolctl for numpy's BLAS, and
``torch.set_num_threads(1)``). Before timing, the three implementations are
cross-checked: same outputs and same gradients, or the benchmark refuses to run.
Timings are interleaved (A, B, C, B, C, A, ...) so that machine noise hits all
of them alike, and medians are reported.

    python benchmarks/bench_rnn.py            # full run, writes benchmarks/results.md
    python benchmarks/bench_rnn.py --quick    # a few repeats, prints only

See benchmarks/README.md.
"""

import argparse
import copy
import datetime
import gc
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import rnnlib
from rnnlib import reference
from rnnlib.model import state_layout

HERE = Path(__file__).resolve().parent
SHAPES = [  # (T, N, I, H, O)
    (50, 1, 1, 16, 1),
    (100, 32, 8, 64, 1),
    (100, 64, 32, 256, 8),
    (500, 16, 1, 32, 1),
]
DTYPES = ("float32", "float64")
# cross-check tolerance: max |a - b| <= TOL * max |b| (b the naive reference)
TOL = {"float32": 1e-4, "float64": 1e-10}
NAMES = ("rnnlib", "fast", "naive", "torch")
PARAMS = ("W", "D", "B", "V", "c")


# --------------------------------------------------------------- the problem
def make_problem(shape, dtype, activation="tanh", seed=0, h0=False):
    """A network and fixed data of the given (T, N, I, H, O): ``(net, X, dY, h0)``.

    X and dY are (T, N, I) and (T, N, O), standard normal; h0 is None (zeros)
    unless ``h0`` is true, then (N, H) standard normal.
    """
    T, N, n_in, H, n_out = shape
    rng = np.random.default_rng(seed)
    net = rnnlib.ElmanRNN(n_in, H, n_out, activation=activation, seed=seed, dtype=dtype)
    net.c = rng.uniform(-0.5, 0.5, n_out)  # a nonzero output threshold, so c is tested too
    X = rng.standard_normal((T, N, n_in)).astype(dtype)
    dY = rng.standard_normal((T, N, n_out)).astype(dtype)
    H0 = rng.standard_normal((N, H)).astype(dtype) if h0 else None
    return net, X, dY, H0


# ------------------------------------------------------------ naive numpy
def naive_forward(p, X, h0=None, activation="tanh"):
    """The textbook loop (chapter 02), one step at a time: returns ``(Hs, Y)``.

    ``p`` holds W, D, B, V, c; X is (T, N, I); h0 (N, H) or None for zeros.
    It is ``rnnlib.reference.forward``, the one-page plain-numpy RNN.
    """
    return reference.forward(p, X, h0, f=activation)


def naive_forward_backward(p, X, dY, h0=None, activation="tanh"):
    """Textbook BPTT (chapter 05) of sum(dY * Y), ``rnnlib.reference.bptt``: returns the gradients.

    It runs its own forward pass (one, as ``rnnlib_forward_backward`` does) and returns
    only the gradients; the cross-check takes Y from ``naive_forward``.
    """
    return reference.bptt(p, X, dY, h0, f=activation)


# ------------------------------------------------------------------- rnnlib
def fast_copy(net):
    """The same network computing with BLAS and numpy's tanh (``reproducible=False``)."""
    fast = copy.copy(net)
    fast.reproducible = False
    return fast


def rnnlib_forward(net, X, h0=None):
    """``net.forward``: returns Y."""
    return net.forward(X, h0)[1]


def rnnlib_forward_backward(net, X, dY, h0=None):
    """One forward pass and BPTT reusing its states, as ``rnnlib.fit`` does: returns ``(Y, grads)``.

    (The public ``net.backward`` recomputes the forward pass, so that nothing is
    remembered between calls; ``fit`` runs the private passes on checked arrays.)
    """
    XT, H0, _ = net._inputs(X, h0)
    run = net._run(XT, H0)
    return state_layout(run[1]), net._grads(
        XT, H0, run, state_layout(np.asarray(dY, dtype=net.dtype))
    )


# -------------------------------------------------------------------- torch
def import_torch():
    """torch, or None if it cannot be imported (it is optional)."""
    try:
        import torch
    except ImportError:
        return None
    return torch


class TorchRNN:
    """PyTorch CPU ``nn.RNN`` + ``nn.Linear`` holding the weights of an rnnlib net.

    W -> weight_ih_l0, D -> weight_hh_l0, B -> bias_ih_l0 (bias_hh_l0 = 0),
    V -> Linear.weight, c -> Linear.bias. Parameters require grad; inputs do not.
    """

    def __init__(self, torch, net, X, dY, h0=None):
        self.torch = torch
        dtype = {np.dtype("float32"): torch.float32, np.dtype("float64"): torch.float64}[
            np.dtype(net.dtype)
        ]
        self.rnn = torch.nn.RNN(net.n_in, net.n_hidden, nonlinearity=net.activation, dtype=dtype)
        self.lin = torch.nn.Linear(net.n_hidden, net.n_out, dtype=dtype)
        with torch.no_grad():
            self.rnn.weight_ih_l0.copy_(torch.from_numpy(net.W))
            self.rnn.weight_hh_l0.copy_(torch.from_numpy(net.D))
            self.rnn.bias_ih_l0.copy_(torch.from_numpy(net.B))
            self.rnn.bias_hh_l0.zero_()
            self.lin.weight.copy_(torch.from_numpy(net.V))
            self.lin.bias.copy_(torch.from_numpy(net.c))
        self.grad_of = {
            "W": self.rnn.weight_ih_l0,
            "D": self.rnn.weight_hh_l0,
            "B": self.rnn.bias_ih_l0,
            "V": self.lin.weight,
            "c": self.lin.bias,
        }
        self.params = list(self.rnn.parameters()) + list(self.lin.parameters())
        self.X = torch.from_numpy(np.ascontiguousarray(X))
        self.dY = torch.from_numpy(np.ascontiguousarray(dY))
        self.h0 = None if h0 is None else torch.from_numpy(np.ascontiguousarray(h0))[None]

    def forward(self):
        """Inference forward (no autograd graph): returns Y as a tensor."""
        with self.torch.no_grad():
            out, _ = self.rnn(self.X, self.h0)
            return self.lin(out)

    def forward_backward(self):
        """Loss sum(dY * Y), backward, grads zeroed (set to None) first: returns Y."""
        for q in self.params:
            q.grad = None
        out, _ = self.rnn(self.X, self.h0)
        Y = self.lin(out)
        (self.dY * Y).sum().backward()
        return Y

    def grads(self):
        """The gradients as numpy arrays keyed like rnnlib's."""
        return {k: q.grad.detach().numpy() for k, q in self.grad_of.items()}


# --------------------------------------------------------------- cross-check
def max_rel_error(a, b):
    """max |a - b| / max |b| (0 when both are zero)."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    scale = np.max(np.abs(b)) if b.size else 0.0
    err = np.max(np.abs(a - b)) if b.size else 0.0
    return err / scale if scale > 0 else err


def _assert_close(what, a, b, tol):
    err = max_rel_error(a, b)
    if not err <= tol:
        raise AssertionError(
            f"cross-check failed: {what} differs, max rel. error {err:.3g} > {tol:.0e}"
        )
    return err


def crosscheck(shape, dtype, activation="tanh", use_torch=True, h0=False, seed=0):
    """Check that rnnlib, naive and (if ``use_torch`` and importable) torch agree.

    Compares Y of the forward pass and Y and the five gradients of forward +
    backward, against the naive reference, with tolerance ``TOL[dtype]``
    relative to the largest entry. Also checks that rnnlib keeps the dtype.
    Raises AssertionError on a disagreement; returns the worst error per
    implementation, e.g. ``{"rnnlib": 3e-16, "torch": 4e-16}``.
    """
    dtype = np.dtype(dtype).name
    tol = TOL[dtype]
    net, X, dY, H0 = make_problem(shape, dtype, activation, seed, h0)
    p = {k: v.copy() for k, v in net.params.items()}
    _, Y_ref = naive_forward(p, X, H0, activation)
    g_ref = naive_forward_backward(p, X, dY, H0, activation)

    fast = fast_copy(net)
    results = {
        "rnnlib": (rnnlib_forward(net, X, H0), *rnnlib_forward_backward(net, X, dY, H0)),
        "fast": (rnnlib_forward(fast, X, H0), *rnnlib_forward_backward(fast, X, dY, H0)),
    }
    torch = import_torch() if use_torch else None
    if torch is not None and activation in ("tanh", "relu"):
        tnet = TorchRNN(torch, net, X, dY, H0)
        Yf = tnet.forward().numpy()
        Yfb = tnet.forward_backward().detach().numpy()
        results["torch"] = (Yf, Yfb, tnet.grads())

    bad = [
        (impl, k)
        for impl in ("rnnlib", "fast")
        for k, v in [("Y", results[impl][0]), ("Y (fwd+bwd)", results[impl][1])]
        + list(results[impl][2].items())
        if v.dtype != np.dtype(dtype)
    ]
    if bad:
        raise AssertionError(
            f"cross-check failed: rnnlib returned a dtype other than {dtype} for {bad}"
        )
    worst = {}
    for name, (Yf, Yfb, g) in results.items():
        if set(g) != set(PARAMS):
            raise AssertionError(f"cross-check failed: {name} gradients have keys {sorted(g)}")
        errs = [
            _assert_close(f"{name} forward Y {shape} {dtype}", Yf, Y_ref, tol),
            _assert_close(f"{name} forward+backward Y {shape} {dtype}", Yfb, Y_ref, tol),
        ]
        errs += [
            _assert_close(f"{name} gradient {k} {shape} {dtype}", g[k], g_ref[k], tol)
            for k in PARAMS
        ]
        worst[name] = max(errs)
    return worst


# ------------------------------------------------------------------- timing
def time_interleaved(fns, repeats, warmup=3):
    """Median seconds per call of each function in ``fns`` (name -> callable).

    After ``warmup`` calls each, the functions run side by side, ``repeats``
    rounds, the order rotated every round (A B C, B C A, C A B, ...), with the
    garbage collector paused, so that machine noise falls on all of them alike.
    """
    names = list(fns)
    for _ in range(warmup):
        for n in names:
            fns[n]()
    times = {n: [] for n in names}
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for r in range(repeats):
            k = r % len(names)
            for n in names[k:] + names[:k]:
                t0 = time.perf_counter()
                fns[n]()
                times[n].append(time.perf_counter() - t0)
    finally:
        if was_enabled:
            gc.enable()
    return {n: statistics.median(v) for n, v in times.items()}


def bench_case(shape, dtype, torch, repeats, warmup):
    """Median times of forward and forward+backward for one shape and dtype."""
    net, X, dY, _ = make_problem(shape, dtype)
    p = {k: v.copy() for k, v in net.params.items()}
    fast = fast_copy(net)
    fwd = {
        "rnnlib": lambda: rnnlib_forward(net, X),
        "fast": lambda: rnnlib_forward(fast, X),
        "naive": lambda: naive_forward(p, X),
    }
    fb = {
        "rnnlib": lambda: rnnlib_forward_backward(net, X, dY),
        "fast": lambda: rnnlib_forward_backward(fast, X, dY),
        "naive": lambda: naive_forward_backward(p, X, dY),
    }
    if torch is not None:
        tnet = TorchRNN(torch, net, X, dY)
        fwd["torch"] = tnet.forward
        fb["torch"] = tnet.forward_backward
    return {
        "forward": time_interleaved(fwd, repeats, warmup),
        "forward+backward": time_interleaved(fb, repeats, warmup),
    }


# ------------------------------------------------------------------ report
def cpu_model():
    """The CPU model name from /proc/cpuinfo (or platform.processor())."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def git_commit():
    """ ", commit abc1234" (+ " with local changes") of the repository, or "" outside git."""
    try:

        def run(*cmd):
            return subprocess.run(
                ["git", *cmd], cwd=HERE, capture_output=True, text=True, check=True
            ).stdout

        commit = run("rev-parse", "--short", "HEAD").strip()
        dirty = run(
            "status",
            "--porcelain",
            "--",
            *(
                f"../rnnlib/{m}.py"
                for m in (
                    "elman",
                    "model",
                    "arithmetic",
                    "portable",
                    "_kernels",
                    "activations",
                    "_checks",
                )
            ),
        ).strip()
    except (OSError, subprocess.CalledProcessError):
        return ""
    return f", commit {commit}" + (" with local changes to rnnlib's core" if dirty else "")


def target_line(rows):
    """The targets of the core rebuild (reproducible path vs torch): forward <= 0.6 and
    forward+backward <= 0.85 at the book's shapes, both <= 2.0 at H = 256; the BLAS path is reported
    as it is."""
    if not any("torch" in med for *_, med in rows):
        return "- targets: not measured (no torch)"
    out = []
    for mode, limit, big in (("forward", 0.6, 2.0), ("forward+backward", 0.85, 2.0)):
        for large, lim in ((False, limit), (True, big)):
            ratios = [
                med["rnnlib"] / med["torch"]
                for m, shape, _, med in rows
                if m == mode and "torch" in med and (shape[3] >= 256) == large
            ]
            if ratios:
                where = "H >= 256" if large else "H < 256"
                out.append(
                    f"reproducible {mode} <= {lim} ({where}): "
                    f"{'met' if max(ratios) <= lim else 'NOT met'} (ratios {min(ratios):.2f} to "
                    f"{max(ratios):.2f})"
                )
    for mode in ("forward", "forward+backward"):
        ratios = [
            med["fast"] / med["torch"] for m, _, _, med in rows if m == mode and "torch" in med
        ]
        out.append(
            f"BLAS (reproducible=False) {mode}: ratios {min(ratios):.2f} to {max(ratios):.2f}"
        )
    return "- targets vs torch: " + "; ".join(out)


def blas_lines(info):
    """One line per thread pool from ``threadpoolctl.threadpool_info()``."""
    keys = ("internal_api", "architecture", "version", "threading_layer", "num_threads")
    return [
        f"{d.get('prefix', '?')}: " + ", ".join(f"{k}={d[k]}" for k in keys if d.get(k) is not None)
        for d in info
    ]


def when_and_where():
    """The date and machine lines that head every benchmark report (this script, bench_fit,
    book_time)."""
    return [
        f"- date: {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"- machine: {cpu_model()}, nproc {os.cpu_count()}, {platform.system()} "
        f"{platform.release()}",
    ]


def write_report(lines, path):
    """Print a markdown report and write it to ``path`` (unless ``path`` is None)."""
    text = "\n".join(lines) + "\n"
    print(text)
    if path is not None:
        Path(path).write_text(text)
        print(f"written to {path}")


def header_lines(torch, blas, repeats, warmup, load_before):
    """Date, machine, versions and BLAS information for the report."""
    env = {
        k: os.environ[k]
        for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS")
        if k in os.environ
    }
    lines = when_and_where() + [
        f"- load average at start (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in load_before)}",
        f"- python {platform.python_version()}, numpy {np.__version__}, "
        f"rnnlib {rnnlib.__version__} (this repository{git_commit()}), "
        f"torch {torch.__version__ if torch is not None else 'not installed (column skipped)'}",
        "- threads: 1 (threadpoolctl limits numpy's BLAS; torch.set_num_threads(1))",
        f"- OpenBLAS/OpenMP environment: {env or 'none set'}",
    ]
    lines += [f"- thread pool (BLAS/OpenMP): {s}" for s in blas_lines(blas)]
    if torch is not None:
        lines.append(
            f"- torch: BLAS {'MKL' if torch.backends.mkl.is_available() else 'not MKL'}, CPU "
            f"capability {torch.backends.cpu.get_cpu_capability()}, threads "
            f"{torch.get_num_threads()}"
        )
    lines.append(
        f"- timing: {warmup} warm-up calls, then {repeats} interleaved repeats, median per call"
    )
    return lines


def table_lines(rows, has_torch):
    """A markdown table: median milliseconds and the ratios."""
    impls = ["rnnlib", "fast", "naive"] + (["torch"] if has_torch else [])
    head = (
        "| pass | T | N | I | H | O | dtype | "
        + " | ".join(f"{n} ms" for n in impls)
        + " | rnnlib/naive |"
    )
    sep = "|---|--:|--:|--:|--:|--:|---|" + "--:|" * (len(impls) + 1)
    if has_torch:
        head += " rnnlib/torch | fast/torch |"
        sep += "--:|--:|"
    lines = [head, sep]
    for mode, shape, dtype, med in rows:
        cells = [mode, *map(str, shape), dtype] + [f"{med[n] * 1e3:.3f}" for n in impls]
        cells.append(f"{med['rnnlib'] / med['naive']:.2f}")
        if has_torch:
            cells += [f"{med['rnnlib'] / med['torch']:.2f}", f"{med['fast'] / med['torch']:.2f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def parse_shape(text):
    """ "T,N,I,H,O" -> a tuple of five positive ints (for --shapes)."""
    try:
        shape = tuple(int(v) for v in text.split(","))
    except ValueError:
        shape = ()
    if len(shape) != 5 or min(shape) < 1:
        raise argparse.ArgumentTypeError(
            f"a shape is five positive integers T,N,I,H,O, got {text!r}"
        )
    return shape


def main(argv=None):
    """Cross-check, then time; print the table and (full runs) write results.md."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--quick",
        action="store_true",
        help="few repeats (7); prints only, unless --output is given",
    )
    ap.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="interleaved repeats per case (default 101, --quick 7)",
    )
    ap.add_argument(
        "--warmup", type=int, default=3, help="warm-up calls per implementation (default 3)"
    )
    ap.add_argument(
        "--shapes",
        type=parse_shape,
        nargs="+",
        default=SHAPES,
        metavar="T,N,I,H,O",
        help="shapes to run (default: the four of the table)",
    )
    ap.add_argument(
        "--no-torch", action="store_true", help="leave PyTorch out even if it is installed"
    )
    ap.add_argument(
        "--output",
        type=Path,
        default=None,
        help="markdown file to write (default benchmarks/results.md for full runs)",
    )
    args = ap.parse_args(argv)
    repeats = args.repeats or (7 if args.quick else 101)
    output = args.output or (None if args.quick else HERE / "results.md")
    try:
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError:
        sys.exit(
            "bench_rnn.py needs threadpoolctl (pip install threadpoolctl) to run numpy's BLAS on "
            "one thread"
        )
    torch = None if args.no_torch else import_torch()
    if torch is not None:
        torch.set_num_threads(1)

    load_before = os.getloadavg()
    rows = []
    with threadpool_limits(limits=1):
        header = header_lines(torch, threadpool_info(), repeats, args.warmup, load_before)
        print("# rnnlib ElmanRNN speed benchmark\n")
        print("\n".join(header), flush=True)
        print("\ncross-check (max error relative to the largest entry, vs naive):", flush=True)
        for shape in args.shapes:
            for dtype in DTYPES:
                worst = crosscheck(shape, dtype, use_torch=torch is not None)
                print(
                    f"  {shape} {dtype}: "
                    + ", ".join(f"{k} {v:.1e}" for k, v in worst.items())
                    + "  ok",
                    flush=True,
                )
        print(flush=True)
        for shape in args.shapes:
            for dtype in DTYPES:
                res = bench_case(shape, dtype, torch, repeats, args.warmup)
                for mode, med in res.items():
                    rows.append((mode, shape, dtype, med))
                    print(
                        f"  {mode:17s} {shape} {dtype}: "
                        + ", ".join(f"{k} {v * 1e3:.3f} ms" for k, v in med.items()),
                        flush=True,
                    )
    load_after = os.getloadavg()
    rows.sort(key=lambda r: (r[0] != "forward", args.shapes.index(r[1]), r[2]))
    table = table_lines(rows, torch is not None)
    header.append(
        f"- load average at end (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in load_after)}"
    )
    header.append(target_line(rows))
    write_report(
        [
            "# rnnlib ElmanRNN speed benchmark",
            "",
            "Generated by `benchmarks/bench_rnn.py` (see benchmarks/README.md). Median time per "
            "call; ratio < 1 means rnnlib is faster. `rnnlib` is the default, "
            "machine-independent path that computes the book's numbers; `fast` is "
            "`reproducible=False` (BLAS and numpy's tanh).",
            "",
            *header,
            "",
            *table,
        ],
        output,
    )


if __name__ == "__main__":
    main()
