"""Train chapter 08's character-level RNN for longer than the chapter can, at several sizes, and
ship the results.

    python scripts/train_char_lm.py     # writes rnnlib/data/char_lm.npz/.json, char_lm_large.npz,
    char_lm_scaling.json

Every run is the chapter's live run (``SETTINGS``): an ElmanRNN with one-hot
characters in and a softmax over the alphabet out, trained by
``rnnlib.text.fit_char_lm`` (truncated BPTT over 32 streams of the training
text, 25 characters per update, Adam, clipping), seed 0, for ``EPOCHS``
epochs (``EPOCHS_256`` for 256 units, to keep all runs within about 15 minutes
on a busy 2-core machine), on the default (reproducible, compiled) arithmetic. Only the number of
hidden units changes, over ``SIZES``, and with it the learning rate (``lr_for``:
0.02 at 32 units, halved for every doubling; at 0.02, 128 units trained well for
15 epochs and then broke down). After every epoch the script measures
the validation bits per character; the test text is read once per size, at the
end, with the weights of the epoch that was best on validation.

- ``char_lm.npz`` / ``char_lm.json``: the 32-unit run, final weights, the loss
  of every update and the validation bpc of every epoch (the chapter's
  sections 5 and 7-9 use it);
- ``char_lm_large.npz``: the ``LARGE``-unit network at its best validation
  epoch, with its loss and validation histories;
- ``char_lm_scaling.json``: for every size, the settings, the validation bpc
  after each epoch, the best epoch, its test bpc (from the fourth test
  character on, as the chapter scores the counting models), the time taken,
  and the SHA-256 of the shipped ``.npz`` files.

tests/test_text.py re-runs the first updates with ``train`` and compares them
with the stored loss histories, and checks that the large model reproduces its
stored test bpc.
"""

import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

import rnnlib
from rnnlib import text as tx
from rnnlib.datasets import load_austen

DATA = Path(__file__).resolve().parents[1] / "rnnlib" / "data"
SETTINGS = {"n_hidden": 32, "n_streams": 32, "chunk": 25, "lr": 0.02, "clip": 5.0, "seed": 0}
EPOCHS = 40
EPOCHS_256 = 20
SIZES = (32, 64, 128, 256)
LARGE = 128


def data():
    """The chapter's split of the text: the alphabet and the train, validation and test indices."""
    text = load_austen(prose_only=True, lower=True)
    chars = tx.alphabet(text)
    return (chars, *(tx.encode(part, chars) for part in tx.split(text)))


def test_bpc(net, test_ids):
    """Test bits per character from the fourth character on (the characters the chapter's n-grams
    score)."""
    return tx.bits_per_char(tx.surprisal(net, test_ids, n_streams=32)[2:])[0]


def epochs_for(n_hidden):
    """The number of epochs of a run: ``EPOCHS``, or ``EPOCHS_256`` for the largest network."""
    return EPOCHS_256 if n_hidden == 256 else EPOCHS


def lr_for(n_hidden):
    """The learning rate of a run: the chapter's 0.02 at 32 hidden units, inversely proportional to
    H."""
    return SETTINGS["lr"] * SETTINGS["n_hidden"] / n_hidden


def train(epochs=EPOCHS, updates=None, on_epoch=None, n_hidden=SETTINGS["n_hidden"]):
    """One run: returns ``(net, history, val_bpc, best)``; ``updates=K`` stops after K updates.

    ``best`` is ``(epoch, params)``: the first epoch with the lowest validation
    bpc and a copy of the weights after it.
    """
    chars, train_ids, val_ids, _ = data()
    s = SETTINGS
    net = rnnlib.ElmanRNN(len(chars), n_hidden, len(chars), seed=s["seed"])
    val_bpc, best = [], [0, None]

    def callback(epoch, history):
        val_bpc.append(tx.bits_per_char(tx.surprisal(net, val_ids, n_streams=32))[0])
        if val_bpc[-1] == min(val_bpc):
            best[:] = [len(val_bpc), {name: p.copy() for name, p in net.params.items()}]
        if on_epoch is not None:
            on_epoch(epoch, history, val_bpc[-1])

    history = tx.fit_char_lm(
        net,
        train_ids,
        n_streams=s["n_streams"],
        chunk=s["chunk"],
        epochs=epochs,
        updates=updates,
        lr=lr_for(n_hidden),
        clip=s["clip"],
        seed=s["seed"],
        callback=callback,
    )
    return net, history, val_bpc, tuple(best)


