"""Progress of a long run: a tqdm bar in a terminal, plain lines in logs (papermill, cron)."""
from __future__ import annotations

import sys
import time

__all__ = ["Progress"]


class Progress:
    """Rows done and time left.

    ``enabled=None`` shows a bar when stderr is a terminal and a plain line every 10% (or 60 s)
    otherwise; ``False`` is silent; ``True`` always shows the bar.
    """

    def __init__(self, total: int | None, desc: str, *, enabled=None, stream=None):
        self.total, self.desc, self.done = total, desc, 0
        self.stream = sys.stderr if stream is None else stream
        self.bar = None
        self.silent = enabled is False
        self.t0 = self.last = time.perf_counter()
        self.next_tick = 1  # tenths of the total, in integers (no float drift)
        tty = bool(getattr(self.stream, "isatty", lambda: False)())
        if enabled is True or (enabled is None and tty):
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=desc, unit="rows", unit_scale=True, file=self.stream,
                            dynamic_ncols=True, smoothing=0.1)

    def update(self, n: int) -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
            return
        if self.silent:
            return
        now = time.perf_counter()
        share = self.done / self.total if self.total else None
        tick = self.done * 10 // self.total if self.total else 0
        if (self.total and tick >= self.next_tick) or now - self.last >= 60:
            self._line(now, share)
            self.next_tick = tick + 1

    def _line(self, now, share) -> None:
        self.last = now
        rate = self.done / max(now - self.t0, 1e-9)
        left = "" if not share else f", about {max(0.0, (self.total - self.done) / rate):.0f} s left"
        total = f"/{self.total:,}" if self.total else ""
        print(f"{self.desc}: {self.done:,}{total} rows ({rate:,.0f} rows/s{left})", file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
