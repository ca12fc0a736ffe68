"""Building a snapshot from harvested files (a real subset kept in tests/fixtures/harvest)."""

import shutil
from pathlib import Path

import pytest

from htq import snapshot
from htq.ingest import build

from .conftest import FIXTURES, ROOT

SHARED = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="module")
def built():
    return build.build_from_harvest(FIXTURES / "harvest")


def test_every_index_occupation_is_in_the_snapshot(built):
    assert len(built.occupations) == 1269


def test_records_go_through_the_api_parser(built):
    software = next(o for o in built.occupations if o.code == "OCC0116")
    assert software.sources["summary"] == "maps_api" and len(software.htqs) == 27


def test_index_only_occupations_get_route_status_and_version_from_the_list(built):
    # OCC0117 has no record in the fixture subset, so its route comes from the standards list.
    analyst = next(o for o in built.occupations if o.code == "OCC0117")
    assert analyst.reference == "ST0117"
    assert analyst.route == "Digital" and analyst.sources["route"] == "standards_list"
    assert analyst.version and analyst.sources["version"] == "standards_list"


def test_no_reference_is_invented_where_levels_disagree(built):
    # A list row must exist with the same level; otherwise the reference stays unknown.
    unknown = [o for o in built.occupations if o.reference is None]
    assert unknown and all(o.sources.get("reference") is None for o in unknown)


def test_mojibake_in_the_list_is_repaired():
    assert build.repair_mojibake("AI leadership â€“ AI strategy") == "AI leadership – AI strategy"
    assert build.repair_mojibake("plain – text") == "plain – text"


def test_tree_orders_pathways_by_the_map_sequence(built):
    digital = next(r for r in built.routes if r.name == "Digital")
    assert [p.name for p in digital.pathways] == [
        "Digital Support and Services",
        "Digital Production, Design and Development",
        "Digital Business Services",
    ]


def test_written_snapshot_loads(built, tmp_path):
    written = snapshot.write(built, tmp_path)
    assert written.manifest["counts"]["occupations"] == 1269


def test_missing_file_is_named(tmp_path):
    shutil.copytree(FIXTURES / "harvest", tmp_path / "h")
    (tmp_path / "h" / build.INDEX_FILE).unlink()
    with pytest.raises(build.HarvestError, match="occupational_maps_occupations_index.csv: file not found"):
        build.build_from_harvest(tmp_path / "h")


def test_broken_record_is_named(tmp_path):
    shutil.copytree(FIXTURES / "harvest", tmp_path / "h")
    (tmp_path / "h" / "occupations_raw" / "OCC0116.json").write_text('{"stdCode": "OCC0116"}', encoding="utf-8")
    with pytest.raises(build.HarvestError, match="occupation OCC0116: the field 'name' is missing"):
        build.build_from_harvest(tmp_path / "h")


def test_cli_reports_a_bad_source_folder_with_exit_code_2(tmp_path, capsys):
    from htq.__main__ import main

    assert main(["--data-dir", str(tmp_path / "d"), "build-snapshot", str(tmp_path / "nowhere")]) == 2
    assert "folder not found" in capsys.readouterr().err


@pytest.mark.skipif(not (SHARED / "occupations_raw").is_dir(), reason="../shared/data is not beside this clone")
def test_shipped_snapshot_is_what_the_builder_makes_from_the_shared_data(snap):
    rebuilt = build.build_from_harvest(Path("../shared/data") if Path("../shared/data").is_dir() else SHARED)
    assert rebuilt.occupations == snap.data.occupations
    assert rebuilt.routes == snap.data.routes
    assert rebuilt.content == snap.data.content
