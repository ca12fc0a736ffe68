"""Portfolio: every saved programme by route and standard, coverage at a glance, overlaps and gaps."""

import streamlit as st

import ui
from htq import alerts, charts, portfolio
from panels import saved as saved_panel

snap, df = ui.setup_page("Portfolio", ":material/dashboard:")
saved_store = saved_panel.store_or_stop()
programmes = saved_store.programmes()

st.title("Portfolio")
st.caption(
    "All saved programmes of this installation: which standards they serve, how far their KSB mapping covers "
    "each, where programmes overlap, which are affected by changes to standards, and which level 4/5 "
    "standards in your routes no programme serves yet."
)
if not programmes:
    st.info("No programme is saved yet. Save one on Saved programmes.", icon=":material/info:")
    ui.footer()
    st.stop()

table = portfolio.coverage_table(programmes, df)
st.subheader("Programmes by route and standard")
st.caption(
    "Coverage counts only KSB rows the team has reviewed (accepted, changed or rejected); rows still proposed "
    "by the tool are counted apart."
)
grid = portfolio.coverage_grid(table)
chart_tab, table_tab = st.tabs(["Coverage at a glance", "Table"])
with chart_tab:
    if grid.empty or grid.isna().all().all():
        st.caption("No KSB mapping saved yet: the table lists the shortlisted standards.")
    else:
        st.plotly_chart(charts.portfolio_figure(grid), width="stretch", config={"displaylogo": False})
with table_tab:
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "Covered": st.column_config.ProgressColumn(
                "Covered",
                min_value=0,
                max_value=1,
                format="percent",
                help="Share of the standard's KSBs covered by rows the team has reviewed.",
            ),
            "Still proposed": st.column_config.NumberColumn(
                help="Rows still the tool's proposals: not counted as covered."
            ),
        },
    )
ui.download_buttons(table, "htq-portfolio", "Portfolio", ui.snapshot_notes(snap), key="portfolio_dl")

st.subheader("Change alerts across programmes")
affected = alerts.overview(programmes, snap)
if affected.empty:
    st.success("No saved programme uses a standard that changed.", icon=":material/check:")
else:
    st.warning(
        f"{affected['Programme id'].nunique()} programme(s) affected by changes to their standards.",
        icon=":material/update:",
    )
    st.dataframe(affected.drop(columns="Programme id"), hide_index=True, width="stretch")

st.subheader("Overlaps between programmes")
shared = portfolio.overlaps(programmes)
if shared.empty:
    st.caption("No standard or module code is used by more than one saved programme.")
else:
    st.dataframe(shared, hide_index=True, width="stretch")

st.subheader("Standards in your routes that no programme serves")
st.caption("HTQ-eligible level 4 and 5 standards in the routes your saved programmes use.")
st.dataframe(portfolio.unserved(programmes, df), hide_index=True, width="stretch")
ui.footer()
