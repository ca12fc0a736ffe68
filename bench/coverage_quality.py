"""Quality of the proposed KSB mapping, against what ground truth exists.

Ground truth: two programmes hand-labelled by the project team (bench/labels/*.json) — which
modules cover which KSBs — one against ST0116 Software developer (used to choose the cosine range
and thresholds) and one against ST0825 DevOps engineer (labelled before it was measured; the
held-out check). KSB lists come from the snapshot, or from the harvested ../shared/data/ksbs.json
where the snapshot lacks them. Then the standards' own duty -> KSB links, where any are known:
each duty is treated as an outcome and the links it proposes are compared with the standard's.

Prints, per set, with the contextual model and with shared words alone (the fallback): KSB-level
precision/recall of "covered" (full or partial) and module-level precision/recall of the evidence,
at htq.coverage.PARTIAL_AT and around it. Developer judgement on programmes written for the
purpose: read the figures as a sanity check, not a published benchmark.
Run on demand: `.venv/bin/python bench/coverage_quality.py`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from htq import coverage, embed, programme, snapshot  # noqa: E402
from htq.ingest import build  # noqa: E402
from htq.model import StandardContent  # noqa: E402

HARVEST = ROOT.parent / "shared" / "data"


def pr(tp: int, fp: int, fn: int) -> str:
    p = tp / (tp + fp) if tp + fp else float("nan")
    r = tp / (tp + fn) if tp + fn else float("nan")
    return f"precision {p:.2f}  recall {r:.2f}  (tp {tp}, fp {fp}, fn {fn})"


def standard_for(snap: snapshot.Snapshot, reference: str) -> StandardContent | None:
    found = snap.data.content.get(reference)
    if found is None and (HARVEST / build.KSB_FILE).is_file():
        found = build.read_ksbs(HARVEST).get(reference)
    return found


def labelled_sets(snap: snapshot.Snapshot, embedder: embed.ContextualEmbedder | None) -> None:
    for path in sorted((ROOT / "bench" / "labels").glob("*.json")):
        spec = json.loads(path.read_text(encoding="utf-8"))
        structure = programme.read_structure((ROOT / spec["programme"]).read_bytes(), Path(spec["programme"]).name)
        standard = standard_for(snap, spec["standard"])
        if standard is None:
            print(f"{path.name}: no KSBs for {spec['standard']} in the snapshot or {HARVEST}; skipped")
            continue
        proposal = coverage.propose(structure.modules, [standard], embedder)
        labels = {k: set(v) for k, v in spec["labels"].items()}
        print(
            f"{path.name}: {len(structure.modules)} modules, "
            f"{sum(len(m.outcomes) for m in structure.modules)} outcomes, {len(labels)} KSBs of {spec['standard']}"
        )
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


def duty_links(snap: snapshot.Snapshot, embedder: embed.ContextualEmbedder | None) -> None:
    standards = [c for c in snap.data.content.values() if c.duties and any(d.ksbs for d in c.duties)]
    harvested = standard_for(snap, "ST0825")
    if not standards and harvested is not None and (HARVEST / build.KSB_FILE).is_file():
        raw = json.loads((HARVEST / build.KSB_FILE).read_text(encoding="utf-8"))["ST0825"].get("duties") or []
        from htq.model import Duty

        duties = tuple(Duty(d["code"], d["text"], tuple(d.get("ksbs") or ())) for d in raw)
        standards = (
            [
                StandardContent(
                    harvested.reference, harvested.title, harvested.version, harvested.complete, harvested.ksbs, duties
                )
            ]
            if duties
            else []
        )
    print(f"\nDuty -> KSB links: {len(standards)} standard(s) with duties mapped to KSBs")
    tp = fp = fn = 0
    for std in standards:
        as_modules = [programme.Module(code=d.code, title=d.text) for d in std.duties]
        proposal = coverage.propose(as_modules, [std], embedder)
        for duty in std.duties:
            predicted = {
                c.split(" ", 1)[1] for c, v in proposal.module_scores.loc[duty.code].items() if v >= coverage.PARTIAL_AT
            }
            truth = set(duty.ksbs)
            tp, fp, fn = tp + len(predicted & truth), fp + len(predicted - truth), fn + len(truth - predicted)
    print(
        f"  duties as outcomes vs the standard's own links: {pr(tp, fp, fn)}"
        if standards
        else "  none known: a refresh brings duties and their links from the standards API."
    )


def main() -> None:
    snap = snapshot.load()
    embedder, reason = embed.load_contextual()
    runs = [("contextual model", embedder), ("shared words alone (the fallback)", None)]
    for name, model in runs:
        if name.startswith("contextual") and model is None:
            print(f"== {name}: unavailable ({reason})\n")
            continue
        print(f"== {name}")
        labelled_sets(snap, model)
        duty_links(snap, model)
        print()


if __name__ == "__main__":
    main()
