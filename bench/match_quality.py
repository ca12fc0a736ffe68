"""Quality of the matcher: top-1, top-5 and MRR on two evaluation sets built from the snapshot.

(a) Leave-one-out over the approved HTQs: each HTQ's title is the query, its own precedent is
    removed, and the standards it is aligned to are the answer. Run with and without precedents.
(b) Each level 4/5 standard queried by its typical job titles and keywords, with those two fields
    held out of the index for every standard; the answer is the standard itself (any option of it).

Run on demand: `.venv/bin/python bench/match_quality.py [--no-level]`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from htq import match, snapshot  # noqa: E402

BANDS: dict[str, list[bool]] = {match.HIGH: [], match.MEDIUM: [], match.LOW: []}


def record_band(result: match.Result, answers: set[str], key: str = "occupation") -> None:
    """Note whether the first candidate was right, under its confidence band."""
    if result.candidates:
        first = result.candidates[0]
        BANDS[first.confidence].append(getattr(first, key) in answers)


def scores(ranks: list[int | None]) -> dict[str, float]:
    """Return top-1, top-5 and MRR from the 1-based rank of the first right answer (None = not found)."""
    n = len(ranks)
    return {
        "n": n,
        "top1": sum(1 for r in ranks if r == 1) / n,
        "top5": sum(1 for r in ranks if r is not None and r <= 5) / n,
        "mrr": sum(1 / r for r in ranks if r is not None) / n,
    }


def first_right(result: match.Result, answers: set[str], key: str = "occupation") -> int | None:
    for c in result.candidates:
        if getattr(c, key) in answers:
            return c.rank
    return None


def htq_leave_one_out(index: match.MatchIndex, precedents: bool, use_level: bool) -> dict[str, float]:
    ranks = []
    for code, title, level, occs in index.htqs:
        programme = match.Programme(title=title, level=level if use_level else None)
        result = match.rank(index, programme, top=50, precedents=precedents, exclude_htqs={code})
        ranks.append(first_right(result, set(occs)))
        if precedents:
            record_band(result, set(occs))
    return scores(ranks)


def standards_by_job_titles(snap: snapshot.Snapshot) -> dict[str, float]:
    index = match.MatchIndex.build(snap, hold_out=("job_titles", "keywords"))
    ranks = []
    for occ in index.occupations:
        if not (occ.job_titles or occ.keywords):
            continue
        text = "; ".join(occ.job_titles + occ.keywords)
        programme = match.Programme(title=occ.job_titles[0] if occ.job_titles else occ.keywords[0], text=text)
        result = match.rank(index, programme, top=50, precedents=False)
        ranks.append(first_right(result, {occ.reference or occ.code}, key="reference"))
        record_band(result, {occ.reference or occ.code}, key="reference")
    return scores(ranks)


def line(name: str, s: dict[str, float]) -> str:
    return f"  {name:<44} n={s['n']:<4} top-1 {s['top1']:.3f}   top-5 {s['top5']:.3f}   MRR {s['mrr']:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-level", action="store_true", help="do not tell the matcher the HTQ's level in (a)")
    args = parser.parse_args()
    snap = snapshot.load()
    started = time.perf_counter()
    index = match.MatchIndex.build(snap)
    print(f"Index of {len(index.occupations)} level 4/5 occupations and {len(index.htqs)} HTQs "
          f"built in {time.perf_counter() - started:.2f} s\n")
    print("(a) approved HTQs, leave one out (query: the HTQ title; answer: its aligned standards)")
    print(line("with precedents (other HTQs' titles)", htq_leave_one_out(index, True, not args.no_level)))
    print(line("--no-precedents (standard content only)", htq_leave_one_out(index, False, not args.no_level)))
    print("\n(b) standards queried by their job titles and keywords, both held out of the index")
    print(line("content only", standards_by_job_titles(snap)))

    print("\nAblation: the lexical baseline alone (field-weighted BM25, no semantic vectors)")
    kept, match.SEMANTIC_WEIGHT = match.SEMANTIC_WEIGHT, 0.0
    saved = {k: list(v) for k, v in BANDS.items()}
    try:
        print(line("(a) with precedents", htq_leave_one_out(index, True, not args.no_level)))
        print(line("(a) --no-precedents", htq_leave_one_out(index, False, not args.no_level)))
        print(line("(b) content only", standards_by_job_titles(snap)))
    finally:
        match.SEMANTIC_WEIGHT = kept
        BANDS.update(saved)
    print("\nHow often the first candidate is right, by its confidence band ((a) with precedents and (b)):")
    for band, hits in BANDS.items():
        share = f"{sum(hits) / len(hits):.3f}" if hits else "  —  "
        print(f"  {band:<7} first candidate right {share}   (n={len(hits)})")


if __name__ == "__main__":
    main()
