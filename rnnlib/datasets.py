"""Real data sets shipped inside rnnlib (chapters 07 and 08).

The files live in ``rnnlib/data/``; their source, licence and units are written
in ``rnnlib/data/README.md``. Loaders read them with the standard library only
and check them, so a damaged or edited file fails loudly instead of silently
changing a chapter's numbers.
"""

import csv
import os
import re
from importlib import resources
from pathlib import Path

import numpy as np

from ._checks import check_bool

SUNSPOTS_FILE = "sunspots.csv"
SUNSPOTS_HEADER = ("year", "sunspots")
AUSTEN_FILE = "pride_and_prejudice_vol1.txt"


def _open_data(name, path):
    if path is not None:
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(
                f"path must be None or a file path (str or os.PathLike), got {type(path).__name__}"
            )
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"no data file at the given path: {path}")
        return path.open(newline="", encoding="utf-8")
    return (
        resources.files("rnnlib")
        .joinpath("data")
        .joinpath(name)
        .open("r", newline="", encoding="utf-8")
    )


def load_sunspots(path=None):
    """Yearly mean sunspot numbers 1700-2008 (chapter 07): returns ``(years, values)``.

    ``years`` is an int array (309,), 1700, 1701, ..., 2008; ``values`` a float
    array (309,) of yearly mean total sunspot numbers, version 1 of the series
    (SIDC / WDC-SILSO, Royal Observatory of Belgium; public domain, as shipped
    with statsmodels; see ``rnnlib/data/README.md``). ``path`` reads another
    file of the same format (header ``year,sunspots``) instead of the shipped one.

    The file is checked: the header, whole-number years one apart with no gaps
    or repeats, and finite non-negative values; anything else raises ValueError.
    Each call returns new arrays.
    """
    with _open_data(SUNSPOTS_FILE, path) as fh:
        rows = list(csv.reader(fh))
    rows = [r for r in rows if r]  # tolerate a trailing blank line
    if not rows or tuple(c.strip().lower() for c in rows[0]) != SUNSPOTS_HEADER:
        got = rows[0] if rows else "an empty file"
        raise ValueError(f"sunspot file must start with the header 'year,sunspots', got {got}")
    years, values = [], []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != 2:
            raise ValueError(
                f"sunspot file line {line}: expected 2 fields (year, sunspots), got {len(row)}: "
                f"{row}"
            )
        try:
            year, value = int(row[0]), float(row[1])
        except ValueError:
            raise ValueError(
                f"sunspot file line {line}: expected a whole-number year and a number, got {row}"
            ) from None
        if not np.isfinite(value) or value < 0:
            raise ValueError(
                f"sunspot file line {line}: sunspot numbers are finite and non-negative, got "
                f"{value}"
            )
        years.append(year)
        values.append(value)
    if not years:
        raise ValueError("sunspot file has a header but no data rows")
    years = np.array(years, dtype=int)
    steps = np.diff(years)
    if np.any(steps != 1):
        k = int(np.flatnonzero(steps != 1)[0])
        raise ValueError(
            f"sunspot years must be consecutive (one row per year, in order); "
            f"{years[k]} is followed by {years[k + 1]}"
        )
    return years, np.array(values, dtype=float)


def load_austen(path=None, prose_only=False, lower=False):
    """Jane Austen, *Pride and Prejudice* (1813), Volume I, as one string (chapter 08).

    Public domain; from Project Gutenberg (eBook #1342) as packaged in the R
    package janeaustenr, one paragraph per line, Project Gutenberg's italics
    underscores removed (``rnnlib/data/README.md``; made by
    ``scripts/make_austen_text.py``). ``prose_only=True`` leaves out the title,
    the author line and the chapter headings ("Chapter 1", ...); ``lower=True``
    folds capitals to lower case (chapter 08 does both, to keep the alphabet
    small). ``path`` reads another plain-text file instead. The text must be
    non-empty ASCII, else ValueError.
    """
    prose_only, lower = check_bool("prose_only", prose_only), check_bool("lower", lower)
    with _open_data(AUSTEN_FILE, path) as fh:
        text = fh.read()
    if not text:
        raise ValueError("the text file is empty")
    if not text.isascii():
        bad = sorted({c for c in text if not c.isascii()})
        raise ValueError(
            f"the text file must be ASCII (chapter 08's alphabet), got {''.join(bad[:10])!r}"
        )
    if prose_only:
        lines = text.split("\n")
        text = "\n".join(line for line in lines[2:] if not re.fullmatch(r"Chapter \d+", line))
    return text.lower() if lower else text
