"""The catalogue of standards as a DataFrame: eligibility, filters, search and summaries.

Pure functions: they take a frame (and a search index) and return new values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypedDict

import numpy as np
import pandas as pd

from htq import eligibility, lifecycle
from htq.model import HTQ_LEVELS, LEVELS, Occupation, StandardContent
from htq.snapshot import Snapshot
from htq.text import FieldIndex, FieldSpec, terms

ROUTE_UNKNOWN = "Route unknown"
REGULATED_YES, REGULATED_NO, REGULATED_UNKNOWN = "Yes", "No", "Unknown"  # the frame's "regulated" column
REGULATED_VALUES = {"yes": REGULATED_YES, "unknown": REGULATED_UNKNOWN}  # Filters.regulated → that column
NOT_IN_SNAPSHOT = "(not in this snapshot)"

SEARCH_FIELDS = {
    "title": FieldSpec(weight=4.0, b=0.5),
    "job_titles": FieldSpec(weight=2.5, b=0.6),
    "keywords": FieldSpec(weight=2.0, b=0.6),
    "text": FieldSpec(weight=1.0, b=0.75),
}

CODE_PATTERN = re.compile(r"^\s*(ST|OCC)\s*-?\s*(\d{1,4})([A-Za-z]?)\s*$", re.I)


MAP_URL = "https://occupational-maps.skillsengland.education.gov.uk/maps/occupation/{code}"
STANDARD_PAGE_UNKNOWN = "not yet known (a refresh from the standards API records it)"


def map_url(code: str) -> str:
    """Return the address of an occupation's entry on Skills England's occupational maps."""
    return MAP_URL.format(code=code)


def frame(snapshot: Snapshot) -> pd.DataFrame:
    """Return one row per occupation with the columns the screens filter, sort and show."""
    route_order = {r.name: r.sequence for r in snapshot.data.routes}
    rows = []
    for occ in snapshot.data.occupations:
        verdict = eligibility.assess(occ)
        rows.append(
            {
                "code": occ.code,
                "reference": occ.reference,
                "standard": occ.reference or occ.code,
                "title": occ.title,
                "level": occ.level,
                "status": occ.status,
                "standard_status": occ.standard_status,
                "version": occ.version,
                "status_date": pd.Timestamp(occ.status_date) if occ.status_date else pd.NaT,
                "stage": lifecycle.stage(occ),
                "last_updated": pd.Timestamp(updated) if (updated := lifecycle.last_updated(occ)) else pd.NaT,
                "route": occ.route or ROUTE_UNKNOWN,
                "route_order": route_order.get(occ.route or "", 99),
                "pathway": occ.pathway,
                "cluster": occ.cluster,
                "keywords": ", ".join(occ.keywords),
                "job_titles": ", ".join(occ.job_titles),
                "overview": occ.overview,
                "summary": occ.summary,
                "htqs": len(occ.htqs),
                "regulated": REGULATED_YES
                if occ.regulated
                else (REGULATED_NO if occ.regulated is False else REGULATED_UNKNOWN),
                "regulated_body": occ.regulated_body,
                "map_url": map_url(occ.code),
                "standard_url": occ.standard_url or STANDARD_PAGE_UNKNOWN,
                "eligibility": verdict.verdict,
                "htq_eligible": verdict.eligible,
            }
        )
    return pd.DataFrame(rows)


def search_index(df: pd.DataFrame) -> FieldIndex:
    """Return a BM25F index over title, job titles, keywords and summary, aligned to df's rows."""
    docs = [
        {
            "title": f"{r.title} {r.code} {r.reference or ''}",
            "job_titles": r.job_titles,
            "keywords": r.keywords,
            "text": f"{r.overview or ''} {r.summary or ''}",
        }
        for r in df.itertuples()
    ]
    return FieldIndex(docs, SEARCH_FIELDS)


@dataclass(frozen=True)
class Filters:
    """What the Find standards screen filters on; empty means 'any'."""

    routes: tuple[str, ...] = ()
    levels: tuple[int, ...] = ()
    statuses: tuple[str, ...] = ()
    eligible_only: bool = False
    has_htqs: bool = False
    regulated: str = "any"  # "any", "yes" or "unknown"
    date_from: date | None = None
    date_to: date | None = None
    revision_or_retired: bool = False
    not_updated_since: int | None = None  # a year: keep standards whose last known change is before it
    query: str = ""


