"""Quality of the matcher, in one run, beside a plain keyword-search baseline over the same candidates.

1. The development set: real provider course pages labelled with their standard
   (../shared/data/programmes_dev.jsonl, see its programmes_dev.md), Level 4/5 cases. "content" is
   the page without its title (the ranking must come from the programme's own words), "full" with
   it. Reported on all cases and on those whose standard is among the snapshot's live Level 4/5
   records ("answerable": two pages name retired standards the records no longer hold), split into
   pages that copy the standard's wording and pages in the provider's own words, and as a
   per-standard macro average. Baseline: BM25 over the same four fields with the same weights,
   every word of the text as the query.
2. Ablation on the development set: each part of the ranking on its own and added in turn.
3. Approved HTQ titles, leave one out (the title is the query, its own precedent removed).
4. Hubs: how often each standard comes first across the development set and the HTQ titles.
5. Calibration: how often the first candidate is right in each confidence band.
6. A generic first line ("Programme specification", "FdSc", ...) must not change the ranking.

Run on demand: `.venv/bin/python bench/match_quality.py [--dev PATH]`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from htq import match, snapshot  # noqa: E402
from htq.text import FieldIndex, FieldSpec, terms  # noqa: E402

DEV_SET = ROOT.parent / "shared" / "data" / "programmes_dev.jsonl"
GENERIC_FIRST_LINES = ("Programme", "Programme specification", "Course overview", "FdSc", "HNC", "")


def load_cases(path: Path) -> list[dict]:
    """Return the development set's Level 4/5 cases."""
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [c for c in cases if c["level"] in (4, 5)]


def case_text(case: dict) -> str:
    """Return a case's own words: description and modules (never its title)."""
    modules = [m if isinstance(m, str) else " ".join(str(v) for v in m.values()) for m in case.get("modules", [])]
    return "\n".join([case["description"], *modules])


def first_right(refs: list[str], answer: str) -> int | None:
    """Return the 1-based rank of the answer among distinct standards, None when absent."""
    return refs.index(answer) + 1 if answer in refs else None


def summary(ranks: list[int | None]) -> dict[str, float]:
    """Return n, top-1, top-5 and MRR."""
    n = len(ranks) or 1
    return {
        "n": len(ranks),
        "top1": sum(r == 1 for r in ranks) / n,
        "top5": sum(r is not None and r <= 5 for r in ranks) / n,
        "mrr": sum(1 / r for r in ranks if r) / n,
    }


def line(name: str, s: dict[str, float], width: int = 50) -> str:
    return f"  {name:<{width}} n={s['n']:<4} top-1 {s['top1']:.3f}   top-5 {s['top5']:.3f}   MRR {s['mrr']:.3f}"


class Baseline:
    """Plain keyword search: BM25 per field (title x4, job titles x2, keywords, overview + summary), all words."""

    def __init__(self, index: match.MatchIndex) -> None:
        docs = [match._lexical_doc(o) for o in index.occupations]
        self.fields = {
            f: FieldIndex([{f: d[f]} for d in docs], {f: FieldSpec(1.0)}, analyse=terms) for f in match.FIELD_WEIGHTS
        }
        self.keys = index.keys

    def refs(self, title: str, text: str) -> list[str]:
        query = terms(f"{title}\n{text}")
        score = np.sum([w * self.fields[f].scores(query) for f, w in match.FIELD_WEIGHTS.items()], axis=0)
        return list(dict.fromkeys(self.keys[int(i)] for i in np.argsort(-score, kind="stable") if score[i] > 0))


def ours(index: match.MatchIndex, **kw) -> Callable[[str, str], list[str]]:
    def run(title: str, text: str) -> list[str]:
        return [c.reference for c in match.rank(index, match.Programme(title, text), top=50, **kw).candidates]

    return run


@contextmanager
def patched(**values):
    """Set matcher constants for one measurement, then put them back."""
    kept = {k: getattr(match, k) for k in values}
    for k, v in values.items():
        setattr(match, k, v)
    try:
        yield
    finally:
        for k, v in kept.items():
            setattr(match, k, v)


def dev_ranks(cases: list[dict], ranker: Callable[[str, str], list[str]], full: bool) -> list[int | None]:
    return [first_right(ranker(c["title"] if full else "", case_text(c)), c["standards"][0]) for c in cases]


