"""Filters, search and summaries on the real snapshot (eligibility is tests/test_eligibility.py)."""

from dataclasses import replace
from datetime import date

import pandas as pd
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


def test_filters_are_described_in_one_line_for_downloads():
    assert catalogue.describe_filters(Filters()) == "none (all occupations)"
    every = Filters(
        query="  cyber  ",
        routes=("Digital", "Engineering and manufacturing"),
        levels=(5, 4),
        statuses=("Approved occupation",),
        eligible_only=True,
        has_htqs=True,
        regulated="unknown",
        date_from=date(2020, 1, 1),
        revision_or_retired=True,
        not_updated_since=2022,
    )
    assert catalogue.describe_filters(every) == (
        "search “cyber”; routes: Digital, Engineering and manufacturing; levels: 4, 5; map status: Approved "
        "occupation; HTQ-eligible only; with approved HTQs; regulation not known; status date 2020-01-01 to …; "
        "in revision or retired; not updated since 2022 (standards with no known date left out)"
    )
    assert catalogue.describe_filters(Filters(regulated="yes", date_to=date(2021, 6, 30))) == (
        "statutory regulated; status date … to 2021-06-30"
    )


def test_key_facts_say_unknown_and_name_each_source(snap):
    from dataclasses import replace as with_

    occ = with_(snap.occupation("OCC0116"), regulated=None, regulated_body=None, pathway=None)
    facts = catalogue.key_facts(occ, {"maps_api": "Occupational Maps API"}).set_index("Field")
    assert list(facts.index) == [label for label, _ in catalogue.FACT_FIELDS]
    assert facts.loc["Level"].tolist() == ["4", "Occupational Maps API"]
    assert facts.loc["Pathway"].tolist() == ["unknown", "—"]
    assert facts.loc["Statutory regulation"].tolist() == ["unknown", "—"]
    assert facts.loc["SOC 2020", "Value"].startswith(occ.soc2020_code + " ")
    named = catalogue.key_facts(with_(occ, regulated=True, regulated_body="the NMC"), {}).set_index("Field")
    assert named.loc["Statutory regulation", "Value"] == "Yes — the NMC"
    unnamed = catalogue.key_facts(with_(occ, regulated=True), {}).set_index("Field")
    assert unnamed.loc["Statutory regulation", "Value"] == "Yes (regulator not named)"
    assert (
        catalogue.key_facts(with_(occ, regulated=False), {}).set_index("Field").loc["Statutory regulation", "Value"]
        == "No"
    )


def test_htq_ksb_and_duty_tables(snap):
    from htq.model import Duty, Htq, Ksb, StandardContent

    occ = replace(
        snap.occupation("OCC0116"), htqs=(Htq("HTQ1", "HNC Computing", 5), Htq("HTQ2", "X", 4, "Cat", "Pearson"))
    )
    assert catalogue.htq_table(occ).to_dict("records") == [
        {
            "HTQ code": "HTQ1",
            "Qualification": "HNC Computing",
            "Level": 5,
            "Awarding body": "not named in the title",
            "Category": "unknown",
        },
        {"HTQ code": "HTQ2", "Qualification": "X", "Level": 4, "Awarding body": "Pearson", "Category": "Cat"},
    ]
    content = StandardContent(
        "ST9001",
        "T",
        "1.0",
        True,
        ksbs=(Ksb("K1", "knowledge", "Know a"), Ksb("S1", "skill", "Do b")),
        duties=(Duty("D1", "First", ("K1", "S1"), True), Duty("D2", "Second", (), False), Duty("D3", "Third", ())),
    )
    assert catalogue.ksb_table(content).to_dict("records") == [
        {"Code": "K1", "Type": "Knowledge", "Statement": "Know a"},
        {"Code": "S1", "Type": "Skill", "Statement": "Do b"},
    ]
    assert catalogue.duty_table(content).to_dict("records") == [
        {"Duty": "D1", "Description": "First", "KSBs": "K1, S1", "Core": "Core"},
        {"Duty": "D2", "Description": "Second", "KSBs": "", "Core": "Option"},
        {"Duty": "D3", "Description": "Third", "KSBs": "", "Core": "unknown"},
    ]
    assert list(catalogue.htq_table(replace(occ, htqs=())).columns) == [
        "HTQ code",
        "Qualification",
        "Level",
        "Awarding body",
        "Category",
    ]