def _filter_mask(df: pd.DataFrame, filters: Filters) -> np.ndarray:
    """Return which rows pass every filter but the search query (one boolean per row)."""
    mask = np.ones(len(df), dtype=bool)

    def keep(condition: pd.Series) -> None:
        nonlocal mask
        mask &= condition.fillna(False).to_numpy(dtype=bool)  # an unknown value never passes a filter

    for column, chosen in (("route", filters.routes), ("level", filters.levels), ("status", filters.statuses)):
        if chosen:
            keep(df[column].isin(chosen))
    if filters.eligible_only:
        keep(df["htq_eligible"])
    if filters.has_htqs:
        keep(df["htqs"] > 0)
    if filters.regulated in REGULATED_VALUES:
        keep(df["regulated"] == REGULATED_VALUES[filters.regulated])
    if filters.date_from is not None:
        keep(df["status_date"] >= pd.Timestamp(filters.date_from))
    if filters.date_to is not None:
        keep(df["status_date"] <= pd.Timestamp(filters.date_to))
    if filters.revision_or_retired:
        keep(df["stage"].isin(lifecycle.REVISION_OR_RETIRED))
    if filters.not_updated_since is not None:  # standards with no known date are left out, and counted apart
        keep(df["last_updated"] < pd.Timestamp(year=filters.not_updated_since, month=1, day=1))
    return mask


def apply_filters(df: pd.DataFrame, filters: Filters, index: FieldIndex | None = None) -> pd.DataFrame:
    """Return the rows that pass every filter; with a query, ranked by relevance (best first)."""
    mask = _filter_mask(df, filters)
    query = filters.query.strip()
    code = normalise_code(query)
    if code:
        mask &= (df["code" if code.startswith("OCC") else "reference"] == code).to_numpy()
        return df[mask].assign(relevance=1.0).sort_values(["level", "code"], kind="stable")
    if not query:
        return df[mask].sort_values(["route_order", "level", "title"], kind="stable")
    if index is None:
        index = search_index(df)
    scores = index.scores(terms(query))
    if index.n_docs != len(df):
        raise ValueError("the search index was built for a different table")
    mask &= scores > 0
    out = df[mask].assign(relevance=scores[mask])
    top = out["relevance"].max() if len(out) else 1.0
    out = out.assign(relevance=(out["relevance"] / top).round(3))
    return out.sort_values(["relevance", "level", "title"], ascending=[False, True, True], kind="stable")


def normalise_code(text: str) -> str | None:
    """Return 'ST0116' or 'OCC0039A' for a typed code (any case, spaces, 1-4 digits), else None."""
    m = CODE_PATTERN.match(text or "")
    if not m:
        return None
    prefix, digits, suffix = m.group(1).upper(), m.group(2).zfill(4), m.group(3).upper()
    return f"{prefix}{digits}{suffix}"


def levels_of(df: pd.DataFrame, references: Iterable[str]) -> dict[str, int]:
    """Return each standard reference's level (the first version's), for the references given."""
    wanted = set(references)
    known = df.dropna(subset=["reference"]).groupby("reference")["level"].first()
    return {ref: int(level) for ref, level in known.items() if ref in wanted}


def resolve_code(df: pd.DataFrame, text: str) -> str | None:
    """Return the OCC code an ST or OCC reference points to, or None when the snapshot lacks it.

    An ST reference shared by option occupations (OCC0039A..F) resolves to the first option.
    """
    code = normalise_code(text)
    if code is None:
        return None
    if code.startswith("OCC"):
        hit = df.index[df["code"] == code]
    else:
        hit = df.index[df["reference"] == code]
    return str(df.at[hit[0], "code"]) if len(hit) else None


def siblings(df: pd.DataFrame, code: str) -> list[str]:
    """Return the other occupations that share this occupation's standard (options)."""
    row = df.loc[df["code"] == code]
    if row.empty or not row["reference"].iloc[0]:
        return []
    ref = row["reference"].iloc[0]
    return [c for c in df.loc[df["reference"] == ref, "code"] if c != code]


class Headline(TypedDict):
    """The home page figures."""

    occupations: int
    by_level: dict[int, int]
    htq_band: int
    eligible: int
    eligible_standards: int
    with_htqs: int


def headline(df: pd.DataFrame) -> Headline:
    """Return the home page figures: occupations per level, HTQ-eligible standards, approved HTQs."""
    htq_band = df[df["level"].isin(HTQ_LEVELS)]
    return {
        "occupations": len(df),
        "by_level": {lvl: int((df["level"] == lvl).sum()) for lvl in LEVELS},
        "htq_band": len(htq_band),
        "eligible": int(htq_band["htq_eligible"].sum()),
        "eligible_standards": int(htq_band.loc[htq_band["htq_eligible"], "standard"].nunique()),
        "with_htqs": int((htq_band["htqs"] > 0).sum()),
    }


