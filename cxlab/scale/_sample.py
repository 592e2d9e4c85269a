"""A seeded sample of rows that does not depend on chunk size, engine or resume point.

Each row position ``r`` gets the key ``splitmix64(r + splitmix64(random_state))`` (a bijection
on 64-bit integers, so keys never tie); the sample is the ``sample_size`` rows with the smallest
keys, kept in one pass with bounded memory (a running bottom-k). It is a uniform random sample
without replacement, and because a key depends only on the row and the seed, any chunking of
the input gives the same sample. With no more rows than ``sample_size``, every row is kept.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["row_keys", "BottomK"]

_M1, _M2, _GOLD = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB), np.uint64(0x9E3779B97F4A7C15)


def _splitmix64(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        z = x + _GOLD
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        return z ^ (z >> np.uint64(31))


def row_keys(rows: np.ndarray, random_state: int) -> np.ndarray:
    """Sampling key per row position (uint64)."""
    salt = _splitmix64(np.asarray([random_state], dtype=np.uint64))[0]
    with np.errstate(over="ignore"):
        return _splitmix64(np.asarray(rows, dtype=np.uint64) + salt)


class BottomK:
    """Keep the ``k`` rows with the smallest keys seen so far (texts included)."""

    def __init__(self, k: int, random_state: int):
        self.k = int(k)
        self.random_state = int(random_state)
        self.keys = np.zeros(0, dtype=np.uint64)
        self.rows = np.zeros(0, dtype=np.int64)
        self.texts = np.zeros(0, dtype=object)
        self.n_seen = 0

    def add(self, texts: pd.Series) -> None:
        """Offer a chunk (index = global row positions)."""
        rows = texts.index.to_numpy(dtype=np.int64)
        self.n_seen += len(rows)
        keys = np.concatenate([self.keys, row_keys(rows, self.random_state)])
        all_rows = np.concatenate([self.rows, rows])
        all_texts = np.concatenate([self.texts, texts.astype(object).to_numpy()])
        if len(keys) > self.k:
            keep = np.argpartition(keys, self.k - 1)[: self.k]
            keys, all_rows, all_texts = keys[keep], all_rows[keep], all_texts[keep]
        self.keys, self.rows, self.texts = keys, all_rows, all_texts

    def sample(self) -> pd.Series:
        """The sampled texts in input order, indexed by row position."""
        order = np.argsort(self.rows, kind="stable")
        return pd.Series(self.texts[order], index=pd.Index(self.rows[order]), dtype=object)


def sample_rows(n_rows: int, k: int, random_state: int) -> np.ndarray:
    """The row positions :class:`BottomK` keeps from ``n_rows`` rows, sorted (no texts needed)."""
    rows = np.arange(n_rows, dtype=np.int64)
    if n_rows <= k:
        return rows
    keys = row_keys(rows, random_state)
    return np.sort(np.argpartition(keys, k - 1)[:k])
