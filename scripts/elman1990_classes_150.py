#!/usr/bin/env python3
"""Chapter 06, section 5: the word-class network at the paper's sizes.

Not run by the chapter (too slow for it): run it by hand from the repository root,

    python scripts/elman1990_classes_150.py        # writes
    notebooks/data/elman1990_classes_150.json

Elman (1990, pp. 195-199) trained a network with 150 hidden (and context) units
on 10,000 two- and three-word sentences (27,534 words), six passes, and clustered
the hidden vectors averaged over every occurrence of each word. This script does
the same, for each seed: 10,000 sentences from the 16 frames of the paper's
Table 4 (``elman1990.CLASS_FRAMES``) cut into pieces of 54 words, one input and
one output unit per word, sigmoid hidden units, softmax outputs (cross-entropy),
Elman's rule (``truncate=1``), Adam in mini-batches of 10 pieces, six passes.
The mean hidden vectors come from a fresh stream of 10,000 sentences, for the
trained networks and for the same networks before training (the control of
Plate's remark, the paper's footnote 6).

It does this twice: with the chapter's lexicon (``elman1990.WORD_CLASSES``, 28
words, one class each) and with the paper's 29 words (``PAPER_CLASSES``: the
words of its figure 7 in the classes of its Table 3, *see* and *break* in two
classes each; which class *boy*, *like* and *exist* belong to is our reading).

The JSON holds the settings, and for each lexicon and seed: the training loss
after each pass and, trained and untrained, the merge table of the
average-linkage tree, which groups form one branch, the two groups of the top
split, and the noun/verb separation (mean distance between a noun and a verb
over the mean distance within nouns and within verbs). Every number comes from
rnnlib's reproducible arithmetic, so a re-run gives the same file on every
machine (``tests/test_elman1990.py`` re-runs the first pass).
"""

import json
import pathlib
import sys
import time

import numpy as np

import rnnlib
from rnnlib import clustering, elman1990

OUT = (
    pathlib.Path(__file__).resolve().parent.parent
    / "notebooks"
    / "data"
    / "elman1990_classes_150.json"
)
SETTINGS = {
    "n_sentences": 10000,
    "n_hidden": 150,
    "piece": 54,
    "batch_size": 10,
    "passes": 6,
    "lr": 0.01,
    "truncate": 1,
    "seeds": [0, 1, 2],
    "test_seed": 1000,
    "skip": 2,
}
BOOK_CLASSES = dict(elman1990.WORD_CLASSES)
PAPER_CLASSES = {
    "NOUN_HUMAN": ("man", "woman", "boy", "girl"),
    "NOUN_ANIMAL": ("cat", "mouse", "dog"),
    "NOUN_PREDATOR": ("dragon", "monster", "lion"),
    "NOUN_THING": ("book", "rock", "car"),
    "NOUN_FRAGILE": ("glass", "plate"),
    "NOUN_FOOD": ("cookie", "bread", "sandwich"),
    "VERB_INTRANS": ("think", "sleep", "exist"),
    "VERB_TRANS": ("see", "chase", "like"),
    "VERB_AGPAT": ("move", "break"),
    "VERB_PERCEPT": ("smell", "see"),
    "VERB_DESTROY": ("break", "smash"),
    "VERB_EAT": ("eat",),
}


def corpus(seed, classes=BOOK_CLASSES, settings=SETTINGS):
    """One-hot inputs (T, N, V), next-word numbers (T, N), input numbers (T, N) and length of one
    stream."""
    ids = elman1990.word_numbers(settings["n_sentences"], seed, classes)
    n = (len(ids) - 1) // settings["piece"]
    X = elman1990.parallel_streams(np.eye(len(elman1990.vocabulary(classes)))[ids[:-1]], n)
    Y = elman1990.parallel_streams(ids[1:, None], n)[..., 0].astype(int)
    inputs = elman1990.parallel_streams(ids[:-1, None], n)[..., 0].astype(int)
    return X, Y, inputs, len(ids)


def networks(seeds, classes=BOOK_CLASSES, settings=SETTINGS):
    V = len(elman1990.vocabulary(classes))
    return [
        rnnlib.ElmanRNN(V, settings["n_hidden"], V, activation="sigmoid", seed=s) for s in seeds
    ]


def train(nets, seeds, passes, classes=BOOK_CLASSES, settings=SETTINGS):
    """Train the networks side by side, each on the stream of its seed; returns their histories."""
    data = [corpus(s, classes, settings) for s in seeds]
    return rnnlib.fit(
        nets,
        [d[0] for d in data],
        [d[1] for d in data],
        loss="cross_entropy",
        optimizer=rnnlib.Adam(lr=settings["lr"]),
        epochs=passes,
        batch_size=settings["batch_size"],
        truncate=settings["truncate"],
        seed=list(seeds),
        verbose=False,
    )