def route_level_counts(df: pd.DataFrame, route_names: Sequence[str]) -> pd.DataFrame:
    """Return a route x level table of occupation counts, routes in map order, with totals."""
    order = list(route_names) + ([ROUTE_UNKNOWN] if (df["route"] == ROUTE_UNKNOWN).any() else [])
    table = (
        pd.crosstab(df["route"], df["level"])
        .reindex(index=order, columns=list(LEVELS), fill_value=0)
        .fillna(0)
        .astype(int)
    )
    table.columns = [f"Level {c}" for c in table.columns]
    table["Total"] = table.sum(axis=1)
    table.index.name = "Route"
    return table


def hierarchy(df: pd.DataFrame) -> pd.DataFrame:
    """Return route, pathway, cluster and occupation per row for a sunburst or treemap."""
    out = df[["route", "pathway", "cluster", "title", "code", "level", "eligibility", "htqs"]].copy()
    out["pathway"] = out["pathway"].fillna(f"Pathway {NOT_IN_SNAPSHOT}")
    out["cluster"] = out["cluster"].fillna(f"Cluster {NOT_IN_SNAPSHOT}")
    out["occupation"] = out["title"] + " (" + out["code"] + ")"
    out["level_name"] = "Level " + out["level"].astype(str)
    return out.drop(columns=["title"])


LEVEL_BANDS = {
    2: "Technical",
    3: "Technical",
    4: "Higher technical",
    5: "Higher technical",
    6: "Professional",
    7: "Professional",
}


def level_table(by_level: dict[int, int]) -> pd.DataFrame:
    """Return occupations per level with the map's band name (Technical, Higher technical, Professional)."""
    return pd.DataFrame(
        {
            "Level": [f"Level {lvl}" for lvl in by_level],
            "Band": [LEVEL_BANDS[lvl] for lvl in by_level],
            "Occupations": list(by_level.values()),
        }
    )


LISTING_COLUMNS = {
    "code": "Occupation",
    "reference": "Standard",
    "title": "Title",
    "level": "Level",
    "route": "Route",
    "pathway": "Pathway",
    "status": "Map status",
    "standard_status": "Standard status",
    "version": "Version",
    "status_date": "Status date",
    "stage": "Review stage",
    "last_updated": "Last updated",
    "eligibility": "HTQ eligibility",
    "htqs": "Approved HTQs",
    "regulated": "Regulated",
    "map_url": "Occupational map",
    "standard_url": "Standard page",
}


def listing(df: pd.DataFrame, with_relevance: bool = False) -> pd.DataFrame:
    """Return the rows as a table for people: readable column names, blanks where unknown."""
    columns = dict(LISTING_COLUMNS)
    if with_relevance and "relevance" in df.columns:
        columns["relevance"] = "Relevance"
    return df[list(columns)].rename(columns=columns).reset_index(drop=True)


def describe_filters(filters: Filters) -> str:
    """Return the filters as one readable line (for downloads and reports)."""
    parts = []
    if filters.query.strip():
        parts.append(f"search “{filters.query.strip()}”")
    if filters.routes:
        parts.append("routes: " + ", ".join(filters.routes))
    if filters.levels:
        parts.append("levels: " + ", ".join(str(v) for v in sorted(filters.levels)))
    if filters.statuses:
        parts.append("map status: " + ", ".join(filters.statuses))
    if filters.eligible_only:
        parts.append("HTQ-eligible only")
    if filters.has_htqs:
        parts.append("with approved HTQs")
    if filters.regulated != "any":
        parts.append({"yes": "statutory regulated", "unknown": "regulation not known"}[filters.regulated])
    if filters.date_from or filters.date_to:
        parts.append(f"status date {filters.date_from or '…'} to {filters.date_to or '…'}")
    if filters.revision_or_retired:
        parts.append("in revision or retired")
    if filters.not_updated_since is not None:
        parts.append(f"not updated since {filters.not_updated_since} (standards with no known date left out)")
    return "; ".join(parts) or "none (all occupations)"


FACT_FIELDS = (
    ("Level", "level"),
    ("Route", "route"),
    ("Pathway", "pathway"),
    ("Cluster", "cluster"),
    ("Map status", "status"),
    ("Status last changed", "status_date"),
    ("Standard reference", "reference"),
    ("Standard title", "standard_title"),
    ("Standard status", "standard_status"),
    ("Version", "version"),
    ("Approved for delivery", "approved_date"),
    ("Standard last changed", "changed_date"),
    ("SOC 2020", "soc2020_code"),
    ("Statutory regulation", "regulated"),
)


