"""Figures are values: check what they draw, not how they look."""

from htq import catalogue, charts


def test_map_figure_has_every_occupation_as_a_leaf(df):
    band = df[df["level"].isin([4, 5])]
    fig = charts.map_figure(catalogue.hierarchy(band), "treemap", "eligibility")
    trace = fig.data[0]
    leaves = [label for label, parent in zip(trace.labels, trace.parents, strict=True) if "(OCC" in label]
    assert len(leaves) == 284


def test_grid_figure_draws_one_tile_per_route_and_level(df, snap):
    counts = catalogue.route_level_counts(df, [r.name for r in snap.data.routes])
    trace = charts.grid_figure(counts).data[0]
    assert len(trace.x) == 16 * 6
    tiles = dict(zip(zip(trace.y, trace.x, strict=True), trace.text, strict=True))
    assert tiles[("Digital", "Level 4")] == "20"


def test_grid_cell_reads_a_selection_event():
    event = {"selection": {"points": [{"x": "Level 5", "y": "Health and science"}]}}
    assert charts.grid_cell(event) == ("Health and science", 5)
    assert charts.grid_cell({"selection": {"points": []}}) == (None, None)
    assert charts.grid_cell(None) == (None, None)
