"""Change alerts, the portfolio and the committee report, on saved programmes."""

from dataclasses import replace

from htq import alerts, portfolio, readiness, snapshot
from htq.model import Ksb
from htq.store import ShortlistEntry

from .programmes import mapped_programme


def revised(snap):
    """The shipped snapshot with ST0116 at v1.3: K12 reworded, S18 added, B9 removed, and ST0118 retired."""
    old = snap.data.content["ST0116"]
    ksbs = [
        Ksb("K12", "knowledge", "software testing frameworks, methodologies and automation") if k.code == "K12" else k
        for k in old.ksbs
        if k.code != "B9"
    ] + [Ksb("S18", "skill", "a new skill")]
    occupations = tuple(
        replace(o, version="1.3")
        if o.code == "OCC0116"
        else replace(o, standard_status="Retired")
        if o.code == "OCC0118"
        else o
        for o in snap.data.occupations
    )
    data = replace(
        snap.data,
        occupations=occupations,
        snapshot_date="2026-12-01",
        content={**snap.data.content, "ST0116": replace(old, ksbs=tuple(ksbs), version="1.3")},
    )
    return snapshot.Snapshot("2026-12-01T000000Z", snap.path, snap.manifest, data)


def test_no_alerts_against_the_snapshot_it_was_mapped_to(snap):
    assert alerts.programme_alerts(mapped_programme(snap), snap) == []


def test_alerts_name_the_mapped_ksbs_to_recheck(snap):
    found = alerts.programme_alerts(mapped_programme(snap), revised(snap))
    kinds = {(a.kind, a.affected) for a in found}
    assert (alerts.NEW_VERSION, ()) in kinds
    assert (alerts.KSB_REWORDED, ("K12",)) in kinds
    assert (alerts.KSB_REMOVED, ("B9",)) in kinds
    assert (alerts.KSB_ADDED, ("S18",)) in kinds
    reworded = next(a for a in found if a.kind == alerts.KSB_REWORDED)
    assert "SD401 still evidence K12" in reworded.recheck


def test_retired_shortlisted_standard(snap):
    p = replace(
        mapped_programme(snap),
        shortlist=(ShortlistEntry("OCC0118", "ST0118", "Data analyst", "", "1.1", "Approved for delivery"),),
        mapping=(),
    )
    found = alerts.programme_alerts(p, revised(snap))
    assert [a.kind for a in found] == [alerts.RETIRED]


def test_overview_lists_only_affected_programmes(snap):
    quiet = replace(mapped_programme(snap, "Quiet"), id="p2", shortlist=(), mapping=())
    table = alerts.overview([mapped_programme(snap), quiet], revised(snap))
    assert set(table["Programme"]) == {"FdSc Software Development"}


def test_portfolio_tables(snap, df):
    a = mapped_programme(snap, "A", ("SD401",))
    b = replace(mapped_programme(snap, "B", ("SD401",)), id="p2")
    table = portfolio.coverage_table([a, b], df)
    assert list(table["Programme"]) == ["A", "B"] and (table["Covered"] == 1.0).all()
    assert portfolio.coverage_grid(table).loc["A", "ST0116"] == 1.0
    shared = portfolio.overlaps([a, b])
    assert set(shared["Code"]) == {"ST0116", "SD401"}
    unserved = portfolio.unserved([a, b], df)
    assert set(unserved["Route"]) == {"Digital"} and "ST0116" not in set(unserved["Standard"])
    assert "ST0118" in set(unserved["Standard"])


def test_readiness_prompts_cover_every_stage_of_the_toolkit():
    assert [p.id for p in readiness.PROMPTS] == [
        "B2a",
        "B2b",
        "C2a",
        "C2b",
        "D1a",
        "D1b",
        "D2c",
        "D3d",
        "E2a",
        "E2b",
        "E2c",
    ]
    answers = {"B2a": readiness.Answer("B2a", "Yes")}
    assert readiness.progress(answers)["Development consent"] == (1, 2)
    assert len(readiness.checklist_frame(answers, "Periodic review")) == 3