def key_facts(occ: Occupation, source_names: dict[str, str]) -> pd.DataFrame:
    """Return Field / Value / Source rows for one occupation; 'unknown' where the snapshot lacks it."""
    rows = []
    for label, name in FACT_FIELDS:
        value = getattr(occ, name)
        if name == "soc2020_code" and value:
            value = f"{value} {occ.soc2020_title or ''}".strip()
        elif name == "regulated":
            value = (
                (f"Yes — {occ.regulated_body}" if occ.regulated_body else "Yes (regulator not named)")
                if occ.regulated
                else ("No" if occ.regulated is False else None)
            )
        source = occ.sources.get(name)
        rows.append(
            {
                "Field": label,
                "Value": "unknown" if value in (None, "", ()) else str(value),
                "Source": source_names.get(source, source) if source and value not in (None, "", ()) else "—",
            }
        )
    return pd.DataFrame(rows)


def htq_table(occ: Occupation) -> pd.DataFrame:
    """Return the approved HTQs aligned to an occupation, one row each."""
    return pd.DataFrame(
        [
            {
                "HTQ code": h.code,
                "Qualification": h.title,
                "Level": h.level,
                "Awarding body": h.awarding_body or "not named in the title",
                "Category": h.category or "unknown",
            }
            for h in occ.htqs
        ],
        columns=["HTQ code", "Qualification", "Level", "Awarding body", "Category"],
    )


def ksb_table(content: StandardContent) -> pd.DataFrame:
    """Return a standard's KSBs as Code / Type / Statement rows, in the standard's order."""
    return pd.DataFrame(
        [{"Code": k.code, "Type": k.kind.capitalize(), "Statement": k.text} for k in content.ksbs],
        columns=["Code", "Type", "Statement"],
    )


def duty_table(content: StandardContent) -> pd.DataFrame:
    """Return a standard's duties with the KSB codes each is mapped to."""
    return pd.DataFrame(
        [
            {
                "Duty": d.code,
                "Description": d.text,
                "KSBs": ", ".join(d.ksbs),
                "Core": {True: "Core", False: "Option", None: "unknown"}[d.core],
            }
            for d in content.duties
        ],
        columns=["Duty", "Description", "KSBs", "Core"],
    )


def related_rows(df: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
    """Return the catalogue rows of the given occupations, in the given order, known ones only."""
    known = df.set_index("code", drop=False)
    return known.loc[[c for c in codes if c in known.index]].reset_index(drop=True)


def related(df: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
    """Return code, title, level, route and standard of the given occupations, in the given order."""
    return related_rows(df, codes)[["code", "title", "level", "route", "standard"]]


def cluster_table(df: pd.DataFrame) -> pd.DataFrame:
    """Return occupations per route / pathway / cluster: counts by level, eligible and with HTQs."""
    h = hierarchy(df)
    grouped = h.groupby(["route", "pathway", "cluster"], sort=False)
    out = grouped.agg(
        Occupations=("code", "size"),
        Eligible=("eligibility", lambda s: int((s != eligibility.NOT_ELIGIBLE).sum())),
        With_HTQs=("htqs", lambda s: int((s > 0).sum())),
    )
    levels = pd.crosstab([h["route"], h["pathway"], h["cluster"]], h["level_name"])
    out = out.join(levels).fillna(0)
    out = out.reset_index().rename(
        columns={
            "route": "Route",
            "pathway": "Pathway",
            "cluster": "Cluster",
            "Eligible": "HTQ-eligible",
            "With_HTQs": "With approved HTQs",
        }
    )
    level_cols = sorted(c for c in out.columns if str(c).startswith("Level "))
    return out[["Route", "Pathway", "Cluster", "Occupations", *level_cols, "HTQ-eligible", "With approved HTQs"]]


def standard_choices(df: pd.DataFrame, content: dict[str, StandardContent]) -> dict[str, str]:
    """Return ST reference -> label for every level 4/5 standard, saying whether its KSBs are in the snapshot."""
    band = df[df["level"].isin(HTQ_LEVELS) & df["reference"].notna()].drop_duplicates("reference")
    options = df["reference"].value_counts()
    out = {}
    for r in band.sort_values("title").itertuples():
        known = content.get(r.reference)
        ksbs = f"{len(known.ksbs)} KSBs{'' if known.complete else ', incomplete'}" if known else "KSBs to import"
        # A standard with options appears once, under the title its options share.
        title = r.title.split(" - ")[0] if options[r.reference] > 1 else r.title
        out[r.reference] = f"{r.reference} {title} (level {r.level}; {ksbs})"
    return out
