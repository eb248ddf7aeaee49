"""The data of Elman (1990), "Finding Structure in Time" (chapter 06).

Three streams on which a network is trained to predict its next input:

* ``temporal_xor_stream``: random bit pairs, each followed by their XOR, so
  only every third bit can be predicted;
* ``letter_stream``: consonants b, d, g in random order, each followed by its
  vowels (b -> ba, d -> dii, g -> guuu), coded by ``encode_letters`` as the six
  phonetic features of the paper's Table 1 (``FEATURES``, ``LETTER_CODES``);
  ``letter_error_floor`` is the smallest squared error any predictor can reach
  on such a stream;
* ``word_stream``: sentences from a small lexicon, written without spaces,
  with the positions where words begin (``random_letter_codes`` gives each
  letter a random 5-bit code, as in the paper);
* ``word_numbers``: two- and three-word sentences from nouns and verbs in
  classes (``WORD_CLASSES``, ``CLASS_FRAMES``, after the paper's Tables 3 and
  4), one number per word, for the word-class simulation (its clustering is in
  ``rnnlib.clustering``).

``next_step_pairs`` turns a coded stream into inputs and next-step targets, and
``parallel_streams`` cuts a long stream into N time-major sequences (T, N, F)
so that a network can be trained on all of them at once. ``squared_errors``
measures a trained network the way the paper's figures do: the squared error
of each output unit at each step.

Every function returns new arrays: none is a view of its input or of another
returned array (``next_step_pairs`` returns two copies, not two overlapping views).
A ``seed`` is a non-negative integer or a ``numpy.random.Generator``; a Generator
is used as given, so its state advances (the only argument a call changes).
"""

from collections.abc import Mapping
from types import MappingProxyType

import numpy as np

from ._checks import as_float_array, check_alloc, check_instance, check_seed, check_size
from .activations import sigmoid
from .model import Model

# ----------------------------------------------------------------- temporal XOR


def _rng(seed):
    """A numpy Generator as given, or a new one from a non-negative integer seed."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(check_seed("seed", seed))


def temporal_xor_stream(n_triples, seed=0):
    """Elman's temporal XOR (chapter 06): ``3 * n_triples`` bits as an int array.

    Bits come in triples (a, b, a XOR b) where a and b are fair random bits, so
    ``s[3k + 2] == s[3k] ^ s[3k + 1]`` for every k; the other bits are random.
    """
    n_triples = check_size("n_triples", n_triples)
    check_alloc(f"n_triples={n_triples}", 3 * n_triples)
    pairs = _rng(seed).integers(0, 2, size=(n_triples, 2))
    return np.column_stack([pairs, pairs[:, 0] ^ pairs[:, 1]]).reshape(-1)


def xor_error_floor(n_bits):
    """Best expected squared error for predicting each next bit of the XOR stream (chapter 06).

    Entry t is for predicting bit t + 1 from bits 0..t when the stream starts
    at a triple boundary: a random bit (variance 1/4) unless bit t + 1 is the
    third of its triple, which the two before it fix (0). Length ``n_bits - 1``.
    """
    n_bits = check_size("n_bits", n_bits)
    check_alloc(f"n_bits={n_bits}", n_bits)
    positions = np.arange(1, n_bits)
    return np.where(positions % 3 == 2, 0.0, 0.25)


# ------------------------------------------------------------- letter sequences

FEATURES = ("consonantal", "vocalic", "interrupted", "high", "back", "voiced")
"""The six features (bits) of each letter, in the order of the paper's Table 1."""

LETTER_CODES = MappingProxyType(
    {
        "b": (1, 0, 1, 0, 0, 1),
        "d": (1, 0, 1, 1, 0, 1),
        "g": (1, 0, 1, 0, 1, 1),
        "a": (0, 1, 0, 0, 1, 1),
        "i": (0, 1, 0, 1, 0, 1),
        "u": (0, 1, 0, 1, 1, 1),
    }
)
"""Feature vectors of the six letters (Elman 1990, Table 1), in ``FEATURES`` order."""

SYLLABLES = MappingProxyType({"b": "ba", "d": "dii", "g": "guuu"})
"""The rule that replaces each consonant by a syllable."""

CONSONANTS = tuple(SYLLABLES)


