"""The shipped snapshot, and validation that refuses broken or partial snapshots."""

import json
from dataclasses import replace

import pytest

from htq import snapshot
from htq.snapshot import SnapshotError

from .conftest import ROOT


def test_fifteen_routes_with_their_pathways_and_clusters(snap):
    assert len(snap.data.routes) == 15
    assert snap.manifest["counts"]["pathways"] == 35
    assert snap.manifest["counts"]["clusters"] == 172
    assert snap.data.routes[0].name == "Agriculture, environmental and animal care"


def test_counts_by_level_match_the_maps_index(snap):
    assert snap.manifest["counts"]["by_level"] == {"2": 253, "3": 410, "4": 218, "5": 66, "6": 201, "7": 121}
    assert len(snap.data.occupations) == 1269


def test_every_level_4_and_5_occupation_has_its_full_record(snap):
    band = [o for o in snap.data.occupations if o.level in (4, 5)]
    assert len(band) == 284
    assert all(o.sources["code"] == "maps_api" and o.route and o.pathway and o.cluster for o in band)


def test_approved_htqs_counted_once_each(snap):
    assert snap.manifest["counts"]["htqs"] == 293


def test_fields_from_the_standards_list_say_so(snap):
    occ = snap.occupation("OCC0002")  # level 3: index row plus the standards list
    assert (occ.reference, occ.route) == ("ST0002", "Legal, finance and accounting")
    assert occ.sources["route"] == "standards_list"
    assert occ.sources["title"] == "maps_index"
    assert occ.pathway is None and occ.summary is None


def test_ksbs_kept_with_completeness(snap):
    assert sorted(snap.data.content) == ["ST0116", "ST0118", "ST0127", "ST0129", "ST0825", "ST0827", "ST1021", "ST1386"]
    assert {r for r, c in snap.data.content.items() if not c.complete} == {"ST0127", "ST0129", "ST0827", "ST1021"}
    devops = snap.data.content["ST0825"]
    assert devops.complete and len(devops.ksbs) == 51 and len(devops.duties) == 13
    assert devops.duties[0].code == "D1" and "K7" in devops.duties[0].ksbs
    assert devops.source.startswith("Copied from a third-party publication") and "github.com" in devops.source_url
    tester = snap.data.content["ST0129"]
    assert not tester.ksbs and len(tester.duties) == 12 and not tester.complete
    assert snap.manifest["counts"]["standards_with_ksbs"] == 7 and snap.manifest["counts"]["standards_with_duties"] == 2
    software = snap.data.content["ST0116"]
    assert software.complete and software.version == "1.1"
    kinds = [k.kind for k in software.ksbs]
    assert (kinds.count("knowledge"), kinds.count("skill"), kinds.count("behaviour")) == (12, 17, 9)
    assert not snap.data.content["ST0127"].complete


def test_provenance_file_matches_the_current_snapshot(snap):
    text = (ROOT / "data" / "PROVENANCE.md").read_text(encoding="utf-8")
    assert text == snapshot.provenance_markdown(snap.manifest)
    assert snapshot.OGL_ATTRIBUTION in text


def test_write_then_load_round_trips(snap, tmp_path):
    written = snapshot.write(snap.data, tmp_path / "data", snapshot_id="copy")
    assert written.data == snap.data
    assert snapshot.current_id(tmp_path / "data") == "copy"


def test_a_failed_write_leaves_the_previous_snapshot_current(snap, data_copy):
    broken = replace(snap.data, occupations=())
    with pytest.raises(SnapshotError, match="no occupations"):
        snapshot.write(broken, data_copy, snapshot_id="broken")
    assert snapshot.current_id(data_copy) == snap.id
    assert snapshot.load(data_copy).data == snap.data
    assert [p.name for p in (data_copy / "snapshots").iterdir()] == [snap.id]


def _occupations_file(data_dir):
    return data_dir / "snapshots" / snapshot.current_id(data_dir) / "occupations.json"


