"""Quality of the proposed KSB mapping, against what ground truth exists.

Ground truth in the data: duty -> KSB links come with the apprenticeship standards API (a refresh
brings them); the shipped snapshot has none, so that part reports n=0 until a refresh. The rest is
a small set hand-labelled by the project team (bench/labels/*.json): which modules of a sample
programme cover which KSBs. Developer judgement on one programme written for the purpose: read
the figures as a sanity check, not a published benchmark.

Prints, per labelled set: KSB-level precision/recall of "covered" (full or partial) and
module-level precision/recall of the evidence, at the thresholds in htq.coverage and around them;
then duty -> KSB precision/recall over the snapshot's duties.
Run on demand: `.venv/bin/python bench/coverage_quality.py`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from htq import coverage, embed, programme, snapshot  # noqa: E402


def pr(tp: int, fp: int, fn: int) -> str:
    p = tp / (tp + fp) if tp + fp else float("nan")
    r = tp / (tp + fn) if tp + fn else float("nan")
    return f"precision {p:.2f}  recall {r:.2f}  (tp {tp}, fp {fp}, fn {fn})"


def labelled_sets(snap: snapshot.Snapshot, embedder: embed.StaticEmbedder) -> None:
    for path in sorted((ROOT / "bench" / "labels").glob("*.json")):
        spec = json.loads(path.read_text(encoding="utf-8"))
        structure = programme.read_structure((ROOT / spec["programme"]).read_bytes(), Path(spec["programme"]).name)
        standard = snap.data.content[spec["standard"]]
        proposal = coverage.propose(structure.modules, [standard], embedder)
        labels = {k: set(v) for k, v in spec["labels"].items()}
        print(f"{path.name}: {len(structure.modules)} modules, "
              f"{sum(len(m.outcomes) for m in structure.modules)} outcomes, {len(labels)} KSBs of {spec['standard']}")
        for threshold in (coverage.PARTIAL_AT - 0.05, coverage.PARTIAL_AT, coverage.PARTIAL_AT + 0.05):
            ksb = [0, 0, 0]
            pairs = [0, 0, 0]
            for code, truth in labels.items():
                column = proposal.module_scores[f"{spec['standard']} {code}"]
                predicted = {m for m, v in column.items() if v >= threshold}
                covered, expected = bool(predicted), bool(truth)
                ksb[0] += covered and expected
                ksb[1] += covered and not expected
                ksb[2] += expected and not covered
                pairs[0] += len(predicted & truth)
                pairs[1] += len(predicted - truth)
                pairs[2] += len(truth - predicted)
            mark = "  <- htq.coverage.PARTIAL_AT" if abs(threshold - coverage.PARTIAL_AT) < 1e-9 else ""
            print(f"  threshold {threshold:.2f}{mark}")
            print(f"    KSB covered?       {pr(*ksb)}")
            print(f"    evidence modules   {pr(*pairs)}")


def duty_links(snap: snapshot.Snapshot, embedder: embed.StaticEmbedder) -> None:
    standards = [c for c in snap.data.content.values() if c.duties and any(d.ksbs for d in c.duties)]
    print(f"\nDuty -> KSB links in the snapshot: {len(standards)} standard(s) with duties mapped to KSBs")
    tp = fp = fn = 0
    for std in standards:
        duties = [programme.Module(code=d.code, title=d.text) for d in std.duties]
        proposal = coverage.propose(duties, [std], embedder)
        for duty in std.duties:
            predicted = {c.split(" ", 1)[1] for c, v in proposal.module_scores.loc[duty.code].items()
                         if v >= coverage.PARTIAL_AT}
            truth = set(duty.ksbs)
            tp, fp, fn = tp + len(predicted & truth), fp + len(predicted - truth), fn + len(truth - predicted)
    print(f"  duties as outcomes vs the standard's own links: {pr(tp, fp, fn)}" if standards else
          "  none: the shipped snapshot has no duties; `python -m htq refresh` brings them from the API.")


def main() -> None:
    snap = snapshot.load()
    embedder = embed.StaticEmbedder.for_occupations(snap.data.occupations)
    labelled_sets(snap, embedder)
    duty_links(snap, embedder)


if __name__ == "__main__":
    main()