def _consonant_probs(probs):
    """Check a distribution over b, d, g given as a dict or a sequence of 3 numbers."""
    if probs is None:
        return np.full(3, 1.0 / 3.0)
    if isinstance(probs, dict):
        unknown = set(probs) - set(CONSONANTS)
        if unknown:
            raise ValueError(
                f"probs may only name the consonants {CONSONANTS}, got {sorted(unknown)}"
            )
        probs = [probs.get(c, 0.0) for c in CONSONANTS]
    p = as_float_array("probs", probs)
    if p.shape != (3,):
        raise ValueError(
            f"probs must give one probability for each of b, d, g (3 numbers), got shape {p.shape}"
        )
    if np.any(p < 0) or not np.isclose(p.sum(), 1.0):
        raise ValueError(f"probs must be non-negative and sum to 1, got {p.tolist()}")
    return p


def letter_stream(n_consonants, seed=0, probs=None):
    """Elman's letter sequence (chapter 06) as a string, e.g. ``"diibaguuu..."``.

    ``n_consonants`` consonants are drawn independently from b, d, g (equally
    likely unless ``probs`` says otherwise) and each is replaced by its
    syllable: b -> ba, d -> dii, g -> guuu.
    """
    n_consonants = check_size("n_consonants", n_consonants)
    check_alloc(
        f"n_consonants={n_consonants}", n_consonants, 8 + 4 + 8
    )  # picks, letters, the list joined
    p = _consonant_probs(probs)
    picks = _rng(seed).choice(3, size=n_consonants, p=p)
    return "".join(SYLLABLES[CONSONANTS[k]] for k in picks)


def _check_letters(letters, alphabet, min_length=2):
    """A string of at least ``min_length`` letters, each of which has a code in ``alphabet``."""
    if not isinstance(letters, str):
        raise TypeError(f"letters must be a string such as 'badii', got {type(letters).__name__}")
    if len(letters) < min_length:
        raise ValueError(
            f"letters must hold at least {min_length} letters to predict one from another, "
            f"got {len(letters)}"
        )
    bad = sorted(set(letters) - set(alphabet))
    if bad:
        raise ValueError(
            f"letters contains {bad}, which have no code; known letters: "
            f"{''.join(sorted(alphabet))}"
        )
    return letters


def encode_letters(letters, codes=None):
    """Code a string letter by letter (chapter 06): returns a float array (T, F).

    ``codes`` maps each letter to its bit vector; the default is the paper's
    six-feature table ``LETTER_CODES``.
    """
    codes = LETTER_CODES if codes is None else codes
    if not isinstance(codes, Mapping):
        raise TypeError(
            f"codes must be a dict mapping each letter to its bit vector, got "
            f"{type(codes).__name__}"
        )
    if not codes:
        raise ValueError("codes must map at least one letter to its bit vector, got an empty dict")
    table = {}
    for k, v in codes.items():
        if not isinstance(k, str) or len(k) != 1:
            raise TypeError(f"codes must be keyed by single characters, got the key {k!r}")
        arr = as_float_array(f"codes[{k!r}]", v)
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(
                f"codes[{k!r}] must be a 1-D vector of at least one bit, got shape {arr.shape}"
            )
        table[k] = arr
    widths = {arr.size for arr in table.values()}
    if len(widths) != 1:
        raise ValueError(
            f"every code must have the same number of bits, got lengths {sorted(widths)}"
        )
    width = widths.pop()
    _check_letters(letters, codes, min_length=0)
    check_alloc(f"letters of length {len(letters)} with {width}-bit codes", len(letters) * width)
    if not letters:
        return np.zeros((0, width))
    return np.stack([table[ch] for ch in letters])


def syllable_positions(letters):
    """For each letter: its place in its syllable (0 for the consonant) (chapter 06).

    Raises ValueError unless the string is a run of whole syllables ba, dii,
    guuu, possibly cut short at the end.
    """
    _check_letters(letters, LETTER_CODES)
    out = np.empty(len(letters), dtype=int)
    i = 0
    while i < len(letters):
        c = letters[i]
        if c not in SYLLABLES:
            raise ValueError(
                "letters must follow b->ba, d->dii, g->guuu: "
                f"expected a consonant at position {i}, got {c!r}"
            )
        syl = SYLLABLES[c]
        piece = letters[i : i + len(syl)]
        if piece != syl[: len(piece)]:
            raise ValueError(
                f"letters must follow b->ba, d->dii, g->guuu: {piece!r} at position {i} is not the "
                f"start of {syl!r}"
            )
        out[i : i + len(piece)] = np.arange(len(piece))
        i += len(piece)
    return out


