"""Explore routes: the occupational map as pictures, each with a table alternative."""

import streamlit as st

import ui
from htq import catalogue, charts
from htq.model import LEVELS
from panels import explore as explore_panel

snap, df = ui.setup_page("Explore routes", ":material/account_tree:")

route_names = [r.name for r in snap.data.routes] + [catalogue.ROUTE_UNKNOWN]
PARAMS = [
    ui.UrlParam("route", "", "str", ["", *route_names]),
    ui.UrlParam("level", [4, 5], "ints", LEVELS),
    ui.UrlParam("colour", "level", "str", ("level", "eligibility")),
    ui.UrlParam("chart", "sunburst", "str", ("sunburst", "treemap")),
]
ui.restore_url_state(PARAMS)

st.title("Explore routes")
st.caption(
    "Skills England groups occupations into 15 routes, each split into pathways and clusters. Pick a route "
    "or click a cell of the route × level grid to narrow the map. Pathways and clusters are known for "
    "level 4 and 5 occupations; other levels show their route only."
)

c1, c2, c3, c4 = st.columns([3, 2, 2, 2])
c1.selectbox(
    "Route",
    ["", *route_names],
    key="route",
    format_func=lambda r: r or "All routes",
    help="Narrow the map and the list to one route.",
)
c2.multiselect(
    "Level",
    LEVELS,
    key="level",
    format_func=lambda v: f"Level {v}",
    placeholder="All levels",
    help="Levels 4 and 5 are the HTQ band; add others for context.",
)
c3.segmented_control(
    "Colour by",
    ("level", "eligibility"),
    key="colour",
    format_func={"level": "Level", "eligibility": "HTQ eligibility"}.__getitem__,
    help="Colour occupations by level or by HTQ eligibility.",
)
c4.segmented_control(
    "Chart",
    ("sunburst", "treemap"),
    key="chart",
    format_func=str.capitalize,
    help="Sunburst: rings from route outwards. Treemap: nested boxes, easier to read labels.",
)
ui.publish_url_state(PARAMS)

route = st.session_state["route"]
levels = tuple(st.session_state["level"])
chosen = catalogue.apply_filters(df, catalogue.Filters(routes=(route,) if route else (), levels=levels))

st.subheader(f"{route or 'All routes'}: {len(chosen):,} occupations")
if chosen.empty:
    st.warning("No occupation at these levels in this route. Add levels or choose another route.")
else:
    chart_tab, table_tab = st.tabs(["Map", "Table"])
    with chart_tab:
        st.plotly_chart(
            charts.map_figure(
                catalogue.hierarchy(chosen),
                st.session_state["chart"] or "sunburst",
                st.session_state["colour"] or "level",
            ),
            width="stretch",
            config={"displaylogo": False},
        )
        st.caption("Click a segment to zoom in; click the centre to zoom out. The Table tab lists the same counts.")
    with table_tab:
        table = catalogue.cluster_table(chosen)
        st.dataframe(table, hide_index=True, width="stretch")
        ui.download_buttons(table, "htq-map-clusters", "Clusters", ui.snapshot_notes(snap), key="dl_clusters")
    st.page_link(
        ui.PAGE["Find standards"],
        label=f"List these {len(chosen):,} occupations in Find standards",
        icon=":material/list:",
        query_params=explore_panel.find_query(route, levels),
    )

st.subheader("Occupations by route and level")
st.caption("Click a cell to show that route and level above.")
counts = catalogue.route_level_counts(df, route_names[:-1])
grid_tab, grid_table_tab = st.tabs(["Grid", "Table"])
with grid_tab:
    st.plotly_chart(
        charts.grid_figure(counts),
        width="stretch",
        key="grid",
        on_select=explore_panel.pick_grid_cell,
        selection_mode="points",
        config={"displaylogo": False},
    )
with grid_table_tab:
    st.dataframe(counts, width="stretch")

ui.footer()
