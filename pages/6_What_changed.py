"""What changed: standards new, retired, re-versioned or changed in status or KSBs between two snapshots."""

import streamlit as st

import ui
from htq import changes, charts, snapshot
from panels import changes as changes_panel

snap, df = ui.setup_page("What changed", ":material/update:")
kept = [s["id"] for s in snapshot.list_snapshots(snap.path.parent.parent)]

st.title("What changed")
st.caption(
    "Standards are revised: versions change, KSBs are added, removed or reworded, standards retire and new ones "
    "are approved. Compare two kept snapshots to see what a programme mapped to the older one must re-check."
)
if len(kept) < 2:
    st.info(
        f"Only one snapshot is kept ({snap.id}). Changes appear here once your administrator refreshes the "
        "data from the live Skills England sources (About, For administrators).",
        icon=":material/info:",
    )
    ui.footer()
    st.stop()

PARAMS = [ui.UrlParam("to", kept[0], "str", kept), ui.UrlParam("from", kept[1], "str", kept)]
ui.restore_url_state(PARAMS)
c1, c2 = st.columns(2)
c1.selectbox("From snapshot", kept, key="from", help="The older snapshot, e.g. the one a programme was mapped to.")
c2.selectbox("To snapshot", kept, key="to", help="The newer snapshot (the one in use by default).")
ui.publish_url_state(PARAMS)

result = changes_panel.snapshot_changes(st.session_state["from"], st.session_state["to"])
if result is None:
    st.stop()
st.subheader(changes.summary(result))
counts = {kind: result.count(kind) for kind in changes.KINDS}
chart_tab, table_tab = st.tabs(["Chart", "Table"])
chart_tab.plotly_chart(charts.changes_figure(counts), width="stretch", config={"displaylogo": False})
table_tab.dataframe({"Change": list(counts), "Occupations": list(counts.values())}, hide_index=True)

st.pills(
    "Show",
    changes.KINDS,
    selection_mode="multi",
    default=list(changes.KINDS),
    key="kinds",
    help="Which kinds of change to list.",
)
table = changes.changes_frame(result, st.session_state["kinds"] or changes.KINDS)
st.dataframe(ui.with_page_links(table), hide_index=True, width="stretch", column_config=ui.listing_columns())
ui.download_buttons(
    table,
    f"htq-changes-{result.old_id}-to-{result.new_id}",
    "Changes",
    ui.snapshot_notes(snap, {"From": result.old_id, "To": result.new_id}),
    key="changes_dl",
)

st.subheader("KSB changes by standard")
changes_panel.ksb_changes(result)
ui.footer()
