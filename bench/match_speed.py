"""Speed of the matcher: index build time, and the median and p95 latency of one query.

Queries: every approved HTQ title (short), and every level 4/5 occupation's summary posed as a
long programme text (a few hundred words each). Run on demand: `.venv/bin/python bench/match_speed.py`.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from htq import match, snapshot  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(p * len(ordered)) - 1)]


def timed(queries: list[match.Programme], index: match.MatchIndex) -> list[float]:
    out = []
    for programme in queries:
        started = time.perf_counter()
        match.rank(index, programme, top=10)
        out.append(time.perf_counter() - started)
    return out


def main() -> None:
    snap = snapshot.load()
    builds = []
    for _ in range(3):
        started = time.perf_counter()
        index = match.MatchIndex.build(snap)
        builds.append(time.perf_counter() - started)
    print(f"Index build ({len(index.occupations)} occupations, {len(index.htqs)} HTQs): "
          f"median {statistics.median(builds):.2f} s of 3 (min {min(builds):.2f} s)")
    short = [match.Programme(title=t, level=lvl) for _, t, lvl, _ in index.htqs]
    long = [match.Programme(title=o.title, text=o.summary or "") for o in index.occupations if o.summary]
    words = statistics.median(len((p.text or "").split()) for p in long)
    timed(short[:20], index)  # warm caches (stemmer, word pieces)
    for name, queries in (("short (HTQ titles)", short), (f"long (summaries, median {words:.0f} words)", long)):
        t = timed(queries, index)
        print(f"Query, {name:<36} n={len(t):<4} median {statistics.median(t) * 1000:6.1f} ms   "
              f"p95 {percentile(t, 0.95) * 1000:6.1f} ms   max {max(t) * 1000:6.1f} ms")


if __name__ == "__main__":
    main()
