"""Plotly figures for the screens (no Streamlit here: figures are values, tested like any other)."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from htq.eligibility import CHECK_FIRST, ELIGIBLE, NOT_ELIGIBLE

LEVEL_COLOURS = {
    "Level 2": "#d2e3f3",
    "Level 3": "#9ecae1",
    "Level 4": "#1d70b8",
    "Level 5": "#003078",
    "Level 6": "#f47738",
    "Level 7": "#b58840",
}
VERDICT_COLOURS = {ELIGIBLE: "#00703c", CHECK_FIRST: "#ffdd00", NOT_ELIGIBLE: "#b1b4b6"}
MIXED_COLOUR = "#e9eaeb"
FONT = dict(family="Arial, Helvetica, sans-serif", size=13)


def map_figure(hier: pd.DataFrame, kind: str = "sunburst", colour: str = "level") -> go.Figure:
    """Return the route -> pathway -> cluster -> occupation map as a sunburst or treemap."""
    column, palette = ("level_name", LEVEL_COLOURS) if colour == "level" else ("eligibility", VERDICT_COLOURS)
    palette = {**palette, "(?)": MIXED_COLOUR}  # plotly's name for a parent whose children differ
    builder = px.sunburst if kind == "sunburst" else px.treemap
    fig = builder(
        hier,
        path=["route", "pathway", "cluster", "occupation"],
        color=column,
        color_discrete_map=palette,
        hover_data={"code": True, "level_name": True, "eligibility": True, "htqs": True},
        maxdepth=3 if kind == "sunburst" else 4,
    )
    fig.update_traces(hovertemplate="<b>%{label}</b><br>%{value} occupation(s)<extra></extra>")
    fig.update_layout(margin=dict(t=10, l=10, r=10, b=10), height=640, font=FONT)
    return fig


def grid_figure(counts: pd.DataFrame) -> go.Figure:
    """Return the route x level count table as a grid of coloured tiles with the counts written in.

    Drawn as a scatter of square markers rather than a heatmap because a scatter point can be
    clicked to select it (Streamlit's selection events do not cover heatmap cells).
    """
    body = counts.drop(columns=["Total"], errors="ignore")
    long = body.reset_index().melt(id_vars=body.index.name or "index", var_name="level", value_name="n")
    long.columns = ["route", "level", "n"]
    fig = go.Figure(
        go.Scatter(
            x=long["level"],
            y=long["route"],
            mode="markers+text",
            text=long["n"].astype(str),
            marker=dict(
                symbol="square",
                size=34,
                color=long["n"],
                colorscale="Blues",
                cmin=0,
                line=dict(width=1, color="#b1b4b6"),
                colorbar=dict(title="Occupations"),
            ),
            textfont=dict(color=["white" if v > long["n"].max() * 0.55 else "#0b0c0c" for v in long["n"]]),
            hovertemplate="%{y}<br>%{x}: %{text} occupations<extra>click to show</extra>",
        )
    )
    fig.update_layout(
        margin=dict(t=10, l=10, r=10, b=10),
        height=60 + 38 * len(body),
        font=FONT,
        plot_bgcolor="white",
        clickmode="event+select",
        dragmode=False,
        yaxis=dict(autorange="reversed", categoryorder="array", categoryarray=list(body.index)),
        xaxis=dict(side="top", categoryorder="array", categoryarray=list(body.columns)),
    )
    return fig


def grid_cell(event: dict | None) -> tuple[str | None, int | None]:
    """Return (route, level) of the grid tile a selection event points at, or (None, None)."""
    points = ((event or {}).get("selection") or {}).get("points") or []
    if not points:
        return None, None
    route = points[0].get("y") or None
    label = str(points[0].get("x") or "")
    level = int(label.split()[1]) if label.startswith("Level ") and label.split()[1].isdigit() else None
    return route, level


EVIDENCE_COLOURS = {"Words in common": "#1d70b8", "Similar meaning": "#5694ca", "Approved HTQ precedent": "#b58840"}


def evidence_figure(rows: list[dict[str, float]], labels: list[str]) -> go.Figure:
    """Return a horizontal stacked bar per candidate showing what each kind of evidence added."""
    fig = go.Figure()
    for kind, colour in EVIDENCE_COLOURS.items():
        fig.add_bar(
            y=labels,
            x=[r[kind] for r in rows],
            name=kind,
            orientation="h",
            marker_color=colour,
            hovertemplate="%{y}<br>" + kind + ": %{x:.2f}<extra></extra>",
        )
    return _stacked(fig, len(labels), 60, 28, "Contribution to the score", -0.2)


GRADE_COLOURS = {"full": "#00703c", "partial": "#ffdd00", "none": "#d4351c"}


PENDING_COLOUR = "#b1b4b6"


def totals_figure(totals: pd.DataFrame) -> go.Figure:
    """Return stacked bars per standard and type: reviewed full / partial / none, then rows still proposed."""
    labels = [f"{s} {t}" for s, t in zip(totals["Standard"], totals["Type"], strict=True)]
    fig = go.Figure()
    for grade, colour in GRADE_COLOURS.items():
        fig.add_bar(
            y=labels,
            x=totals[grade.capitalize()],
            name=f"{grade.capitalize()} (reviewed)",
            orientation="h",
            marker_color=colour,
            hovertemplate="%{y}<br>" + grade + " (reviewed): %{x}<extra></extra>",
        )
    fig.add_bar(
        y=labels,
        x=totals["Still proposed"],
        name="Still proposed by the tool",
        orientation="h",
        marker_color=PENDING_COLOUR,
        marker_pattern_shape="/",
        hovertemplate="%{y}<br>still proposed: %{x}<extra></extra>",
    )
    return _stacked(fig, len(labels), 80, 36, "KSBs", -0.25)


def _stacked(fig: go.Figure, rows: int, base: int, per_row: int, x_title: str, legend_y: float) -> go.Figure:
    """Lay out horizontal stacked bars, first row on top, the legend below the chart."""
    fig.update_layout(
        barmode="stack",
        height=base + per_row * rows,
        margin=dict(t=10, l=10, r=10, b=10),
        font=FONT,
        yaxis=dict(autorange="reversed"),
        xaxis=dict(title=x_title),
        legend=dict(orientation="h", y=legend_y),
    )
    return fig


def _heatmap(
    frame: pd.DataFrame, scale_title: str, hover: str, gap: int, row_height: int, **xaxis: object
) -> go.Figure:
    """Return rows x columns of a 0..1 frame as a green heatmap, first row on top."""
    fig = go.Figure(
        go.Heatmap(
            z=frame.to_numpy(dtype=float),
            x=list(frame.columns),
            y=list(frame.index),
            colorscale="Greens",
            zmin=0,
            zmax=1,
            colorbar=dict(title=scale_title),
            xgap=gap,
            ygap=gap,
            hovertemplate=hover,
        )
    )
    fig.update_layout(
        height=120 + row_height * len(frame.index),
        margin=dict(t=10, l=10, r=10, b=10),
        font=FONT,
        yaxis=dict(autorange="reversed"),
        xaxis=dict(**xaxis),
    )
    return fig


def matrix_figure(scores: pd.DataFrame) -> go.Figure:
    """Return the modules x KSBs similarity matrix as a heatmap (darker = stronger evidence)."""
    return _heatmap(scores, "Similarity", "%{y} → %{x}<br>similarity %{z:.2f}<extra></extra>", 1, 26, tickangle=-60)


def changes_figure(counts: dict[str, int]) -> go.Figure:
    """Return a bar per kind of change with its count."""
    fig = go.Figure(
        go.Bar(
            x=list(counts.values()),
            y=list(counts),
            orientation="h",
            marker_color="#1d70b8",
            text=list(counts.values()),
            textposition="auto",
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    fig.update_layout(
        height=60 + 40 * len(counts),
        margin=dict(t=10, l=10, r=10, b=10),
        font=FONT,
        yaxis=dict(autorange="reversed"),
        xaxis=dict(title="Occupations"),
    )
    return fig


def portfolio_figure(grid: pd.DataFrame) -> go.Figure:
    """Return programmes x standards coloured by the share of KSBs covered (blank where not mapped)."""
    return _heatmap(grid, "Covered", "%{y}<br>%{x}: %{z:.0%} of KSBs covered (reviewed rows)<extra></extra>", 2, 40)
