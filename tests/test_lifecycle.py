"""Review and revision: stages, dates and what is unknown, on the shipped snapshot and crafted records."""

from dataclasses import replace
from datetime import date

from htq import catalogue, lifecycle
from htq.catalogue import Filters
from htq.model import VersionDates


def test_stages_read_off_the_standard_status(snap):
    occ = snap.occupation("OCC0116")
    assert lifecycle.stage(occ) == lifecycle.CURRENT
    for status, stage in [
        ("Approved for delivery - in revision", lifecycle.IN_REVISION),
        ("Retired", lifecycle.RETIRED),
        ("Withdrawn", lifecycle.RETIRED),
        ("Approved for delivery - paused", lifecycle.PAUSED),
        ("Proposal in development", lifecycle.IN_DEVELOPMENT),
    ]:
        assert lifecycle.stage(replace(occ, standard_status=status)) == stage
    assert (
        lifecycle.stage(replace(occ, standard_status=None, status="Potential occupational standard"))
        == lifecycle.NO_STANDARD
    )


def test_the_shipped_snapshot_says_which_dates_it_does_not_have(snap):
    facts = lifecycle.review_facts(snap.occupation("OCC0116"), {}).set_index("Field")["Value"]
    assert facts["Approved for delivery"] == lifecycle.REFRESH_BRINGS
    assert facts["Current version: last date for new starts"] == lifecycle.REFRESH_BRINGS
    assert lifecycle.versions_table(snap.occupation("OCC0116")).empty


def test_closing_dates_past_and_future():
    from htq.model import Occupation

    occ = Occupation(
        "OCC9",
        "X",
        4,
        "Approved occupation",
        version="1.0",
        version_dates=(VersionDates("1.0", "2020-01-01", "2027-03-31"),),
    )
    assert lifecycle.closing_note(occ, "1.0", date(2026, 12, 2)) == "Version 1.0 closes to new starts on 2027-03-31."
    assert lifecycle.closing_note(occ, "1.0", date(2027, 4, 1)) == "Version 1.0 closed to new starts on 2027-03-31."
    assert lifecycle.closing_note(occ, "2.0") is None  # a version the snapshot has no dates for
    row = lifecycle.schedule_table([occ], date(2026, 12, 2)).iloc[0]
    assert row["New starts on this version until"] == "2027-03-31" and row["Last updated"] == "unknown"


def test_find_filters_on_revision_and_age(df, snap):
    out = catalogue.apply_filters(df, Filters(revision_or_retired=True))
    assert len(out) and set(out["stage"]) <= {lifecycle.IN_REVISION, lifecycle.RETIRED}
    assert set(lifecycle.REVISION_OR_RETIRED) == {lifecycle.IN_REVISION, lifecycle.RETIRED}
    old = catalogue.apply_filters(df, Filters(not_updated_since=2018))
    assert len(old) and (old["last_updated"] < "2018-01-01").all()
    assert old["last_updated"].notna().all()  # no known date: left out, never assumed old
    assert "not updated since 2018" in catalogue.describe_filters(Filters(not_updated_since=2018))