def dev_report(cases: list[dict], index: match.MatchIndex, baseline: Baseline) -> None:
    known = set(index.keys)
    answerable = [c["standards"][0] in known for c in cases]
    print(
        f"1. Development set: {len(cases)} Level 4/5 course pages, {sum(answerable)} answerable "
        f"(standard among the snapshot's Level 4/5 records)"
    )
    for full in (False, True):
        mode = "full (title + text)" if full else "content (text without the title)"
        ranks = dev_ranks(cases, ours(index), full)
        base = dev_ranks(cases, baseline.refs, full)
        s, b = summary(ranks), summary(base)
        print(f" {mode}")
        print(line("ours, all cases", s))
        print(line("BM25 baseline, all cases", b))
        ratio = s["top1"] / b["top1"] if b["top1"] else float("inf")
        print(
            f"  {'ours - baseline':<50} top-1 {s['top1'] - b['top1']:+.3f} ({ratio:.2f}x)   "
            f"top-5 {s['top5'] - b['top5']:+.3f}"
        )
        pick = lambda rs, keep: [r for r, k in zip(rs, keep, strict=True) if k]  # noqa: E731
        print(line("ours, answerable", summary(pick(ranks, answerable))))
        print(line("BM25 baseline, answerable", summary(pick(base, answerable))))
        copies = [bool(c["copies_standard"]) for c in cases]
        own = [not x for x in copies]
        print(line("ours, pages copying the standard's wording", summary(pick(ranks, copies))))
        print(line("BM25 baseline, pages copying the standard", summary(pick(base, copies))))
        print(line("ours, pages in the provider's own words", summary(pick(ranks, own))))
        print(line("BM25 baseline, provider's own words", summary(pick(base, own))))
        per: dict[str, list[bool]] = {}
        for c, r in zip(cases, ranks, strict=True):
            per.setdefault(c["standards"][0], []).append(r == 1)
        macro = sum(sum(v) / len(v) for v in per.values()) / len(per)
        print(f"  {'ours, per-standard macro top-1':<50} n={len(per):<4} top-1 {macro:.3f}")
        misses = [
            f"{c['id']}→{ours(index)(c['title'] if full else '', case_text(c))[:1]} (is {c['standards'][0]})"
            for c, r in zip(cases, ranks, strict=True)
            if r != 1
        ]
        print(f"  misses: {', '.join(misses) or 'none'}")


def ablation(cases: list[dict], index: match.MatchIndex) -> None:
    print("\n2. Ablation on the development set (top-1 / top-5; content, then full)")
    rows: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
        ("words only (BM25, form words dropped)", dict(DENSE_WEIGHT=0.0, OTHER_LEVEL=1.0), {}),
        ("meaning only (contextual model)", dict(DENSE_WEIGHT=1.0, OTHER_LEVEL=1.0), {}),
        ("words + meaning (0.6 / 0.4)", dict(OTHER_LEVEL=1.0), {}),
        ("words + meaning + level", {}, {}),
        ("words + meaning + level, no precedent", {}, {"precedents": False}),
        ("the same, meaning at 0.5", dict(DENSE_WEIGHT=0.5), {}),
        ("the same, meaning at 0.3", dict(DENSE_WEIGHT=0.3), {}),
    ]

    def mean_pooled(index, texts):
        vecs = index.embedder.embed_many(texts)
        mean = vecs.mean(axis=0)
        return vecs, index.vectors.documents @ (mean / (np.linalg.norm(mean) or 1.0))

    def whole_text(index, texts):
        vecs = index.embedder.embed_many([" ".join(texts)])  # one passage, cut at the model's 256 pieces
        return vecs, (vecs @ index.vectors.documents.T)[0]

    rows += [
        ("pooling: mean of the passages' vectors", {"_dense": mean_pooled}, {}),
        ("pooling: the whole text as one passage", {"_dense": whole_text}, {}),
    ]
    for name, constants, kw in rows:
        with patched(**constants):
            parts = [summary(dev_ranks(cases, ours(index, **kw), full)) for full in (False, True)]
        print(
            f"  {name:<50} {parts[0]['top1']:.3f} / {parts[0]['top5']:.3f}    {parts[1]['top1']:.3f} / "
            f"{parts[1]['top5']:.3f}"
        )
    # Rank fusion (k = 60) of the same two parts, for comparison with the linear mix.
    parts = []
    for full in (False, True):
        ranks = []
        for c in cases:
            programme = match.Programme(c["title"] if full else "", case_text(c))
            lex = match.lexical_scores(index, programme)
            sem = match.semantic_scores(index, programme)
            rrf = sum(1 / (60 + np.argsort(np.argsort(-x, kind="stable"))) for x in (lex, sem))
            refs = list(dict.fromkeys(index.keys[int(i)] for i in np.argsort(-rrf, kind="stable")))
            ranks.append(first_right(refs, c["standards"][0]))
        parts.append(summary(ranks))
    print(
        f"  {'rank fusion k=60 instead (no level, no precedent)':<50} {parts[0]['top1']:.3f} / {parts[0]['top5']:.3f}"
        f"    {parts[1]['top1']:.3f} / {parts[1]['top5']:.3f}"
    )