def save(path, params, history, val_bpc):
    """Weights, the loss of every update and the validation bpc of every epoch; returns the file's
    SHA-256."""
    np.savez_compressed(
        path, **params, step_loss=np.array(history.step_loss), val_bpc=np.array(val_bpc)
    )
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main():
    _, _, _, test_ids = data()
    runs = {}
    for n_hidden in SIZES:
        start = time.perf_counter()

        def report(epoch, history, bpc, n_hidden=n_hidden, start=start):
            print(
                f"H={n_hidden} epoch {epoch}/{epochs_for(n_hidden)}: {len(history.step_loss)} "
                f"updates, validation {bpc:.3f} bits per character, "
                f"{time.perf_counter() - start:.0f} s",
                flush=True,
            )

        net, history, val_bpc, (best_epoch, best_params) = train(
            epochs_for(n_hidden), on_epoch=report, n_hidden=n_hidden
        )
        final_test = test_bpc(net, test_ids)
        final = {name: p.copy() for name, p in net.params.items()}
        for name, p in best_params.items():
            setattr(net, name, p)
        run = {
            "n_hidden": n_hidden,
            "lr": lr_for(n_hidden),
            "n_params": net.n_params,
            "epochs": epochs_for(n_hidden),
            "updates": len(history.step_loss),
            "training_characters_per_epoch": len(history.step_loss)
            // epochs_for(n_hidden)
            * SETTINGS["chunk"]
            * SETTINGS["n_streams"],
            "val_bpc": [round(b, 6) for b in val_bpc],
            "best_epoch": best_epoch,
            "test_bpc": round(test_bpc(net, test_ids), 6),
            "final_test_bpc": round(final_test, 6),
            "seconds": round(time.perf_counter() - start),
        }
        if n_hidden == SETTINGS["n_hidden"]:
            run["sha256"] = save(DATA / "char_lm.npz", final, history, val_bpc)
            record = {
                "command": "python scripts/train_char_lm.py",
                "what": "chapter 08's character-level ElmanRNN on Pride and Prejudice, Volume I "
                "(training part; prose only, lower case); final weights",
                "settings": SETTINGS,
                "epochs": EPOCHS,
                "updates": len(history.step_loss),
                "seconds": run["seconds"],
                "numpy": np.__version__,
                "python": sys.version.split()[0],
                "final_validation_bpc": round(val_bpc[-1], 4),
                "weights": "char_lm.npz",
                "sha256": run["sha256"],
            }
            (DATA / "char_lm.json").write_text(
                json.dumps(record, indent=2) + "\n", encoding="utf-8"
            )
        if n_hidden == LARGE:
            run["weights"] = "char_lm_large.npz"
            run["sha256"] = save(DATA / "char_lm_large.npz", best_params, history, val_bpc)
        runs[n_hidden] = run
        print(
            f"H={n_hidden}: best epoch {best_epoch}, test {run['test_bpc']:.3f} bpc, "
            f"{run['seconds']} s",
            flush=True,
        )
    scaling = {
        "command": "python scripts/train_char_lm.py",
        "what": "chapter 08's character-level ElmanRNN at several sizes, same settings and seed; "
        "test bpc from the fourth test character on, with the weights of the best validation epoch",
        "settings": {**SETTINGS, "n_hidden": list(SIZES), "lr": "lr_for(n_hidden)"},
        "epochs": {str(n): epochs_for(n) for n in SIZES},
        "large": LARGE,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "seconds": sum(run["seconds"] for run in runs.values()),
        "runs": [runs[n] for n in SIZES],
    }
    (DATA / "char_lm_scaling.json").write_text(
        json.dumps(scaling, indent=1) + "\n", encoding="utf-8"
    )
    print(json.dumps({k: v for k, v in scaling.items() if k != "runs"}, indent=2))


if __name__ == "__main__":
    main()
