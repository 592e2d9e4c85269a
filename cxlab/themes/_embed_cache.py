"""On-disk cache of sentence embeddings, keyed by model identity + text hash.

Layout: ``<cache_dir>/<model_key>/shard-<digest>.npz``, each shard holding ``keys`` (SHA-1 of
the UTF-8 text, 20 bytes each) and ``vectors`` (float32, one row per key). A run that embeds
new texts writes one new shard (to a temporary file, then ``os.replace``: readers never see
half a shard, and two processes writing at once only duplicate work). Texts themselves are
never stored, only their hashes; vectors of one model never mix with another's because the
model key (a digest of the model's identity, see :func:`cxlab.themes._embeddings.model_identity`)
names the folder.

The default folder is ``$CXLAB_CACHE_DIR/embeddings`` when that variable is set, else
``~/.cache/cxlab/embeddings``. Deleting the folder is always safe.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import numpy as np

__all__ = ["EmbeddingCache", "default_cache_dir", "text_keys"]


def default_cache_dir() -> Path:
    """``$CXLAB_CACHE_DIR/embeddings`` if set, else ``~/.cache/cxlab/embeddings``."""
    root = os.environ.get("CXLAB_CACHE_DIR")
    return Path(root) / "embeddings" if root else Path.home() / ".cache" / "cxlab" / "embeddings"


def text_keys(texts: list[str]) -> np.ndarray:
    """SHA-1 digest (20 bytes) of each text, as a fixed-width bytes array."""
    return np.asarray([hashlib.sha1(t.encode("utf-8", "surrogatepass")).digest() for t in texts],
                      dtype="S20")


class EmbeddingCache:
    """Vectors of one model, found by text hash; ``None`` folder = no caching."""

    def __init__(self, folder: Path | None, model_key: str):
        self.folder = None if folder is None else Path(folder) / model_key
        self._index: dict[bytes, tuple[Path, int]] | None = None

    def _load_index(self) -> dict[bytes, tuple[Path, int]]:
        if self._index is None:
            self._index = {}
            if self.folder is not None and self.folder.is_dir():
                for shard in sorted(self.folder.glob("shard-*.npz")):
                    try:
                        with np.load(shard) as z:
                            keys = z["keys"]
                    except (OSError, ValueError, KeyError):
                        continue  # a damaged shard is ignored; its texts are embedded again
                    for i, k in enumerate(keys.tolist()):
                        self._index.setdefault(k, (shard, i))
        return self._index

    def get(self, keys: np.ndarray, dim: int | None = None) -> tuple[np.ndarray, np.ndarray | None]:
        """Return ``(found, vectors)``: a mask of cached keys and their rows (others zero)."""
        index = self._load_index()
        found = np.asarray([k in index for k in keys.tolist()], dtype=bool)
        if not found.any():
            return found, None
        by_shard: dict[Path, list[tuple[int, int]]] = {}
        for pos in np.flatnonzero(found):
            shard, row = index[keys[pos]]
            by_shard.setdefault(shard, []).append((int(pos), row))
        out = None
        for shard, pairs in by_shard.items():
            with np.load(shard) as z:
                vecs = z["vectors"]
            if out is None:
                out = np.zeros((len(keys), vecs.shape[1]), dtype=np.float32)
            pos, rows = np.asarray(pairs).T
            out[pos] = vecs[rows]
        return found, out

    def put(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        """Store new vectors as one shard (atomic); no-op without a folder or rows."""
        if self.folder is None or not len(keys):
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha1(keys.tobytes()).hexdigest()[:16]
        final = self.folder / f"shard-{digest}.npz"
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".npz")
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, keys=keys, vectors=np.asarray(vectors, dtype=np.float32))
            os.replace(tmp, final)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        index = self._load_index()
        for i, k in enumerate(keys.tolist()):
            index.setdefault(k, (final, i))