def htq_titles(index: match.MatchIndex, precedents: bool) -> tuple[dict[str, float], list[tuple[str, bool, str]]]:
    ranks, firsts = [], []
    for code, title, level, occs in index.htqs:
        result = match.rank(
            index, match.Programme(title=title, level=level), top=50, precedents=precedents, exclude_htqs={code}
        )
        answers = {index.keys[index.position[o]] for o in occs if o in index.position}
        refs = [c.reference for c in result.candidates]
        ranks.append(next((k + 1 for k, r in enumerate(refs) if r in answers), None))
        if result.candidates:
            firsts.append((refs[0], refs[0] in answers, result.candidates[0].confidence))
    return summary(ranks), firsts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dev", type=Path, default=DEV_SET, help="the development set (JSON lines)")
    args = parser.parse_args()
    snap = snapshot.load()
    started = time.perf_counter()
    index = match.MatchIndex.build(snap)
    model = index.embedder.name if index.embedder else f"none ({index.notice})"
    print(
        f"Index of {len(index.occupations)} level 4/5 occupations and {len(index.htqs)} HTQs built in "
        f"{time.perf_counter() - started:.2f} s; model: {model}\n"
    )
    baseline = Baseline(index)
    cases = load_cases(args.dev) if args.dev.is_file() else []
    if not cases:
        print(f"1. Development set: not found at {args.dev}; pass --dev PATH\n")
    else:
        dev_report(cases, index, baseline)
        ablation(cases, index)

    print("\n3. Approved HTQs, leave one out (query: the HTQ title and level; answer: its aligned standards)")
    with_prec, firsts_prec = htq_titles(index, True)
    without, firsts = htq_titles(index, False)
    print(line("with precedents (other HTQs' titles)", with_prec))
    print(line("without precedents (standard content only)", without))
    symmetric = lambda level, _: frozenset(match.HTQ_LEVELS) - {level} if level in match.HTQ_LEVELS else frozenset()  # noqa: E731
    with patched(discounted_levels=symmetric):
        print(line("with precedents, other level always discounted", htq_titles(index, True)[0]))
        print(line("without precedents, other level always discounted", htq_titles(index, False)[0]))
    with patched(OTHER_LEVEL=1.0):
        print(line("with precedents, level not used", htq_titles(index, True)[0]))

    print("\n4. Hubs: standards ranked first most often")
    dev_firsts = [ours(index)("", case_text(c))[:1] for c in cases]
    for name, tops in (
        ("development set, content", [f[0] for f in dev_firsts if f]),
        ("HTQ titles, without precedents", [f[0] for f in firsts]),
    ):
        counts = Counter(tops).most_common(5)
        print(f"  {name} ({len(tops)} texts): " + ", ".join(f"{r} ×{n}" for r, n in counts))

    print("\n5. Calibration: how often the first candidate is right, by its confidence band")
    bands: dict[str, list[bool]] = {match.HIGH: [], match.MEDIUM: [], match.LOW: []}
    for c in cases:
        for full in (False, True):
            result = match.rank(index, match.Programme(c["title"] if full else "", case_text(c)), top=5)
            if result.candidates:
                bands[result.candidates[0].confidence].append(result.candidates[0].reference == c["standards"][0])
    htq_bands: dict[str, list[bool]] = {match.HIGH: [], match.MEDIUM: [], match.LOW: []}
    for _, right, band in firsts_prec:
        htq_bands[band].append(right)
    for band in bands:
        dev, htq = bands[band], htq_bands[band]
        show = lambda v: f"{sum(v)}/{len(v)} = {sum(v) / len(v):.2f}" if v else "—"  # noqa: E731
        print(f"  {band:<7} development set (content and full) {show(dev):<16} HTQ titles with precedents {show(htq)}")

    print("\n6. A generic first line must not pull the ranking (development set, content)")
    same = 0
    total = 0
    for c in cases:
        plain = ours(index)("", case_text(c))[:5]
        for first in GENERIC_FIRST_LINES:
            total += 1
            same += ours(index)(first, case_text(c))[:5] == plain
    print(
        f"  top-5 identical with and without the line: {same}/{total} "
        f"(lines: {', '.join(repr(x) for x in GENERIC_FIRST_LINES)})"
    )


if __name__ == "__main__":
    main()
