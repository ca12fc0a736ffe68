"""Speed and memory of the matcher: model load, index build, first match, query latency by length.

Queries: every approved HTQ title (short); programme texts of about 400 and 1,500 words made of
real standards' overviews and summaries (each query a different mix, so no cache helps); the
development set's course pages when ../shared/data is beside the project. The first-match figure
runs in a fresh process, as a server start would: import, load the snapshot, build the index
(the standards' vectors read from data/), match one programme. Aims on 2 cores: query p95 <= 300 ms
for 1,500 words, first match <= 3 s, memory <= 400 MB.
Run on demand: `.venv/bin/python bench/match_speed.py`.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from htq import embed, match, snapshot  # noqa: E402

DEV_SET = ROOT.parent / "shared" / "data" / "programmes_dev.jsonl"
FIRST_MATCH = """
import sys, time
started = time.perf_counter()
sys.path.insert(0, {root!r})
from htq import match, snapshot
index = match.MatchIndex.build(snapshot.load())
match.rank(index, match.Programme("FdSc Software Development", "Programming, databases, web development and testing."))
# VmHWM, not ru_maxrss: the latter can carry the parent's peak across fork and exec.
peak = next(int(x.split()[1]) for x in open("/proc/self/status") if x.startswith("VmHWM"))
print(time.perf_counter() - started, peak / 1024)
"""


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


def texts_of(index: match.MatchIndex, words: int, n: int) -> list[match.Programme]:
    """Return n programme texts of about `words` words, each from a different run of standards' prose."""
    prose = [f"{o.overview or ''} {o.summary or ''}".strip() for o in index.occupations if o.summary]
    out = []
    for k in range(n):
        chunk: list[str] = []
        j = k * 7
        while len(" ".join(chunk).split()) < words:
            chunk.append(prose[j % len(prose)])
            j += 1
        out.append(match.Programme(title="", text=" ".join(" ".join(chunk).split()[:words])))
    return out


def report(name: str, t: list[float]) -> None:
    print(
        f"  {name:<44} n={len(t):<4} p50 {statistics.median(t) * 1000:7.1f} ms   "
        f"p95 {percentile(t, 0.95) * 1000:7.1f} ms   max {max(t) * 1000:7.1f} ms"
    )


def main() -> None:
    firsts = []
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, "-c", FIRST_MATCH.format(root=str(ROOT))], capture_output=True, text=True, check=True
        ).stdout.split()
        firsts.append((float(out[0]), float(out[1])))
    print(
        f"First match in a fresh process (import, load, build, rank): median "
        f"{statistics.median(f[0] for f in firsts):.2f} s of 3; peak memory {max(f[1] for f in firsts):.0f} MB"
    )

    loads = []
    for _ in range(3):
        started = time.perf_counter()
        embed.ContextualEmbedder()
        loads.append(time.perf_counter() - started)
    print(f"Model load (checksum + onnxruntime session): median {statistics.median(loads):.2f} s of 3")
    snap = snapshot.load()
    builds = []
    for _ in range(3):
        started = time.perf_counter()
        index = match.MatchIndex.build(snap)
        builds.append(time.perf_counter() - started)
    print(
        f"Index build ({len(index.occupations)} occupations, {len(index.htqs)} HTQs, vectors from data/): "
        f"median {statistics.median(builds):.2f} s of 3"
    )
    short = [match.Programme(title=t, level=lvl) for _, t, lvl, _ in index.htqs]
    timed(short[:20], index)  # warm up
    print("Queries (top 10, with reasons, options and precedents):")
    report("title only (approved HTQ titles)", timed(short, index))
    report("about 400 words", timed(texts_of(index, 400, 40), index))
    report("about 1,500 words", timed(texts_of(index, 1500, 40), index))
    if DEV_SET.is_file():
        cases = [json.loads(x) for x in DEV_SET.read_text(encoding="utf-8").splitlines() if x.strip()]
        dev = [match.Programme(c["title"], c["description"]) for c in cases]
        words = statistics.median(len(p.text.split()) for p in dev)
        report(f"development set pages (median {words:.0f} words)", timed(dev, index))
    print(f"Peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
