"""What a fitted ThemeMiner found, as tables: one row per theme, and discovered themes that
repeat a named one. Mixed into :class:`~cxlab.themes.ThemeMiner`; needs its fitted attributes
(``theme_ids_``, ``labels_``, ``keywords_``, ``anchored_``, ``assignments_``, ``comments_``,
``quotes_`` and ``seeds_``)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxlab.themes._assign import UNTHEMED

__all__ = ["ThemeInfoMixin"]


class ThemeInfoMixin:
    def seed_overlaps(self, *, top: int = 3) -> pd.DataFrame:
        """Discovered themes whose ``top`` keywords include a seed of a taxonomy theme.

        Such a theme probably covers the same subject as the named one (say "time order /
        checkout" next to *Checkout and payment*) and splits its comments between the two: merge
        them (``miner.merge_themes([named_id, discovered_id])``) or sharpen the seeds. Returns one
        row per pair: ``theme_id``, ``label``, ``taxonomy_theme``, ``taxonomy_label``, ``shared``
        (the keywords that are seeds); empty without a taxonomy.
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
                shared = [k for k in top_kw if k in phrases]
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
            rows.append({
                "theme_id": t,
                "label": self.labels_.get(t, "no theme reached min_weight") if t != UNTHEMED else "unthemed",
                "keywords": ", ".join(self.keywords_.get(t, [])),
                "anchored": bool(self.anchored_.get(t, False)),
                "n_primary": int(len(prim)),
                "share_primary": round(len(prim) / n, 4) if n else 0.0,
                "n_comments": int(len(anyr)),
                "mean_sentiment": round(float(anyr["sentiment"].mean()), 4) if len(anyr) else np.nan,
                "pct_negative": round(float((anyr["sentiment_label"] == "negative").mean() * 100), 2)
                if len(anyr) else np.nan,
                "quotes": " | ".join(self.quotes_.get(t, [])),
            })
        return pd.DataFrame(rows)
