"""What changed between snapshots: new, retired, re-versioned, status, KSB differences."""

from dataclasses import replace

from htq import changes, snapshot
from htq.model import Ksb, StandardContent


def changed_copy(snap, occupations=None, content=None, snapshot_id="new"):
    data = replace(
        snap.data,
        occupations=occupations or snap.data.occupations,
        content=content if content is not None else snap.data.content,
        snapshot_date="2026-12-01",
    )
    return snapshot.Snapshot(snapshot_id, snap.path, snap.manifest, data)


def test_identical_snapshots_have_no_changes(snap):
    result = changes.diff(snap, snap)
    assert result.items == () and changes.summary(result).startswith("Snapshot of 2026-07-06: 0 standard(s) changed")


def test_new_retired_reversioned_and_status(snap):
    occ = {o.code: o for o in snap.data.occupations}
    occ["OCC0116"] = replace(occ["OCC0116"], version="1.3")
    occ["OCC0118"] = replace(occ["OCC0118"], standard_status="Retired")
    occ["OCC0827"] = replace(occ["OCC0827"], status="Occupational standard in development")
    removed = occ.pop("OCC0003")
    occ["OCC9999"] = replace(removed, code="OCC9999", title="A new occupation")
    result = changes.diff(snap, changed_copy(snap, tuple(sorted(occ.values(), key=lambda o: o.code))))
    kinds = {i.occupation: i.kinds for i in result.items}
    assert kinds == {
        "OCC0116": (changes.REVERSIONED,),
        "OCC0118": (changes.RETIRED,),
        "OCC0827": (changes.STATUS,),
        "OCC0003": (changes.RETIRED,),
        "OCC9999": (changes.NEW,),
    }
    software = next(i for i in result.items if i.occupation == "OCC0116")
    assert (software.old_version, software.new_version) == ("1.2", "1.3")
    assert result.standards_changed() == 4  # OCC9999 reuses ST0003, so five occupations are four standards


def test_ksb_added_removed_reworded(snap):
    old = snap.data.content["ST0116"]
    ksbs = [k for k in old.ksbs if k.code != "B9"]
    ksbs = [Ksb("K1", "knowledge", "a reworded first statement") if k.code == "K1" else k for k in ksbs]
    ksbs.append(Ksb("S18", "skill", "a new skill"))
    content = {**snap.data.content, "ST0116": replace(old, ksbs=tuple(ksbs))}
    item = changes.diff(snap, changed_copy(snap, content=content)).for_reference("ST0116")
    assert {k.code: k.change for k in item.ksbs} == {"K1": "reworded", "S18": "added", "B9": "removed"}
    assert changes.ksb_frame(item).set_index("Code").loc["K1", "After"] == "a reworded first statement"


def test_whitespace_and_case_are_not_rewording(snap):
    old = snap.data.content["ST0118"]
    content = {
        **snap.data.content,
        "ST0118": replace(old, ksbs=tuple(replace(k, text=k.text.upper() + "  ") for k in old.ksbs)),
    }
    assert changes.diff(snap, changed_copy(snap, content=content)).items == ()


def test_ksbs_first_known_are_not_counted_as_changes(snap):
    assert "ST0117" not in snap.data.content
    content = {
        **snap.data.content,
        "ST0117": StandardContent("ST0117", "Business analyst", "1.0", True, (Ksb("K1", "knowledge", "x"),)),
    }
    assert changes.diff(snap, changed_copy(snap, content=content)).items == ()