def _rewrite_with_checksum(data_dir, name, mutate):
    folder = data_dir / "snapshots" / snapshot.current_id(data_dir)
    obj = json.loads((folder / name).read_text(encoding="utf-8"))
    mutate(obj)
    blob = snapshot._dump(obj)
    (folder / name).write_bytes(blob)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"][name] = snapshot._sha256(blob)
    (folder / "manifest.json").write_bytes(snapshot._dump(manifest))


def test_missing_pointer_is_named(data_copy):
    (data_copy / "CURRENT").unlink()
    with pytest.raises(SnapshotError, match="CURRENT: file not found"):
        snapshot.load(data_copy)


def test_missing_file_is_named(data_copy):
    _occupations_file(data_copy).unlink()
    with pytest.raises(SnapshotError, match=r"occupations\.json: file not found"):
        snapshot.load(data_copy)


def test_truncated_file_is_caught_by_its_checksum(data_copy):
    path = _occupations_file(data_copy)
    path.write_bytes(path.read_bytes()[:-500])
    with pytest.raises(
        SnapshotError, match=r"occupations\.json: not valid JSON|occupations\.json: contents do not match"
    ):
        snapshot.load(data_copy)


def test_edited_file_is_caught_by_its_checksum(data_copy):
    path = _occupations_file(data_copy)
    path.write_text(
        path.read_text(encoding="utf-8").replace("Software developer", "Software develop3r"), encoding="utf-8"
    )
    with pytest.raises(SnapshotError, match="contents do not match the checksum"):
        snapshot.load(data_copy)


def test_invalid_json_is_named_with_its_position(data_copy):
    folder = data_copy / "snapshots" / snapshot.current_id(data_copy)
    (folder / "manifest.json").write_text("{ not json", encoding="utf-8")
    with pytest.raises(SnapshotError, match=r"manifest\.json: not valid JSON .* line 1"):
        snapshot.load(data_copy)


def test_record_without_level_is_named(data_copy):
    _rewrite_with_checksum(data_copy, "occupations.json", lambda o: o["occupations"][5].pop("level"))
    with pytest.raises(SnapshotError, match=r"record 6 \(OCC\d+\w?\) has no 'level'"):
        snapshot.load(data_copy)


def test_level_outside_the_maps_is_refused(data_copy):
    _rewrite_with_checksum(data_copy, "occupations.json", lambda o: o["occupations"][0].update(level=9))
    with pytest.raises(SnapshotError, match="level 9, outside 2-7"):
        snapshot.load(data_copy)


def test_duplicate_codes_are_refused(data_copy):
    _rewrite_with_checksum(data_copy, "occupations.json", lambda o: o["occupations"].append(o["occupations"][0]))
    with pytest.raises(SnapshotError, match="appear twice"):
        snapshot.load(data_copy)


def test_route_missing_from_the_tree_is_refused(data_copy):
    _rewrite_with_checksum(data_copy, "tree.json", lambda t: t["routes"].pop(6))  # Digital
    with pytest.raises(SnapshotError, match="routes not in tree.json: Digital"):
        snapshot.load(data_copy)


def test_newer_schema_is_refused(data_copy):
    folder = data_copy / "snapshots" / snapshot.current_id(data_copy)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["schema"] = 99
    (folder / "manifest.json").write_bytes(snapshot._dump(manifest))
    with pytest.raises(SnapshotError, match="schema 99"):
        snapshot.load(data_copy)


def test_blank_ksb_sheet_reads_back_as_a_ksb_sheet():
    from htq import ksbs

    blob = ksbs.blank_sheet_xlsx("ST0117", "Business analyst")
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(blob))
    assert [c.value for c in book["KSBs"][1]] == ["Code", "Type", "Statement"]
    book["KSBs"].append(["K1", "Knowledge", "Know the business"])
    out = io.BytesIO()
    book.save(out)
    read = ksbs.read_sheet(out.getvalue(), "sheet.xlsx", "ST0117")
    assert [(k.code, k.text) for k in read.ksbs] == [("K1", "Know the business")]


def test_stale_snapshots_are_recognised(snap):
    from datetime import date

    assert snapshot.age_days(snap, date(2026, 12, 2)) == 149 > snapshot.STALE_AFTER_DAYS
    assert snapshot.age_days(snap, date(2026, 7, 30)) < snapshot.STALE_AFTER_DAYS
