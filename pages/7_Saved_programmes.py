"""Saved programmes: save this session's work, reopen it, answer the readiness checklist, share it."""

import streamlit as st

import ui
from panels import saved as saved_panel

snap, df = ui.setup_page("Saved programmes", ":material/folder_open:")
saved_store = saved_panel.store_or_stop()

st.title("Saved programmes")
st.caption(
    "Keep a programme's candidate standards, KSB mapping decisions and HTQ readiness answers, reopen them "
    "later, see what changed in the standards since, and share a read-only link with a committee."
)
if not ui.signed_in():  # single-user local mode: people name themselves; signed in, the identity is used
    st.text_input(
        "Your name",
        key="who",
        max_chars=120,
        help="Recorded with each save, each KSB decision and each checklist answer (who and when).",
    )
saved_panel.members_panel(saved_store)

st.subheader("This session's work")
opened, people, editable = saved_panel.opened_access(saved_store)
saved_panel.save_panel(saved_store, snap, df, editable)

st.subheader("Saved programmes")
saved_panel.programme_list(saved_store, snap)
saved_panel.recently_deleted(saved_store)

if opened is not None:
    st.subheader(f"Open: {ui.plain(opened.title)}")
    tabs = st.tabs(
        [
            "Shortlist and notes",
            "Readiness checklist",
            "Change alerts",
            "Share with a committee",
            "Committee report",
            "People",
            "Delete",
        ]
    )
    with tabs[0]:
        saved_panel.notes_editor(opened)
    with tabs[1]:
        saved_panel.checklist_editor(opened, snap)
    with tabs[2]:
        saved_panel.programme_alerts_panel(opened, snap)
    with tabs[3]:
        saved_panel.share_panel(saved_store, opened, editable)
    with tabs[4]:
        saved_panel.committee_downloads(opened, snap, key="report")
    with tabs[5]:
        saved_panel.people_panel(saved_store, opened, people, editable)
    with tabs[6]:
        saved_panel.delete_panel(saved_store, opened, editable)

ui.footer()
