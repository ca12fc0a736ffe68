"""Streamlit glue for What changed: comparing snapshots and their KSB changes."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from htq import changes, snapshot
from ui import PAGE, data_dir


@st.cache_data(max_entries=8, show_spinner="Comparing snapshots…")
def _snapshot_changes(folder: str, old: str, new: str) -> changes.Changes:
    return changes.diff(snapshot.load_id(Path(folder), old), snapshot.load_id(Path(folder), new))


def snapshot_changes(old: str, new: str) -> changes.Changes | None:
    """Return the changes between two kept snapshots, or show why they cannot be compared."""
    if old == new:
        st.warning("Choose two different snapshots to compare.", icon=":material/compare_arrows:")
        return None
    if old > new:
        old, new = new, old
    try:
        return _snapshot_changes(str(data_dir()), old, new)
    except snapshot.SnapshotError as exc:
        st.error(f"These snapshots cannot be compared: {exc}", icon=":material/error:")
        return None


def ksb_changes(result: changes.Changes) -> None:
    """Draw, per standard, its KSBs added, removed or reworded (before and after)."""
    with_ksbs = [i for i in result.items if i.ksbs]
    if not with_ksbs:
        st.caption("No standard's KSBs changed between these snapshots (where both snapshots know them).")
        return
    for item in with_ksbs:
        label = f"{item.reference} {item.title}: {len(item.ksbs)} KSB change(s)"
        if item.old_version != item.new_version:
            label += f", version {item.old_version} → {item.new_version}"
        with st.expander(label):
            st.table(changes.ksb_frame(item).set_index("Code"))
            st.page_link(
                PAGE["Standard"],
                label="Open the standard",
                icon=":material/open_in_new:",
                query_params={"code": item.occupation},
            )
