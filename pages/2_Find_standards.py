"""Find standards: filter and search every occupation's standard, download it, share the link."""

from datetime import date

import streamlit as st

import ui
from htq import catalogue
from htq.model import LEVELS

snap, df = ui.setup_page("Find standards", ":material/search:")

route_names = [r.name for r in snap.data.routes] + [catalogue.ROUTE_UNKNOWN]
statuses = sorted(df["status"].unique())
first_date, last_date = df["status_date"].min().date(), df["status_date"].max().date()
UPDATE_YEARS = range(df["last_updated"].min().year + 1, date.today().year + 1)
PARAMS = [
    ui.UrlParam("q", ""),
    ui.UrlParam("route", [], "strs", route_names),
    ui.UrlParam("level", [4, 5], "ints", LEVELS),
    ui.UrlParam("status", [], "strs", statuses),
    ui.UrlParam("eligible", False, "bool"),
    ui.UrlParam("has_htqs", False, "bool"),
    ui.UrlParam("regulated", "any", "str", ("any", "yes", "unknown")),
    ui.UrlParam("from", None, "date"),
    ui.UrlParam("to", None, "date"),
    ui.UrlParam("revision", False, "bool"),
    ui.UrlParam("not_updated_since", None, "int", tuple(UPDATE_YEARS)),
]
ui.restore_url_state(PARAMS)

st.title("Find standards")
st.caption(
    "Every occupation on Skills England's occupational maps and its standard. Filter, search, sort by "
    "any column, open a standard, download the list. The address bar keeps your filters: copy it to "
    "share this exact view."
)

st.text_input(
    "Search",
    key="q",
    placeholder="e.g. software developer, nursing, quantity surveying, ST0116",
    help="Searches titles, job titles, keywords and summaries; case and plurals do not matter. "
    "Results are ranked best first. A code such as ST0116 or OCC0116 finds that standard.",
)
c1, c2, c3 = st.columns([3, 2, 2])
c1.multiselect(
    "Route",
    route_names,
    key="route",
    placeholder="All routes",
    help="The 15 routes of the occupational maps. 'Route unknown': occupations whose route "
    "this snapshot does not hold.",
)
c2.multiselect(
    "Level",
    LEVELS,
    key="level",
    placeholder="All levels",
    format_func=lambda v: f"Level {v}",
    help="HTQs are level 4 or 5; other levels are shown for context and progression.",
)
c3.multiselect(
    "Map status",
    statuses,
    key="status",
    placeholder="Any status",
    help="The occupation's status on the maps. Only published standards (approved occupations and "
    "standards without an apprenticeship) can be applied against.",
)
c4, c5, c6, c7 = st.columns([2, 2, 2, 2])
c4.toggle(
    "HTQ-eligible only",
    key="eligible",
    help="Hide standards that cannot be the basis of an HTQ (wrong level, not published, retired).",
)
c5.toggle(
    "Has approved HTQs", key="has_htqs", help="Only occupations with at least one approved HTQ aligned to them already."
)
c6.selectbox(
    "Regulated occupation",
    ("any", "yes", "unknown"),
    key="regulated",
    format_func={"any": "Any", "yes": "Statutory regulated", "unknown": "Not known"}.__getitem__,
    help="Statutory regulated occupations need the regulator's recognition before submission. "
    "This snapshot knows regulation only where the standard's title or summary states it.",
)
with c7.popover(
    "Status date", icon=":material/calendar_month:", help="Filter on the date the occupation's status last changed."
):
    st.date_input(
        "From",
        key="from",
        min_value=first_date,
        max_value=last_date,
        format="DD/MM/YYYY",
        help="Earliest status date. Occupations without a status date are hidden while set.",
    )
    st.date_input(
        "To",
        key="to",
        min_value=first_date,
        max_value=last_date,
        format="DD/MM/YYYY",
        help="Latest status date. Occupations without a status date are hidden while set.",
    )
c8, c9, _ = st.columns([2, 2, 4])
c8.toggle(
    "In revision or retired",
    key="revision",
    help="Only standards being revised, or retired or withdrawn: check these before aligning a programme.",
)
c9.selectbox(
    "Not updated since",
    list(UPDATE_YEARS)[::-1],
    key="not_updated_since",
    index=None,
    placeholder="Any year",
    help="Only standards whose latest known change (status, approval or revision) is before 1 January of "
    "this year. Standards with no known date are left out and counted below.",
)
ui.publish_url_state(PARAMS)

filters = catalogue.Filters(
    routes=tuple(st.session_state["route"]),
    levels=tuple(st.session_state["level"]),
    statuses=tuple(st.session_state["status"]),
    eligible_only=st.session_state["eligible"],
    has_htqs=st.session_state["has_htqs"],
    regulated=st.session_state["regulated"],
    date_from=st.session_state["from"],
    date_to=st.session_state["to"],
    revision_or_retired=st.session_state["revision"],
    not_updated_since=st.session_state["not_updated_since"],
    query=st.session_state["q"],
)
results = catalogue.apply_filters(df, filters, ui.search_index())
listing = catalogue.listing(results, with_relevance=bool(filters.query.strip()))

if results.empty:
    st.warning(
        "No standard matches these filters. Widen the levels or routes, or clear the search.",
        icon=":material/search_off:",
    )
else:
    st.markdown(
        f"**{len(results):,}** of {len(df):,} occupations match"
        + (", best match first." if filters.query.strip() else ".")
    )
if filters.not_updated_since is not None:
    undated = int(df["last_updated"].isna().sum())
    st.caption(
        f"{undated:,} occupations have no known update date in this snapshot and are left out of “Not updated since”."
    )
if not results.empty:
    event = st.dataframe(
        ui.with_page_links(listing),
        hide_index=True,
        width="stretch",
        height=520,
        column_config=ui.listing_columns(),
        on_select="rerun",
        selection_mode="single-row",
        key="results",
    )
    chosen = event.selection.rows if event else []
    if chosen:
        row = results.iloc[chosen[0]]
        st.page_link(
            ui.PAGE["Standard"],
            label=f"Open **{row['title']}** ({row['standard']})",
            icon=":material/open_in_new:",
            query_params={"code": row["code"]},
        )
    else:
        st.caption("Select a row to open its standard, or use the link in the Occupation column.")
    ui.download_buttons(
        listing,
        "htq-standards",
        "Standards",
        ui.snapshot_notes(snap, {"Filters": catalogue.describe_filters(filters)}),
        key="dl",
    )

ui.footer()
