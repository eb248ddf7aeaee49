"""Make ``rnnlib/data/pride_and_prejudice_vol1.txt`` (chapter 08) from a Debian package.

The text is Volume I (chapters 1-23) of Jane Austen's *Pride and Prejudice*
(1813; public domain), as shipped by the R package janeaustenr 1.0.0, which took
it from Project Gutenberg (eBook #1342) with Project Gutenberg's header and
licence already removed. Debian packages janeaustenr as ``r-cran-janeaustenr``;
R is not needed, this script reads R's lazy-load data files itself.

    apt-get download r-cran-janeaustenr          # r-cran-janeaustenr_1.0.0-1_all.deb
    dpkg-deb -x r-cran-janeaustenr_1.0.0-1_all.deb pkg
    python scripts/make_austen_text.py pkg/usr/lib/R/site-library/janeaustenr/data/Rdata

Cleaning (all of it): keep the lines before the heading "Chapter 24" (the start
of Volume II); join the lines of each paragraph (paragraphs are separated by
blank lines in the source) with single spaces, so that a line break in the
result means a new paragraph, not the width of a printed page; remove the
underscores with which Project Gutenberg marks italics (``_You_`` -> ``You``).
Nothing else is changed. The result is pure ASCII. rnnlib/data/README.md records
its SHA-256, which tests/test_text.py checks.
"""

import gzip
import hashlib
import struct
import sys
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "rnnlib" / "data" / "pride_and_prejudice_vol1.txt"


class _Unserializer:
    """R's XDR serialisation format, only as much as janeaustenr's data needs."""

    def __init__(self, data):
        self.data, self.pos, self.refs = data, 0, []

    def _int(self):
        (value,) = struct.unpack(">i", self.data[self.pos : self.pos + 4])
        self.pos += 4
        return value

    def _bytes(self, n):
        value = self.data[self.pos : self.pos + n]
        self.pos += n
        return value

    def read(self):
        if self._bytes(2) != b"X\n":
            raise ValueError("not an R object in XDR format")
        version = self._int()
        self._int(), self._int()  # writer's and minimal reader's R versions
        if version == 3:
            self._bytes(self._int())  # native encoding name
        return self._item()

    def _item(self):
        flags = self._int()
        kind = flags & 0xFF
        if kind in (254, 242):  # NULL, empty environment
            return None
        if kind == 255:  # reference to an earlier symbol
            return self.refs[(flags >> 8) - 1]
        if kind == 1:  # symbol
            symbol = ("symbol", self._item())
            self.refs.append(symbol)
            return symbol
        if kind == 9:  # one string
            n = self._int()
            return None if n == -1 else self._bytes(n).decode("utf-8")
        if kind == 2:  # pair list (attributes)
            attributes = self._item() if flags & (1 << 9) else None
            tag = self._item() if flags & (1 << 10) else None
            head, tail = self._item(), self._item()
            return [(tag, head)] + (tail or [])
        if kind in (16, 19):  # character vector, list
            value = [self._item() for _ in range(self._int())]
        elif kind in (10, 13):  # logical, integer vector
            n = self._int()
            value = list(struct.unpack(f">{n}i", self._bytes(4 * n)))
        else:
            raise ValueError(f"R object of type {kind} is not supported")
        attributes = self._item() if flags & (1 << 9) else None
        names = dict(attributes or []).get(("symbol", "names"))
        return dict(zip(names, value, strict=True)) if names else value


def read_lazyload(prefix):
    """All objects of an R lazy-load database ``prefix.rdx`` / ``prefix.rdb``, by name."""
    index = _Unserializer(gzip.decompress(Path(f"{prefix}.rdx").read_bytes())).read()
    blob = Path(f"{prefix}.rdb").read_bytes()
    out = {}
    for name, (offset, length) in index["variables"].items():
        out[name] = _Unserializer(zlib.decompress(blob[offset + 4 : offset + length])).read()
    return out


def clean(lines):
    """Volume I, one paragraph per line, without the italics underscores (see the module
    docstring)."""
    lines = lines[: lines.index("Chapter 24")]
    paragraphs, current = [], []
    for line in lines + [""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    return "\n".join(paragraphs).replace("_", "") + "\n"


def main(prefix):
    text = clean(read_lazyload(prefix)["prideprejudice"])
    text.encode("ascii")  # fails loudly on anything unexpected
    OUT.write_text(text, encoding="ascii", newline="\n")
    print(f"{OUT.name}: {len(text)} characters, sha256 {hashlib.sha256(text.encode()).hexdigest()}")


if __name__ == "__main__":
    main(sys.argv[1])
