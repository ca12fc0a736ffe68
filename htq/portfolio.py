"""The institution's portfolio: saved programmes by route and standard, overlaps, and unserved standards."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import pandas as pd

from htq.coverage import is_reviewed
from htq.model import HTQ_LEVELS
from htq.store import SavedProgramme


def standards_used(p: SavedProgramme) -> list[str]:
    """Return the ST references a programme shortlists or maps, in order."""
    return list(dict.fromkeys([s.reference for s in p.shortlist if s.reference] + [r.standard for r in p.mapping]))


def coverage_table(programmes: Sequence[SavedProgramme], df: pd.DataFrame) -> pd.DataFrame:
    """Return one row per programme and standard: route, KSBs mapped, how many reviewed, the reviewed
    full/partial/none, the share covered by reviewed rows, and rows still proposed by the tool."""
    titles = df.dropna(subset=["reference"]).drop_duplicates("reference").set_index("reference")
    rows = []
    for p in programmes:
        for ref in standards_used(p):
            mapped = [r for r in p.mapping if r.standard == ref]
            reviewed = [r for r in mapped if is_reviewed(r)]
            grades = Counter(r.coverage for r in reviewed)
            n = len(mapped)
            known = ref in titles.index
            rows.append(
                {
                    "Programme": p.title,
                    "Level": p.level,
                    "Route": titles.at[ref, "route"] if known else "Route unknown",
                    "Standard": ref,
                    "Title": titles.at[ref, "title"] if known else ref,
                    "KSBs mapped": n,
                    "Reviewed": len(reviewed),
                    "Full": grades["full"],
                    "Partial": grades["partial"],
                    "None": grades["none"],
                    "Covered": round((grades["full"] + grades["partial"]) / n, 3) if n else None,
                    "Still proposed": n - len(reviewed),
                }
            )
    columns = [
        "Programme",
        "Level",
        "Route",
        "Standard",
        "Title",
        "KSBs mapped",
        "Reviewed",
        "Full",
        "Partial",
        "None",
        "Covered",
        "Still proposed",
    ]
    return pd.DataFrame(rows, columns=columns).sort_values(["Route", "Standard", "Programme"], kind="stable")


def coverage_grid(table: pd.DataFrame) -> pd.DataFrame:
    """Return programmes x standards of the share of KSBs covered (blank where not mapped)."""
    if table.empty:
        return pd.DataFrame()
    return table.pivot_table(index="Programme", columns="Standard", values="Covered", aggfunc="max")


def overlaps(programmes: Sequence[SavedProgramme]) -> pd.DataFrame:
    """Return standards and module codes that more than one programme uses."""
    rows = []
    by_standard: dict[str, list[str]] = {}
    by_module: dict[str, list[str]] = {}
    for p in programmes:
        for ref in standards_used(p):
            by_standard.setdefault(ref, []).append(p.title)
        for m in p.modules:
            if m.code and not m.code.startswith("M0"):
                by_module.setdefault(m.code, []).append(p.title)
    rows += [
        {"Shared": "standard", "Code": k, "Programmes": "; ".join(v), "How many": len(v)}
        for k, v in by_standard.items()
        if len(v) > 1
    ]
    rows += [
        {"Shared": "module", "Code": k, "Programmes": "; ".join(v), "How many": len(v)}
        for k, v in by_module.items()
        if len(v) > 1
    ]
    return pd.DataFrame(rows, columns=["Shared", "Code", "Programmes", "How many"])


def unserved(programmes: Sequence[SavedProgramme], df: pd.DataFrame) -> pd.DataFrame:
    """Return HTQ-eligible level 4/5 standards in the institution's routes that no saved programme uses."""
    used = {ref for p in programmes for ref in standards_used(p)}
    routes = set(df.loc[df["reference"].isin(used), "route"])
    pool = df[
        df["level"].isin(HTQ_LEVELS)
        & df["htq_eligible"]
        & df["route"].isin(routes)
        & df["reference"].notna()
        & ~df["reference"].isin(used)
    ]
    pool = pool.drop_duplicates("reference")
    return (
        pool[["route", "reference", "title", "level", "htqs"]]
        .rename(
            columns={
                "route": "Route",
                "reference": "Standard",
                "title": "Title",
                "level": "Level",
                "htqs": "Approved HTQs",
            }
        )
        .sort_values(["Route", "Title"])
        .reset_index(drop=True)
    )