def onset_variance(probs=None):
    """Variance of each of the six bits of a consonant drawn with ``probs`` (chapter 06).

    When a syllable ends, the next letter is b, d or g (equally likely by
    default) and nothing in the past tells which. The best guess of a bit is
    then its mean, and the expected squared error of that guess is the bit's
    variance under the consonant distribution.
    """
    p = _consonant_probs(probs)
    C = np.array([LETTER_CODES[c] for c in CONSONANTS], dtype=float)  # (3, 6)
    mean = p @ C
    return p @ (C - mean) ** 2


def letter_error_floor(letters, probs=None):
    """The least expected squared error per bit of any next-letter predictor (chapter 06).

    Returns an array (T - 1, 6): row t is for predicting letter t + 1 from
    letters 0..t. Given the past, every letter is fixed by the syllable rules
    except a consonant that starts a new syllable, which is one of b, d, g
    drawn afresh; there the floor is ``onset_variance(probs)``, elsewhere 0.
    """
    pos = syllable_positions(letters)
    onset = pos[1:] == 0
    return np.outer(onset, onset_variance(probs))


# ---------------------------------------------------------------------- words

LEXICON = MappingProxyType(
    {
        "DET": ("the", "a"),
        "NOUN": ("boy", "girl", "dog", "cat", "lion"),
        "FOOD": ("cookie",),
        "VERB_T": ("sees", "chases", "likes"),
        "VERB_EAT": ("eats",),
        "VERB_I": ("sleeps", "runs"),
        "ADV": ("happily",),
    }
)
"""A 15-word lexicon by word class, in the spirit of Elman's word experiment.

The tables of this module are read-only (``MappingProxyType`` of tuples), so no
caller can change what later calls compute."""

TEMPLATES = (
    ("DET", "NOUN", "VERB_T", "DET", "NOUN"),
    ("DET", "NOUN", "VERB_EAT", "DET", "FOOD"),
    ("DET", "NOUN", "VERB_I"),
    ("DET", "NOUN", "VERB_I", "ADV"),
)
"""Sentence templates: a sentence is a template with a random word of each class."""


def sentences(n_sentences, seed=0):
    """``n_sentences`` random sentences, each a list of words (chapter 06)."""
    n_sentences = check_size("n_sentences", n_sentences)
    check_alloc(
        f"n_sentences={n_sentences}", n_sentences, 128
    )  # a list of up to 5 words per sentence
    rng = _rng(seed)
    out = []
    for k in rng.integers(0, len(TEMPLATES), size=n_sentences):
        out.append([LEXICON[cls][rng.integers(len(LEXICON[cls]))] for cls in TEMPLATES[k]])
    return out


def word_stream(n_sentences, seed=0):
    """Sentences run together without spaces (chapter 06).

    Returns ``(letters, onsets, words)``: the letters as one string, a bool
    array marking the first letter of every word, and the list of words.
    """
    words = [w for s in sentences(n_sentences, seed) for w in s]
    onsets = np.zeros(sum(map(len, words)), dtype=bool)
    onsets[np.cumsum([0] + [len(w) for w in words[:-1]])] = True
    return "".join(words), onsets, words


def random_letter_codes(alphabet, n_bits=5, seed=0):
    """Give each letter a different random ``n_bits``-bit code (chapter 06).

    Elman coded the letters of his word experiment as random 5-bit vectors.
    Codes are distinct and never all zeros. Returns a dict letter -> int array
    (each its own array). The codes are drawn from a table of all 2**n_bits - 1
    non-zero codes, so a table larger than the machine can hold is refused at once.
    """
    n_bits = check_size("n_bits", n_bits)
    try:
        letters = sorted(set(alphabet))
    except TypeError:  # not a collection, or characters mixed with other things
        raise TypeError(
            f"alphabet must be a string (or collection) of single characters, got {alphabet!r}"
        ) from None
    if not letters or not all(isinstance(ch, str) and len(ch) == 1 for ch in letters):
        raise ValueError("alphabet must be a non-empty string (or collection) of single characters")
    if len(letters) > 2**n_bits - 1:
        raise ValueError(
            f"{len(letters)} letters need more than {n_bits} bits: n_bits={n_bits} gives "
            f"only {2**n_bits - 1} distinct non-zero codes"
        )
    check_alloc(f"n_bits={n_bits}", 2**n_bits - 1)  # the table of candidate codes below
    code_numbers = _rng(seed).choice(np.arange(1, 2**n_bits), size=len(letters), replace=False)
    bits = (code_numbers[:, None] >> np.arange(n_bits)[::-1]) & 1
    return {ch: b.copy() for ch, b in zip(letters, bits, strict=True)}


