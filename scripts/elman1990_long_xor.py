#!/usr/bin/env python3
"""Chapter 06, section 2: are the temporal-XOR runs converged? Train ten times longer.

Not a test and not run by the chapter (too slow for it): run it by hand,

    OPENBLAS_NUM_THREADS=1 python scripts/elman1990_long_xor.py

It trains the chapter's XOR networks (1-4-1, sigmoid units, bce loss, Adam with
lr 0.1, 150 pieces of 27 bits, seeds 0, 1, 2) with Elman's rule (truncate=1)
and with full BPTT for 3,000 epochs instead of the chapter's 300, and prints
the squared error on the XOR bit and on the random bits of the chapter's test
stream (the same window of 12 positions) after 300, 1,000 and 3,000 epochs.
Arithmetic is rnnlib's reproducible arithmetic (``rnnlib.portable``), so the
digits are the same on every machine.
"""

import numpy as np

import rnnlib
from rnnlib import elman1990

SEEDS = (0, 1, 2)
CHECKPOINTS = (300, 1000, 3000)
WINDOW = slice(11, 23)


def xor_batch(n_seqs, seed):
    """The chapter's data: n_seqs pieces of 27 bits as (input, next bit) pairs."""
    bits = elman1990.temporal_xor_stream(9 * n_seqs, seed=seed)
    return elman1990.next_step_pairs(elman1990.parallel_streams(bits, n_seqs))


def main():
    X_test, Y_test = xor_batch(500, seed=1000)
    role = np.arange(12) % 3
    for name, truncate in (("Elman's rule (truncate=1)", 1), ("full BPTT", None)):
        for seed in SEEDS:
            X, Y = xor_batch(150, seed=seed)
            net = rnnlib.ElmanRNN(1, 4, 1, activation="sigmoid", seed=seed)
            found = {}

            def measure(epoch, history, net=net, found=found):
                if epoch in CHECKPOINTS:
                    err = elman1990.squared_errors(net, X_test, Y_test)[..., 0].mean(axis=1)[WINDOW]
                    found[epoch] = (err[role == 2].mean(), err[role < 2].mean())

            rnnlib.fit(
                net,
                X,
                Y,
                loss="bce",
                optimizer=rnnlib.Adam(lr=0.1),
                epochs=max(CHECKPOINTS),
                truncate=truncate,
                verbose=False,
                callback=measure,
            )
            cols = "   ".join(
                f"epoch {e}: XOR bit {found[e][0]:.3f}, random bits {found[e][1]:.3f}"
                for e in CHECKPOINTS
            )
            print(f"{name:26s} seed {seed}   {cols}")


if __name__ == "__main__":
    main()
