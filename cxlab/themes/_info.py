"""What a fitted ThemeMiner found, as tables: one row per theme, and discovered themes that
repeat a named one. Mixed into :class:`~cxlab.themes.ThemeMiner`; needs its fitted attributes
(``theme_ids_``, ``labels_``, ``keywords_``, ``anchored_``, ``assignments_``, ``comments_``,
``quotes_`` and ``seeds_``)."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from cxlab.themes._assign import UNTHEMED

__all__ = ["ThemeInfoMixin", "theme_info_row"]


def theme_info_row(miner, theme_id: str, *, n_primary: int, n_total: int, n_comments: int,
                   sentiment_sum: float, n_negative: int) -> dict:
    """One row of :meth:`ThemeInfoMixin.get_theme_info` from counts, so the in-memory table and
    the out-of-core ones (built from streamed counts) are the same table."""
    m = int(n_comments)
    return {
        "theme_id": theme_id,
        "label": "unthemed" if theme_id == UNTHEMED else miner.labels_.get(theme_id, "no theme reached min_weight"),
        "keywords": ", ".join(miner.keywords_.get(theme_id, [])),
        "anchored": bool(miner.anchored_.get(theme_id, False)),
        "n_primary": int(n_primary),
        "share_primary": round(n_primary / n_total, 4) if n_total else 0.0,
        "n_comments": m,
        "mean_sentiment": round(float(sentiment_sum / m), 4) if m else np.nan,
        "pct_negative": round(float(n_negative / m * 100), 2) if m else np.nan,
        "quotes": " | ".join(miner.quotes_.get(theme_id, [])),
    }


#: words of a theme's name that do not say what it is about
_LABEL_FILLER = frozenset("and the for with not other issues issue problems problem general misc".split())


class ThemeInfoMixin:
    def seed_overlaps(self, *, top: int = 3) -> pd.DataFrame:
        """Discovered themes whose ``top`` keywords include a seed or a name word of a taxonomy theme.

        Such a theme probably covers the same subject as the named one (say "time order /
        checkout" next to *Checkout and payment*, or "delivery days / took" next to *Late
        delivery*) and splits its comments between the two: merge them
        (``miner.merge_themes([named_id, discovered_id])``) or sharpen the seeds. A name word is a
        word of the named theme's label (the researcher's name for the subject, "delivery" in
        *Late delivery*). Returns one row per pair: ``theme_id``, ``label``, ``taxonomy_theme``,
        ``taxonomy_label``, ``shared`` (the keywords that are seeds or name words); empty without
        a taxonomy.
        """
        self._check_fitted()
        rows = []
        seeds = getattr(self, "seeds_", {}) or {}
        for t in self.theme_ids_:
            if self.anchored_.get(t, False):
                continue
            top_kw = [k.lower() for k in self.keywords_.get(t, [])[:top]]
            for named, phrases in seeds.items():
                if named not in self.labels_:  # dropped or merged away
                    continue
                words = {w for w in re.findall(r"[^\W\d_]+", str(self.labels_[named]).lower())
                         if len(w) > 2 and w not in _LABEL_FILLER}
                shared = [k for k in top_kw if k in phrases or k in words]
                if shared:
                    rows.append((t, self.labels_[t], named, self.labels_[named], ", ".join(shared)))
        return pd.DataFrame(rows, columns=["theme_id", "label", "taxonomy_theme", "taxonomy_label", "shared"])

    def get_theme_info(self) -> pd.DataFrame:
        """One row per theme (and ``unthemed``): label, keywords, size, sentiment, quotes.

        ``n_primary`` counts comments whose primary theme it is (the ``n_primary`` column sums to
        the number of comments, ``share_primary`` to 1); ``n_comments`` counts every comment
        raising the theme, as in :func:`pain_points`. Sentiment is that of the clauses raising it.
        """
        self._check_fitted()
        a = self.assignments_
        n = len(self.comments_)
        tid, is_primary = a["theme_id"].to_numpy(), a["is_primary"].to_numpy(bool)
        rows = []
        for t in [*self.theme_ids_, UNTHEMED]:
            prim = a[(tid == t) & is_primary]
            anyr = a[tid == t]
            rows.append(theme_info_row(self, t, n_primary=len(prim), n_total=n, n_comments=len(anyr),
                                       sentiment_sum=float(anyr["sentiment"].sum()),
                                       n_negative=int((anyr["sentiment_label"] == "negative").sum())))
        return pd.DataFrame(rows)
