"""Train chapter 08's character-level RNN for longer than the chapter can, and ship the result.

    python scripts/train_char_lm.py            # writes rnnlib/data/char_lm.npz and char_lm.json

The network and every setting are the chapter's live run (``SETTINGS``): an
ElmanRNN with one-hot characters in and a softmax over the alphabet out, trained by
``rnnlib.text.fit_char_lm`` (truncated BPTT over 32 streams of the training
text, 25 characters per update, Adam, clipping), seed 0, only for more epochs.
The chapter trains the first updates itself; this script goes on for
``EPOCHS`` epochs. It saves the weights, the loss of every update and the
validation bits per character after every epoch in ``char_lm.npz``, and in
``char_lm.json`` the command, the settings, the time taken and the SHA-256 of
the ``.npz``. tests/test_text.py re-runs the first updates with ``train`` and
compares them with the stored loss history.
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


def data():
    """The chapter's split of the text: the alphabet and the train and validation indices."""
    text = load_austen(prose_only=True, lower=True)
    chars = tx.alphabet(text)
    train, val, _ = tx.split(text)
    return chars, tx.encode(train, chars), tx.encode(val, chars)


def train(epochs=EPOCHS, updates=None, on_epoch=None):
    """The run of this script: returns ``(net, history, val_bpc)``; ``updates=K`` stops after K updates."""
    chars, train_ids, val_ids = data()
    s = SETTINGS
    net = rnnlib.ElmanRNN(len(chars), s["n_hidden"], len(chars), seed=s["seed"])
    val_bpc = []

    def callback(epoch, history):
        val_bpc.append(tx.bits_per_char(tx.surprisal(net, val_ids, n_streams=32))[0])
        if on_epoch is not None:
            on_epoch(epoch, history, val_bpc[-1])

    history = tx.fit_char_lm(net, train_ids, n_streams=s["n_streams"], chunk=s["chunk"], epochs=epochs,
                             updates=updates, lr=s["lr"], clip=s["clip"], seed=s["seed"], callback=callback)
    return net, history, val_bpc


def main():
    start = time.perf_counter()

    def report(epoch, history, bpc):
        print(f"epoch {epoch}/{EPOCHS}: {len(history.step_loss)} updates, "
              f"validation {bpc:.3f} bits per character, {time.perf_counter() - start:.0f} s", flush=True)

    net, history, val_bpc = train(on_epoch=report)
    seconds = time.perf_counter() - start
    weights = DATA / "char_lm.npz"
    np.savez_compressed(weights, **net.params, step_loss=np.array(history.step_loss),
                        val_bpc=np.array(val_bpc))
    record = {
        "command": "python scripts/train_char_lm.py",
        "what": "chapter 08's character-level ElmanRNN on Pride and Prejudice, Volume I (training part; prose only, lower case)",
        "settings": SETTINGS, "epochs": EPOCHS, "updates": len(history.step_loss),
        "seconds": round(seconds), "numpy": np.__version__, "python": sys.version.split()[0],
        "final_validation_bpc": round(val_bpc[-1], 4),
        "weights": weights.name, "sha256": hashlib.sha256(weights.read_bytes()).hexdigest(),
    }
    (DATA / "char_lm.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
