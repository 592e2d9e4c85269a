"""Edits a researcher makes after reading the themes: rename, merge, drop.

Every edit changes the prototypes and names, then recomputes the training tables with the same
assignment rule used for new comments, so ``comments_``, ``assignments_``, ``get_theme_info()``
and later ``transform``/``predict`` always agree.
"""
from __future__ import annotations

import numpy as np
from sklearn.preprocessing import normalize

from cxlab.exceptions import ParameterError
from cxlab.themes._assign import UNTHEMED

__all__ = ["ThemeEditsMixin"]


class ThemeEditsMixin:
    def _check_ids(self, ids, what: str) -> None:
        self._check_fitted()
        unknown = [t for t in ids if t not in self.theme_ids_]
        if unknown:
            raise ParameterError(
                f"{what}: unknown theme id(s) {unknown}; the model has {list(self.theme_ids_)}."
            )

    def _need_training(self, what: str) -> None:
        if getattr(self, "_train", None) is None:
            raise ParameterError(
                f"{what}: this model was loaded from disk without its training comments, so its "
                "tables cannot be recomputed; edit before saving, or refit on the comments."
            )

    def rename_theme(self, theme_id: str, label: str):
        """Give theme ``theme_id`` a new readable ``label`` (ids stay stable). Returns self."""
        self._check_ids([theme_id], "rename_theme")
        if not str(label).strip():
            raise ParameterError("rename_theme: label must be a non-empty string.")
        self.labels_[theme_id] = str(label).strip()
        for table in ("assignments_",):
            t = getattr(self, table)
            t["theme_label"] = t["theme_id"].map(lambda x: self.labels_.get(x, x))
        self.comments_["primary_label"] = self.comments_["primary_theme"].map(lambda x: self.labels_.get(x, x))
        return self

    def merge_themes(self, theme_ids, *, label: str | None = None):
        """Merge themes into the first id given; prototypes are averaged by theme size. Returns self."""
        theme_ids = list(dict.fromkeys(theme_ids))
        self._check_ids(theme_ids, "merge_themes")
        if len(theme_ids) < 2:
            raise ParameterError(f"merge_themes: give at least two theme ids, got {theme_ids}.")
        self._need_training("merge_themes")
        pos = [self.theme_ids_.index(t) for t in theme_ids]
        sizes = self.comments_["primary_theme"].value_counts()
        w = np.array([max(int(sizes.get(t, 0)), 1) for t in theme_ids], dtype=float)
        merged = normalize((w[:, None] * self.components_[pos]).sum(axis=0, keepdims=True))[0]
        keep = [i for i in range(len(self.theme_ids_)) if i not in pos[1:]]
        C = self.components_.copy()
        C[pos[0]] = merged
        target = theme_ids[0]
        self.keywords_[target] = list(dict.fromkeys(sum((self.keywords_[t] for t in theme_ids), [])))[:8]
        self.labels_[target] = label or " + ".join(self.labels_[t] for t in theme_ids)
        self.anchored_[target] = any(self.anchored_[t] for t in theme_ids)
        self._remove(keep, C)
        return self

    def drop_theme(self, theme_id: str):
        """Remove a theme; its comments go to their next best theme or ``unthemed``. Returns self."""
        self._check_ids([theme_id], "drop_theme")
        if theme_id == UNTHEMED:
            raise ParameterError("drop_theme: 'unthemed' is not a theme and cannot be dropped.")
        self._need_training("drop_theme")
        i = self.theme_ids_.index(theme_id)
        keep = [j for j in range(len(self.theme_ids_)) if j != i]
        self._remove(keep, self.components_)
        return self

    def _remove(self, keep: list[int], C: np.ndarray) -> None:
        gone = [t for j, t in enumerate(self.theme_ids_) if j not in keep]
        self.components_ = C[keep]
        self.theme_ids_ = [self.theme_ids_[j] for j in keep]
        for d in (self.labels_, self.keywords_, self.anchored_, self.quotes_):
            for t in gone:
                d.pop(t, None)
        self.n_themes_ = len(self.theme_ids_)
        self._refresh_tables()
