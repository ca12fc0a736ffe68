"""Review and revision: every date the sources give about a standard's life, and what they mean.

The occupational maps give the date an occupation's status last changed (`statusLastUpdated`);
the apprenticeship standards API adds approval for delivery, the last change and, per version,
the earliest and latest start dates and the latest end date. The shipped snapshot holds only the
maps' dates; a refresh from the standards API brings the rest. Where a date is not known the
tables say "unknown", never a guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from htq.model import (
    APPROVED_FOR_DELIVERY,
    IN_DEVELOPMENT_OCCUPATION,
    POTENTIAL_OCCUPATION,
    SOURCE_STANDARDS_API,
    Occupation,
    VersionDates,
)

IN_REVISION, RETIRED, PAUSED, IN_DEVELOPMENT, CURRENT, NO_STANDARD, UNKNOWN = (
    "in revision",
    "retired or withdrawn",
    "paused",
    "in development",
    "approved for delivery",
    "no standard yet",
    "unknown",
)
UNKNOWN_DATE = "unknown"
REFRESH_BRINGS = "not in this snapshot (a refresh from the standards API records it)"


def stage(occ: Occupation) -> str:
    """Return where the standard is in its life, from its standard status (or the map status without one)."""
    status = (occ.standard_status or "").lower()
    if "revision" in status:
        return IN_REVISION
    if "retired" in status or "withdrawn" in status:
        return RETIRED
    if "paused" in status:
        return PAUSED
    if "development" in status or "proposal" in status:
        return IN_DEVELOPMENT
    if status.startswith("approved"):
        return CURRENT
    if occ.status == IN_DEVELOPMENT_OCCUPATION:
        return IN_DEVELOPMENT
    if occ.status == POTENTIAL_OCCUPATION:
        return NO_STANDARD
    return UNKNOWN


REVISION_OR_RETIRED = (IN_REVISION, RETIRED)  # the stages Find standards' "In revision or retired" keeps


def last_updated(occ: Occupation) -> str | None:
    """Return the latest date any source gives for a change to the standard (ISO date), or None."""
    dates = [d for d in (occ.status_date, occ.changed_date, occ.approved_date) if d]
    return max(d[:10] for d in dates) if dates else None


def current_dates(occ: Occupation) -> VersionDates | None:
    """Return the start and end dates of the standard's current version, when known."""
    return occ.dates_of(occ.version)


def _value(value: str | None, missing: str = UNKNOWN_DATE) -> str:
    return value if value else missing


_VERSION_DATES = (
    ("first start date", "earliest_start"),
    ("last date for new starts", "latest_start"),
    ("last end date", "latest_end"),
)


def review_facts(occ: Occupation, source_names: dict[str, str]) -> pd.DataFrame:
    """Return Field / Value / Source rows of everything known about the standard's review and revision."""
    now = current_dates(occ)
    api = source_names.get(SOURCE_STANDARDS_API, "Standards API")
    api_known = bool(occ.version_dates) or occ.sources.get("approved_date") == SOURCE_STANDARDS_API
    api_missing = UNKNOWN_DATE if api_known else REFRESH_BRINGS

    def source(name: str, value: str | None) -> str:
        got = occ.sources.get(name)
        return source_names.get(got, got) if got and value else "—"

    rows = [
        ("Stage", stage(occ), source("standard_status", occ.standard_status)),
        ("Standard status", _value(occ.standard_status), source("standard_status", occ.standard_status)),
        ("Map status last changed", _value(occ.status_date), source("status_date", occ.status_date)),
        (APPROVED_FOR_DELIVERY, _value(occ.approved_date, api_missing), source("approved_date", occ.approved_date)),
        ("Standard last changed", _value(occ.changed_date, api_missing), source("changed_date", occ.changed_date)),
        ("What changed", _value(occ.change_note, api_missing), source("change_note", occ.change_note)),
        ("Current version", _value(occ.version), source("version", occ.version)),
    ]
    for label, name in _VERSION_DATES:  # a known version with no end or closing date has "none set"
        value = getattr(now, name) if now else None
        missing = api_missing if now is None or name == "earliest_start" else "none set"
        rows.append((f"Current version: {label}", _value(value, missing), api if value else "—"))
    return pd.DataFrame(rows, columns=["Field", "Value", "Source"])


def versions_table(occ: Occupation) -> pd.DataFrame:
    """Return every version the standards API listed, with its start and end dates."""
    return pd.DataFrame(
        [
            {
                "Version": v.version,
                "First start date": _value(v.earliest_start),
                "Last date for new starts": v.latest_start or "none set",
                "Last end date": v.latest_end or "none set",
            }
            for v in occ.version_dates
        ],
        columns=["Version", "First start date", "Last date for new starts", "Last end date"],
    )


def closing_note(occ: Occupation, version: str | None, today: date | None = None) -> str | None:
    """Return a sentence when `version` of the standard closes (or has closed) to new starts, else None."""
    dates = occ.dates_of(version)
    if dates is None or not dates.latest_start:
        return None
    today = today or date.today()
    closes = date.fromisoformat(dates.latest_start[:10])
    verb = "closed" if closes < today else "closes"
    return f"Version {version} {verb} to new starts on {closes.isoformat()}."


def schedule_table(occupations: Sequence[Occupation], today: date | None = None) -> pd.DataFrame:
    """Return, per standard, the facts a reapproval-schedule check needs (readiness prompt D1b)."""
    rows = []
    for occ in occupations:
        now = current_dates(occ)
        rows.append(
            {
                "Standard": occ.reference or occ.code,
                "Title": occ.title,
                "Stage": stage(occ),
                "Version": _value(occ.version),
                "Last updated": _value(last_updated(occ)),
                "New starts on this version until": (now.latest_start or "none set") if now else UNKNOWN_DATE,
                "Note": closing_note(occ, occ.version, today) or "",
            }
        )
    return pd.DataFrame(
        rows,
        columns=["Standard", "Title", "Stage", "Version", "Last updated", "New starts on this version until", "Note"],
    )
