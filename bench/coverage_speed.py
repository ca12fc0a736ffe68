"""Speed of the KSB mapping proposal: 30 modules with 200 outcomes against 80 KSBs.

The programme is made from real text: outcomes are KSB statements of the snapshot's standards
(shuffled), the KSBs are those of ST1386 and ST0118 (65 + 15 = 80). Prints the median and p95 of
htq.coverage.propose over repeated runs. Run on demand: `.venv/bin/python bench/coverage_speed.py`.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dataclasses import replace  # noqa: E402

from htq import coverage, embed, programme, snapshot  # noqa: E402


def main() -> None:
    snap = snapshot.load()
    started = time.perf_counter()
    embedder = embed.ContextualEmbedder()
    print(f"Embedder ready in {time.perf_counter() - started:.2f} s")
    texts = [k.text for c in snap.data.content.values() for k in c.ksbs]
    rng = random.Random(7)
    outcomes = [rng.choice(texts) for _ in range(200)]
    modules = [
        programme.Module(code=f"M{i:02d}", title=f"Module {i}", outcomes=tuple(outcomes[i::30])) for i in range(30)
    ]
    data_engineer = snap.data.content["ST1386"]
    analyst = snap.data.content["ST0118"]
    standards = [data_engineer, replace(analyst, ksbs=analyst.ksbs[:15])]
    n_ksbs = sum(len(s.ksbs) for s in standards)
    times = []
    for _ in range(15):
        started = time.perf_counter()
        coverage.propose(modules, standards, embedder)
        times.append(time.perf_counter() - started)
    ordered = sorted(times)
    print(
        f"propose: {len(modules)} modules, {sum(len(m.outcomes) for m in modules)} outcomes x {n_ksbs} KSBs: "
        f"median {statistics.median(times) * 1000:.0f} ms, p95 {ordered[round(0.95 * len(ordered)) - 1] * 1000:.0f} ms "
        f"(15 runs; aim under 1 s)"
    )


if __name__ == "__main__":
    main()