def test_one_frame_row_holds_what_the_screens_show(df):
    row = df[df["code"] == "OCC0116"].iloc[0].to_dict()
    assert {k: row[k] for k in ("code", "reference", "standard", "title", "level", "status", "standard_status")} == {
        "code": "OCC0116",
        "reference": "ST0116",
        "standard": "ST0116",
        "title": "Software developer",
        "level": 4,
        "status": "Approved occupation",
        "standard_status": "Approved for delivery",
    }
    assert (row["version"], row["route"], row["route_order"], row["htqs"]) == ("1.2", "Digital", 6, 27)
    assert row["status_date"] == row["last_updated"] == pd.Timestamp("2014-11-12")
    assert row["stage"] == "approved for delivery" and row["regulated"] == "Unknown"
    assert row["keywords"].startswith("coding, design, developer") and row["job_titles"].startswith("Application")
    assert (
        row["map_url"].endswith("/maps/occupation/OCC0116") and row["standard_url"] == catalogue.STANDARD_PAGE_UNKNOWN
    )
    assert (row["eligibility"], row["htq_eligible"]) == ("Eligible", True)
    assert set(df.loc[df["code"].isin(["OCC0827", "OCC0781"]), "regulated"]) == {"Yes"}
    assert df["route"].notna().all()


def test_date_filters_include_their_end_days(df, index):
    day = pd.Timestamp("2014-11-12")
    on = catalogue.apply_filters(df, Filters(date_from=day.date(), date_to=day.date()), index)
    assert len(on) >= 2 and (on["status_date"] == day).all()
    assert "OCC0116" in set(on["code"])


def test_not_updated_since_keeps_only_changes_before_that_year(df, index):
    out = catalogue.apply_filters(df, Filters(not_updated_since=2015), index)
    assert len(out) and (out["last_updated"] < pd.Timestamp("2015-01-01")).all()
    assert "OCC0116" in set(out["code"])
    assert set(catalogue.apply_filters(df, Filters(not_updated_since=2014), index)["code"]).isdisjoint({"OCC0116"})


def test_status_htq_and_regulation_filters(df, index):
    approved = catalogue.apply_filters(df, Filters(statuses=("Approved occupation",)), index)
    assert set(approved["status"]) == {"Approved occupation"}
    with_htqs = catalogue.apply_filters(df, Filters(has_htqs=True), index)
    assert (with_htqs["htqs"] > 0).all() and len(with_htqs) == int((df["htqs"] > 0).sum())
    unknown = catalogue.apply_filters(df, Filters(regulated="unknown"), index)
    assert set(unknown["regulated"]) == {"Unknown"}
    assert len(catalogue.apply_filters(df, Filters(regulated="any"), index)) == len(df)


def test_search_relevance_is_relative_to_the_best_match(df, index):
    out = catalogue.apply_filters(df, Filters(query="software developer"), index)
    assert out["relevance"].iloc[0] == 1.0 and out["relevance"].is_monotonic_decreasing
    assert out["code"].iloc[0] == "OCC0116" and (out["relevance"] > 0).all()
    by_code = catalogue.apply_filters(df, Filters(query="st 116"), index)
    assert list(by_code["code"]) == ["OCC0116"] and list(by_code["relevance"]) == [1.0]
    with pytest.raises(ValueError, match="different table"):
        catalogue.apply_filters(df.head(10), Filters(query="software"), index)


def test_options_are_siblings_of_each_other(df):
    assert catalogue.siblings(df, "OCC0039A") == ["OCC0039B", "OCC0039C", "OCC0039D", "OCC0039E", "OCC0039F"]
    assert catalogue.siblings(df, "OCC0116") == [] and catalogue.siblings(df, "OCC9999") == []


def test_route_by_level_counts_and_level_bands(df, snap):
    table = catalogue.route_level_counts(df, [r.name for r in snap.data.routes])
    assert list(table.columns) == [f"Level {n}" for n in (2, 3, 4, 5, 6, 7)] + ["Total"]
    assert table.loc["Digital"].tolist() == [0, 12, 20, 2, 11, 16, 61]
    assert table["Total"].sum() == len(df) and table.index.name == "Route"
    levels = catalogue.level_table({2: 1, 4: 2, 6: 3})
    assert levels.to_dict("records") == [
        {"Level": "Level 2", "Band": "Technical", "Occupations": 1},
        {"Level": "Level 4", "Band": "Higher technical", "Occupations": 2},
        {"Level": "Level 6", "Band": "Professional", "Occupations": 3},
    ]


def test_hierarchy_names_what_the_snapshot_lacks(df):
    tree = catalogue.hierarchy(df.assign(pathway=None))
    assert set(tree["pathway"]) == {"Pathway (not in this snapshot)"}
    row = tree[tree["code"] == "OCC0116"].iloc[0]
    assert (row["occupation"], row["level_name"]) == ("Software developer (OCC0116)", "Level 4")
    assert "title" not in tree.columns
