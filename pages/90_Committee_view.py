"""Committee view: a saved programme, read-only, opened by its share link."""

import streamlit as st

import ui
from htq import report
from panels import saved as saved_panel

snap, df = ui.setup_page("Committee view", ":material/groups:", navigation=False)  # a share link leads nowhere else
saved_store = saved_panel.store_or_stop()
saved = saved_store.resolve(st.query_params.get("token", ""))

if saved is None:
    st.title("Not found")
    st.error(
        "This link does not open anything: it may be mistyped, revoked or expired. Ask the programme team "
        "for a new one.",
        icon=":material/link_off:",
    )
    ui.footer()
    st.stop()

saved_panel.print_friendly()
st.title(saved.title)
st.caption(
    f"Read-only view for committees · level {saved.level or 'not set'} · mapped against the snapshot of "
    f"{ui.format_date(saved.snapshot_date)} · last saved {report.when(saved.updated_at)} by {saved.updated_by}. "
    "Use your browser's Print to print it; the menus are left out."
)
saved_panel.committee_view(saved, snap)
saved_panel.committee_downloads(saved, snap, key="committee")
ui.footer()
