#!/usr/bin/env python3
"""Chapter 06, section 5: the word-class network at the paper's sizes.

Not run by the chapter (too slow for it): run it by hand from the repository root,

    python scripts/elman1990_classes_150.py        # writes notebooks/data/elman1990_classes_150.json

Elman (1990, pp. 195-199) trained a network with 150 hidden (and context) units
on 10,000 two- and three-word sentences (27,534 words), six passes, and clustered
the hidden vectors averaged over every occurrence of each word. This script does
the same with the chapter's lexicon and frames (``rnnlib.elman1990``: 28 words,
one input and one output unit per word; the paper had 29 words in 31-bit codes):
for each seed, 10,000 sentences cut into pieces of 54 words, sigmoid hidden
units, softmax outputs (cross-entropy), Elman's rule (``truncate=1``), Adam in
mini-batches of 10 pieces, six passes. The mean hidden vectors come from a fresh
stream of 10,000 sentences, for the trained networks and for the same networks
before training (the control of Plate's remark, the paper's footnote 6).

The JSON holds the settings, the training loss after each pass, and for each
seed, trained and untrained: the merge table of the average-linkage tree, which
groups form one branch, and the noun/verb separation (mean distance between a
noun and a verb over the mean distance within nouns and within verbs). Every
number comes from rnnlib's reproducible arithmetic, so a re-run gives the same
file on every machine (``tests/test_elman1990.py`` re-runs the first pass).
"""
import json
import pathlib
import sys
import time

import numpy as np

import rnnlib
from rnnlib import clustering, elman1990

OUT = pathlib.Path(__file__).resolve().parent.parent / "notebooks" / "data" / "elman1990_classes_150.json"
SETTINGS = {"n_sentences": 10000, "n_hidden": 150, "piece": 54, "batch_size": 10, "passes": 6,
            "lr": 0.01, "truncate": 1, "seeds": [0, 1, 2], "test_seed": 1000, "skip": 2}
VOCAB = elman1990.VOCABULARY
WORD_CLASS = {w: cls for cls, words in elman1990.WORD_CLASSES.items() for w in words}


def corpus(seed, settings=SETTINGS):
    """One-hot inputs (T, N, V), next-word numbers (T, N) and input numbers (T, N) of one stream."""
    ids = elman1990.word_numbers(settings["n_sentences"], seed=seed)
    n = (len(ids) - 1) // settings["piece"]
    X = elman1990.parallel_streams(np.eye(len(VOCAB))[ids[:-1]], n)
    Y = elman1990.parallel_streams(ids[1:, None], n)[..., 0].astype(int)
    inputs = elman1990.parallel_streams(ids[:-1, None], n)[..., 0].astype(int)
    return X, Y, inputs, len(ids)


def networks(seeds, settings=SETTINGS):
    return [rnnlib.ElmanRNN(len(VOCAB), settings["n_hidden"], len(VOCAB), activation="sigmoid", seed=s)
            for s in seeds]


def train(nets, seeds, passes, settings=SETTINGS):
    """Train the networks side by side, each on the stream of its seed; returns their histories."""
    data = [corpus(s, settings) for s in seeds]
    return rnnlib.fit(nets, [d[0] for d in data], [d[1] for d in data], loss="cross_entropy",
                      optimizer=rnnlib.Adam(lr=settings["lr"]), epochs=passes,
                      batch_size=settings["batch_size"], truncate=settings["truncate"],
                      seed=list(seeds), verbose=False)


def mean_hidden(net, X, inputs, skip):
    """The hidden state averaged over every occurrence of each word as input."""
    Hs, _ = net.forward(X)
    Hs, inputs = Hs[skip:], inputs[skip:]
    return np.array([Hs[inputs == w].mean(axis=0) for w in range(len(VOCAB))])


def groups():
    """The word groups whose branches the chapter looks for (lists of word numbers)."""
    nouns = [i for i, w in enumerate(VOCAB) if WORD_CLASS[w].startswith("NOUN")]
    animate = [i for i, w in enumerate(VOCAB) if WORD_CLASS[w] in elman1990.ANIMATE_CLASSES]
    frames = elman1990.CLASS_FRAMES
    openers = [i for i, w in enumerate(VOCAB) if any(f[0] == WORD_CLASS[w] for f in frames)]
    enders = [i for i, w in enumerate(VOCAB)
              if all(f[-1] == WORD_CLASS[w] for f in frames if WORD_CLASS[w] in f)]   # always the last word
    return {"nouns": nouns,
            "verbs": [i for i in range(len(VOCAB)) if i not in nouns],
            "animate nouns": animate,
            "inanimate nouns": [i for i in nouns if i not in animate],
            "nouns that open a sentence": openers,
            "words that end a sentence": enders}


def describe(points):
    """Tree, branches and noun/verb separation of the mean hidden vectors (28, H)."""
    Z = clustering.average_linkage(points)
    D = clustering.distances(points)
    g = groups()
    nouns, verbs = g["nouns"], g["verbs"]
    within = [D[np.ix_(a, a)][np.triu_indices(len(a), 1)] for a in (nouns, verbs)]
    between = D[np.ix_(nouns, verbs)].ravel()
    classes = [[VOCAB.index(w) for w in ws] for ws in elman1990.WORD_CLASSES.values() if len(ws) > 1]
    return {"merges": Z.tolist(),
            "classes_as_branches": int(sum(clustering.is_cluster(Z, c) for c in classes)),
            "n_classes": len(classes),
            "branches": {name: bool(clustering.is_cluster(Z, idx)) for name, idx in g.items()},
            "top_split": [[int(i) for i in clustering.members(Z, int(c))] for c in Z[-1, :2]],
            "noun_verb_separation": float(between.mean() / np.concatenate(within).mean())}


def main():
    start = time.perf_counter()
    seeds = SETTINGS["seeds"]
    untrained = networks(seeds)
    nets = networks(seeds)
    hists = train(nets, seeds, SETTINGS["passes"])
    X_test, _, in_test, n_test = corpus(SETTINGS["test_seed"])
    record = {"script": "scripts/elman1990_classes_150.py", "settings": SETTINGS,
              "vocabulary": list(VOCAB), "words_per_seed": [corpus(s)[3] for s in seeds],
              "test_words": n_test, "seeds": {}}
    for seed, net, raw, hist in zip(seeds, nets, untrained, hists):
        record["seeds"][str(seed)] = {
            "loss_per_pass": [float(v) for v in hist.loss],
            "trained": describe(mean_hidden(net, X_test, in_test, SETTINGS["skip"])),
            "untrained": describe(mean_hidden(raw, X_test, in_test, SETTINGS["skip"]))}
    record["seconds"] = round(time.perf_counter() - start)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    for seed, r in record["seeds"].items():
        print(f"seed {seed}: loss {r['loss_per_pass'][0]:.3f} -> {r['loss_per_pass'][-1]:.3f}; "
              f"classes as branches {r['trained']['classes_as_branches']} (untrained "
              f"{r['untrained']['classes_as_branches']}); branches {r['trained']['branches']}; "
              f"noun/verb separation {r['trained']['noun_verb_separation']:.3f} "
              f"(untrained {r['untrained']['noun_verb_separation']:.3f})")
    print(f"{record['seconds']} s; wrote {OUT.name}", file=sys.stderr)


if __name__ == "__main__":
    main()