# ------------------------------------------------------------- batching helpers


def next_step_pairs(codes):
    """Inputs and targets for next-step prediction (chapter 06): ``(codes[:-1], codes[1:])``.

    ``codes`` is a coded stream (T, F) or a batch of streams (T, N, F), time
    first; a 1-D bit stream becomes (T, 1). Step t of the target is step t + 1
    of the stream.
    """
    arr = as_float_array("codes", codes)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim not in (2, 3) or arr.shape[0] < 2 or arr.size == 0:
        raise ValueError(
            f"codes must be a stream (T, F) or streams (T, N, F) with T >= 2 and N, F >= 1, "
            f"got shape {arr.shape}"
        )
    return arr[:-1].copy(), arr[1:].copy()


def parallel_streams(codes, n_streams):
    """Cut a long stream (L, F) into ``n_streams`` consecutive pieces, time-major (T, N, F) (chapter
    06).

    Piece n is ``codes[n*T:(n+1)*T]`` with ``T = L // n_streams``; the last
    ``L % n_streams`` steps are dropped. A 1-D stream is treated as (L, 1).
    Training on the pieces side by side does one time loop for all of them.
    """
    arr = as_float_array("codes", codes)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[1] == 0:
        raise ValueError(
            f"codes must be a stream of shape (L, F) with F >= 1, got shape {arr.shape}"
        )
    n_streams = check_size("n_streams", n_streams)
    T = arr.shape[0] // n_streams
    if T < 1:
        raise ValueError(
            f"codes of {arr.shape[0]} steps cannot be cut into n_streams={n_streams} pieces "
            "of at least one step each"
        )
    return arr[: T * n_streams].reshape(n_streams, T, -1).transpose(1, 0, 2).copy()


def squared_errors(model, X, target, h0=None):
    """Squared error of each sigmoid output at each step (chapter 06).

    Runs ``model.forward(X, h0)``, squashes the outputs with the logistic
    sigmoid (the output units of Elman's network, and the ones the "bce" loss
    trains) and returns ``(sigmoid(Y) - target) ** 2`` with the shape of Y.
    """
    check_instance("model", model, Model, "an rnnlib network (ElmanRNN, JordanRNN or FeedForward)")
    _, Y = model.forward(X, h0)
    target = as_float_array("target", target)
    if target.shape != Y.shape:
        raise ValueError(f"target must have the shape of the outputs {Y.shape}, got {target.shape}")
    return (sigmoid(Y) - target) ** 2


# ------------------------------------------------- lexical classes from word order

WORD_CLASSES = MappingProxyType(
    {
        "NOUN_HUMAN": ("man", "woman", "girl"),
        "NOUN_ANIMAL": ("cat", "mouse", "dog"),
        "NOUN_PREDATOR": ("dragon", "monster", "lion"),
        "NOUN_THING": ("book", "rock", "car"),
        "NOUN_FRAGILE": ("glass", "plate"),
        "NOUN_FOOD": ("cookie", "bread", "sandwich"),
        "VERB_INTRANS": ("think", "sleep"),
        "VERB_TRANS": ("see", "chase"),
        "VERB_AGPAT": ("move", "break"),
        "VERB_PERCEPT": ("smell", "notice"),
        "VERB_DESTROY": ("smash", "shatter"),
        "VERB_EAT": ("eat",),
    }
)
"""A 28-word lexicon in 12 classes, modelled on the categories of Elman (1990), Table 3.

It is not the paper's 29-word lexicon (its figure 7): *boy*, *like* and *exist*
are missing, *notice* and *shatter* are not in the paper, and every word belongs
to one class only (the paper lists *see* and *break* under two verb classes each)."""