def mean_hidden(net, X, inputs, skip):
    """The hidden state averaged over every occurrence of each word as input."""
    Hs, _ = net.forward(X)
    Hs, inputs = Hs[skip:], inputs[skip:]
    return np.array([Hs[inputs == w].mean(axis=0) for w in range(net.n_in)])


def groups(classes=BOOK_CLASSES):
    """The word groups whose branches the chapter looks for (lists of word numbers)."""
    vocab = elman1990.vocabulary(classes)
    of = {w: [c for c, ws in classes.items() if w in ws] for w in vocab}  # the classes of each word
    frames = elman1990.CLASS_FRAMES
    nouns = [i for i, w in enumerate(vocab) if any(c.startswith("NOUN") for c in of[w])]
    animate = [i for i, w in enumerate(vocab) if any(c in elman1990.ANIMATE_CLASSES for c in of[w])]
    openers = [i for i, w in enumerate(vocab) if any(f[0] in of[w] for f in frames)]
    enders = [
        i
        for i, w in enumerate(vocab)  # always the last word
        if all(f[-1] == c for c in of[w] for f in frames if c in f)
    ]
    return {
        "nouns": nouns,
        "verbs": [i for i in range(len(vocab)) if i not in nouns],
        "animate nouns": animate,
        "inanimate nouns": [i for i in nouns if i not in animate],
        "nouns that open a sentence": openers,
        "words that end a sentence": enders,
    }


def describe(points, classes=BOOK_CLASSES):
    """Tree, branches and noun/verb separation of the mean hidden vectors (V, H)."""
    Z = clustering.average_linkage(points)
    D = clustering.distances(points)
    g = groups(classes)
    nouns, verbs = g["nouns"], g["verbs"]
    within = [D[np.ix_(a, a)][np.triu_indices(len(a), 1)] for a in (nouns, verbs)]
    between = D[np.ix_(nouns, verbs)].ravel()
    vocab = elman1990.vocabulary(classes)
    members = [[vocab.index(w) for w in ws] for ws in classes.values() if len(ws) > 1]
    return {
        "merges": Z.tolist(),
        "classes_as_branches": int(sum(clustering.is_cluster(Z, c) for c in members)),
        "n_classes": len(members),
        "branches": {name: bool(clustering.is_cluster(Z, idx)) for name, idx in g.items()},
        "top_split": [[int(i) for i in clustering.members(Z, int(c))] for c in Z[-1, :2]],
        "noun_verb_separation": float(between.mean() / np.concatenate(within).mean()),
    }


def run(classes):
    """Train, measure and describe the networks of every seed on one lexicon."""
    seeds = SETTINGS["seeds"]
    untrained = networks(seeds, classes)
    nets = networks(seeds, classes)
    hists = train(nets, seeds, SETTINGS["passes"], classes)
    X_test, _, in_test, n_test = corpus(SETTINGS["test_seed"], classes)
    out = {
        "classes": {c: list(ws) for c, ws in classes.items()},
        "vocabulary": elman1990.vocabulary(classes),
        "words_per_seed": [corpus(s, classes)[3] for s in seeds],
        "test_words": n_test,
        "seeds": {},
    }
    for seed, net, raw, hist in zip(seeds, nets, untrained, hists, strict=True):
        out["seeds"][str(seed)] = {
            "loss_per_pass": [float(v) for v in hist.loss],
            "trained": describe(mean_hidden(net, X_test, in_test, SETTINGS["skip"]), classes),
            "untrained": describe(mean_hidden(raw, X_test, in_test, SETTINGS["skip"]), classes),
        }
    return out


def main():
    start = time.perf_counter()
    record = {
        "script": "scripts/elman1990_classes_150.py",
        "settings": SETTINGS,
        "lexicons": {"book": run(BOOK_CLASSES), "paper": run(PAPER_CLASSES)},
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    for name, lex in record["lexicons"].items():
        for seed, r in lex["seeds"].items():
            t, u = r["trained"], r["untrained"]
            top = [[lex["vocabulary"][i] for i in side] for side in t["top_split"]]
            print(
                f"{name} lexicon, seed {seed}: loss {r['loss_per_pass'][0]:.3f} -> "
                f"{r['loss_per_pass'][-1]:.3f}; "
                f"classes as branches {t['classes_as_branches']} (untrained "
                f"{u['classes_as_branches']}); "
                f"branches {t['branches']}; noun/verb separation {t['noun_verb_separation']:.3f} "
                f"(untrained {u['noun_verb_separation']:.3f}); top split {top}"
            )
    print(f"{time.perf_counter() - start:.0f} s; wrote {OUT.name}", file=sys.stderr)


if __name__ == "__main__":
    main()
