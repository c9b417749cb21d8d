"""Copies of one story across outlets: MinHash fingerprints of the text and the test that two
are the same story. Pure: text in, numbers out (no Django), so it is easy to test and bench.

A text's *shingles* are its runs of `SHINGLE_WORDS` consecutive words, case-folded, with the
punctuation dropped (outlets retype quotation marks and dashes). Two copies of one story share
most of them; two stories on one topic share names and stock phrases ("said in a statement")
but hardly any run of five words.

The fingerprint is a one-permutation MinHash (Li, Owen and Zhang 2012): every shingle is
hashed once, the hash's top bits pick one of `BINS` bins and each bin keeps its smallest
value; empty bins borrow the next full one's value (rotation, Shrivastava and Li 2014). The
share of bins two fingerprints agree on estimates the Jaccard similarity of their shingles.
Classic MinHash hashes every shingle once per permutation (128 times); this hashes it once,
which keeps the indexer's cost per article near a millisecond (bench/copies.py measures it).

The bins are cut into `BANDS` bands of `BAND_ROWS`; a band's hash is stored in an indexed
array (GIN), so the articles that might be copies of one are those sharing a band: one
indexed query, not a scan. Whether a candidate is a copy is then decided on the estimate.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

SHINGLE_WORDS = 5
BINS = 128
BAND_ROWS = 2
BANDS = BINS // BAND_ROWS
# Fewer shingles than this and a text is too short to tell a copy from a shared stock
# paragraph (a one-line brief, a photo caption): it gets no fingerprint.
MIN_SHINGLES = 20
# Two texts are copies when the shorter one's shingles are mostly in the other: an outlet
# that trims the story to its first half still runs a copy; a follow-up story that quotes
# two paragraphs of the first does not. Measured by bench/copies.py on 1,015 generated texts
# (copies: median 0.96, 1st percentile 0.63; different stories sharing a band: at most
# 0.62, a follow-up quoting a third of a short story): precision 0.999, recall 0.991.
COPY_THRESHOLD = 0.6

_VALUE_BITS = 50
_VALUE_MASK = (1 << _VALUE_BITS) - 1
_BIN_SHIFT = 64 - (BINS - 1).bit_length()
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Fingerprint:
    """A text's MinHash: `signature` (BINS values), its `bands` hashes (for the index) and
    how many distinct shingles it had (to turn the Jaccard estimate into an overlap)."""

    signature: tuple[int, ...]
    bands: tuple[int, ...]
    shingles: int


def shingles(text: str) -> set[bytes]:
    """The text's runs of SHINGLE_WORDS words, case-folded, without punctuation."""
    words = [word.encode() for word in _WORD.findall(text.casefold())]
    # Each run as a tuple of SHINGLE_WORDS words side by side (zip of shifted lists): the
    # same shingles as slicing and joining, in half the time.
    shifted = (words[i:] for i in range(SHINGLE_WORDS))
    return set(map(b" ".join, zip(*shifted, strict=False)))


def fingerprint(text: str) -> Fingerprint | None:
    """The text's fingerprint, or None when it has fewer than MIN_SHINGLES shingles."""
    found = shingles(text)
    if len(found) < MIN_SHINGLES:
        return None
    bins: list[int | None] = [None] * BINS
    # The indexer's hottest loop (every shingle of every article): each shingle's 64-bit
    # BLAKE2b, its top bits the bin, the rest the value; names bound locally.
    blake2b, from_bytes, shift, mask = hashlib.blake2b, int.from_bytes, _BIN_SHIFT, _VALUE_MASK
    for shingle in found:
        hashed = from_bytes(blake2b(shingle, digest_size=8).digest(), "big")
        index, value = hashed >> shift, hashed & mask
        current = bins[index]
        if current is None or value < current:
            bins[index] = value
    signature = []
    for index in range(BINS):
        # An empty bin takes the next full bin's value, offset by the distance so that it
        # never equals a real value (two texts agree on it only when they agree there).
        for distance in range(BINS):
            found_value = bins[(index + distance) % BINS]
            if found_value is not None:
                signature.append(found_value + (distance << _VALUE_BITS))
                break
    return Fingerprint(tuple(signature), band_hashes(signature), len(found))


def band_hashes(signature: tuple[int, ...] | list[int]) -> tuple[int, ...]:
    """One signed 64-bit hash per band (PostgreSQL's bigint), the band's number in it."""
    bands = []
    for band in range(BANDS):
        rows = signature[band * BAND_ROWS : (band + 1) * BAND_ROWS]
        data = b"%d:" % band + b",".join(b"%d" % value for value in rows)
        digest = hashlib.blake2b(data, digest_size=8).digest()
        bands.append(int.from_bytes(digest, "big", signed=True))
    return tuple(bands)


def jaccard(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """The estimated Jaccard similarity of two signatures' shingles."""
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / BINS


def overlap(jaccard_estimate: float, shingles_a: int, shingles_b: int) -> float:
    """The estimated share of the shorter text's shingles found in the other.

    From J = |A∩B| / |A∪B| and |A∪B| = |A| + |B| - |A∩B|: |A∩B| = J(|A| + |B|) / (1 + J).
    """
    shorter = min(shingles_a, shingles_b)
    if shorter == 0:
        return 0.0
    common = jaccard_estimate * (shingles_a + shingles_b) / (1 + jaccard_estimate)
    return min(1.0, common / shorter)


def copy_similarity(a: Fingerprint, b: Fingerprint) -> float:
    """How much of one story the other runs (see `overlap`): 1.0 for the same text."""
    return overlap(jaccard(a.signature, b.signature), a.shingles, b.shingles)


def is_copy(a: Fingerprint, b: Fingerprint) -> bool:
    return copy_similarity(a, b) >= COPY_THRESHOLD