ANIMATE_CLASSES = ("NOUN_HUMAN", "NOUN_ANIMAL", "NOUN_PREDATOR")
"""The noun classes whose members act as the subject of most frames (the rest are inanimate)."""

CLASS_FRAMES = (
    ("NOUN_HUMAN", "VERB_EAT", "NOUN_FOOD"),
    ("NOUN_HUMAN", "VERB_PERCEPT", "NOUN_THING"),
    ("NOUN_HUMAN", "VERB_DESTROY", "NOUN_FRAGILE"),
    ("NOUN_HUMAN", "VERB_INTRANS"),
    ("NOUN_HUMAN", "VERB_TRANS", "NOUN_HUMAN"),
    ("NOUN_HUMAN", "VERB_AGPAT", "NOUN_THING"),
    ("NOUN_HUMAN", "VERB_AGPAT"),
    ("NOUN_ANIMAL", "VERB_EAT", "NOUN_FOOD"),
    ("NOUN_ANIMAL", "VERB_TRANS", "NOUN_ANIMAL"),
    ("NOUN_ANIMAL", "VERB_AGPAT", "NOUN_THING"),
    ("NOUN_ANIMAL", "VERB_AGPAT"),
    ("NOUN_THING", "VERB_AGPAT"),
    ("NOUN_PREDATOR", "VERB_DESTROY", "NOUN_FRAGILE"),
    ("NOUN_PREDATOR", "VERB_EAT", "NOUN_HUMAN"),
    ("NOUN_PREDATOR", "VERB_EAT", "NOUN_ANIMAL"),
    ("NOUN_PREDATOR", "VERB_EAT", "NOUN_FOOD"),
)
"""Sentence frames of two or three words, the 16 templates of Elman (1990), Table 4 (its text
says 15): a sentence is a frame with a random word of each class."""

VOCABULARY = tuple(w for words in WORD_CLASSES.values() for w in words)
"""The words of ``WORD_CLASSES`` in order (nouns first); a word's number is its place here."""


def vocabulary(classes=WORD_CLASSES):
    """The words of a lexicon in order of first appearance (``VOCABULARY`` for the book's): a word
    that the lexicon lists under two classes (the paper's *see*, *break*) has one number."""
    return tuple(dict.fromkeys(w for words in classes.values() for w in words))


def _check_classes(classes):
    """A lexicon: every class that ``CLASS_FRAMES`` names, each with at least one word."""
    if not hasattr(classes, "keys"):
        raise TypeError(f"classes must be a dict class -> words, got {type(classes).__name__}")
    needed = sorted({cls for frame in CLASS_FRAMES for cls in frame})
    missing = [cls for cls in needed if not classes.get(cls)]
    if missing:
        raise ValueError(
            f"classes must give words for every class of CLASS_FRAMES; none for {missing}"
        )
    return classes


def class_sentences(n_sentences, seed=0, classes=WORD_CLASSES):
    """``n_sentences`` random sentences from ``CLASS_FRAMES``, each a list of words (chapter 06).

    Each sentence picks a frame at random (all equally likely) and a random word
    of each class named by the frame, from the lexicon ``classes`` (the book's
    ``WORD_CLASSES`` unless given, e.g. the paper's 29 words).
    """
    n_sentences = check_size("n_sentences", n_sentences)
    check_alloc(
        f"n_sentences={n_sentences}", n_sentences, 128
    )  # a list of up to 3 words per sentence
    classes = _check_classes(classes)
    rng = _rng(seed)
    out = []
    for k in rng.integers(0, len(CLASS_FRAMES), size=n_sentences):
        frame = CLASS_FRAMES[k]
        out.append([classes[cls][rng.integers(len(classes[cls]))] for cls in frame])
    return out


def word_numbers(n_sentences, seed=0, classes=WORD_CLASSES):
    """Sentences of ``class_sentences`` run together: one int per word, its place in
    ``vocabulary(classes)`` (``VOCABULARY`` for the book's lexicon; chapter 06).

    Nothing marks where a sentence ends: the network sees one word after
    another, as in the paper.
    """
    index = {w: i for i, w in enumerate(vocabulary(classes))}
    sentences = class_sentences(n_sentences, seed, classes)
    return np.array([index[w] for s in sentences for w in s], dtype=int)
