"""Filters, search and summaries on the real snapshot (eligibility is tests/test_eligibility.py)."""

from datetime import date

import pytest

from htq import catalogue
from htq.catalogue import Filters


def test_headline_figures(df):
    figures = catalogue.headline(df)
    assert figures["occupations"] == 1269 and figures["htq_band"] == 284
    assert figures["by_level"][4] == 218 and figures["by_level"][5] == 66
    assert 0 < figures["eligible_standards"] <= figures["eligible"] <= 284


def test_route_level_grid_adds_up(df, snap):
    grid = catalogue.route_level_counts(df, [r.name for r in snap.data.routes])
    assert grid["Total"].sum() == 1269
    assert grid.loc["Digital", "Level 4"] == 20
    assert list(grid.index[:2]) == ["Agriculture, environmental and animal care", "Business and administration"]


def test_filters_combine(df, index):
    out = catalogue.apply_filters(df, Filters(routes=("Digital",), levels=(4,), has_htqs=True), index)
    assert set(out["route"]) == {"Digital"} and set(out["level"]) == {4}
    assert (out["htqs"] > 0).all()
    assert {"OCC0116", "OCC0118"} <= set(out["code"])


def test_eligible_only_hides_blocked_rows(df, index):
    out = catalogue.apply_filters(df, Filters(eligible_only=True), index)
    assert out["htq_eligible"].all() and set(out["level"]) == {4, 5}


def test_regulated_filter(df, index):
    out = catalogue.apply_filters(df, Filters(regulated="yes", levels=(4, 5)), index)
    # Nursing associate (title), hearing aid dispenser, small vessel engineer, and the four dental
    # occupations whose summaries say they register with, or are regulated by, the GDC.
    assert set(out["code"]) == {"OCC0827", "OCC0600", "OCC0875", "OCC0542", "OCC1432", "OCC1433", "OCC1434"}


def test_status_date_range_excludes_unknown_dates(df, index):
    out = catalogue.apply_filters(df, Filters(date_from=date(2020, 1, 1), date_to=date(2020, 12, 31)), index)
    assert len(out) > 0
    assert out["status_date"].between("2020-01-01", "2020-12-31").all()


@pytest.mark.parametrize(
    "query, first",
    [
        ("nurses", "OCC0827"),
        ("NURSING associate", "OCC0827"),
        ("software developers", "OCC0116"),
        ("quantity surveying", "OCC0049"),
    ],
)
def test_search_is_ranked_and_folds_case_and_plurals(df, index, query, first):
    out = catalogue.apply_filters(df, Filters(query=query, levels=(4, 5)), index)
    assert out.iloc[0]["code"] == first
    assert out["relevance"].is_monotonic_decreasing and out["relevance"].iloc[0] == 1.0


def test_search_by_code(df, index):
    assert list(catalogue.apply_filters(df, Filters(query="st0039"), index)["code"]) == [
        "OCC0039A",
        "OCC0039B",
        "OCC0039C",
        "OCC0039D",
        "OCC0039E",
        "OCC0039F",
    ]
    assert list(catalogue.apply_filters(df, Filters(query="OCC 116"), index)["code"]) == ["OCC0116"]


def test_search_with_no_match_is_empty(df, index):
    assert catalogue.apply_filters(df, Filters(query="zzzxqv"), index).empty


@pytest.mark.parametrize(
    "text, code",
    [
        ("ST0116", "ST0116"),
        (" st116 ", "ST0116"),
        ("occ0039a", "OCC0039A"),
        ("ST-0116", "ST0116"),
        ("software", None),
        ("ST12345", None),
        ("", None),
    ],
)
def test_normalise_code(text, code):
    assert catalogue.normalise_code(text) == code


def test_resolve_code_unknown_is_none(df):
    assert catalogue.resolve_code(df, "ST9999") is None
    assert catalogue.resolve_code(df, "OCC0116") == "OCC0116"


def test_key_facts_say_unknown_and_name_sources(snap):
    facts = catalogue.key_facts(snap.occupation("OCC0002"), {"maps_index": "Maps index"}).set_index("Field")
    assert facts.loc["Pathway", "Value"] == "unknown" and facts.loc["Pathway", "Source"] == "—"
    assert facts.loc["Level", "Source"] == "Maps index"


def test_listing_has_readable_columns(df):
    table = catalogue.listing(df.head(3))
    assert list(table.columns)[:4] == ["Occupation", "Standard", "Title", "Level"]


def test_describe_filters():
    text = catalogue.describe_filters(Filters(query="nurse", levels=(5, 4), eligible_only=True))
    assert text == "search “nurse”; levels: 4, 5; HTQ-eligible only"
    assert catalogue.describe_filters(Filters()) == "none (all occupations)"


def test_cluster_table_counts_every_occupation(df):
    band = df[df["level"].isin([4, 5])]
    table = catalogue.cluster_table(band)
    assert table["Occupations"].sum() == 284
    assert (table["Level 4"] + table["Level 5"] == table["Occupations"]).all()


def test_listings_link_every_standard_to_its_official_records(df):
    table = catalogue.listing(df)
    assert (
        table["Occupational map"]
        == "https://occupational-maps.skillsengland.education.gov.uk/maps/occupation/" + table["Occupation"]
    ).all()
    assert (table["Standard page"] == catalogue.STANDARD_PAGE_UNKNOWN).all()  # not in the shipped snapshot


def test_levels_of_names_each_reference_level_once(df):
    levels = catalogue.levels_of(df, ["ST0116", "ST0118", "NOT-A-CODE"])
    assert levels == {"ST0116": 4, "ST0118": 4}
