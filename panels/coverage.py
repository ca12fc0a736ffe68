"""Streamlit glue for KSB coverage: KSB lists, programme structure, the proposal under review."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from htq import catalogue, charts, mapping_sheet, snapshot
from htq import coverage as coverage_module
from htq import ksbs as ksbs_module
from htq import programme as programme_module
from htq.errors import HTQError
from ui import download, match_index, plain, snapshot_notes


def ksb_lists(snap: snapshot.Snapshot, references: Sequence[str]) -> list[Any]:
    """Return the KSB list of each chosen standard, drawing import boxes for those the snapshot lacks."""
    imported = st.session_state.setdefault("cov_imported", {})
    out = []
    for ref in references:
        known = imported.get(ref) or snap.data.content.get(ref)
        if known is not None and known.ksbs:
            origin = "imported" if ref in imported else "from the snapshot"
            st.caption(f"{ref}: {len(known.ksbs)} KSBs {origin}" + ("" if known.complete else " (a partial list)"))
            if ref not in imported:
                occs = snap.occupations_of(ref)
                for line in ksbs_module.provenance(known, occs[0].version if occs else None):
                    st.warning(plain(line), icon=":material/history_edu:")
            out.append(known)
            continue
        with st.expander(f"{ref}: this snapshot has no KSBs — import them", expanded=True):
            sheet = st.file_uploader(
                f"KSB sheet for {ref} (.xlsx or .csv with Code and Statement columns)",
                type=["xlsx", "csv"],
                key=f"ksbfile_{ref}",
                help="The KSB mapping sheet Skills England sends after a support session works.",
            )
            pasted = st.text_area(
                f"…or paste {ref}'s KSBs, one per line (K1 …, S1 …, B1 …)",
                key=f"ksbtext_{ref}",
                help="Lines that do not start with a code continue the line before.",
            )
            if st.button(f"Use these KSBs for {ref}", key=f"ksbuse_{ref}"):
                try:
                    imported[ref] = (
                        ksbs_module.read_sheet(sheet.getvalue(), sheet.name, ref)
                        if sheet is not None
                        else ksbs_module.from_text(pasted, ref)
                    )
                    st.rerun()
                except HTQError as exc:
                    st.error(str(exc), icon=":material/error:")
    return out


def structure_input() -> list[Any]:
    """Draw the programme-structure inputs (upload, paste, edit) and return the current modules."""
    base = st.session_state.setdefault("cov_base_modules", [])
    version = st.session_state.setdefault("cov_modules_version", 0)
    upload_tab, paste_tab = st.tabs(["Upload a specification or module sheet", "Paste modules"])
    with upload_tab:
        upload = st.file_uploader(
            "Programme specification (.docx, .pdf, .txt) or module sheet (.xlsx, .csv)",
            type=["docx", "pdf", "txt", "md", "xlsx", "csv"],
            key="cov_upload",
            help="Module tables in Word, or lines like “CS101 Programming (20 credits, Level 4)” "
            "followed by outcomes. Sheets need a Title (or Module) column.",
        )
        if upload is not None and st.button("Read the modules", key="cov_read"):
            _replace_modules(lambda: programme_module.read_structure(upload.getvalue(), upload.name))
    with paste_tab:
        pasted = st.text_area(
            "Modules and outcomes",
            key="cov_paste",
            height=180,
            placeholder="SD401 Programming Fundamentals (20 credits, Level 4, core)\n"
            "Write maintainable code in Python\n…",
            help="A line starting with a module code opens a module; the lines under it are its learning outcomes.",
        )
        if st.button("Read the pasted modules", key="cov_read_paste"):
            _replace_modules(lambda: programme_module.Structure("", tuple(programme_module.modules_from_text(pasted))))
    st.caption("Check and edit the modules below: one row per module; separate outcomes with a new line or “; ”.")
    edited = st.data_editor(
        mapping_sheet.structure_frame(base),
        key=f"cov_modules_{version}",
        num_rows="dynamic",
        width="stretch",
        hide_index=True,
        column_config={
            "Level": st.column_config.NumberColumn("Level", min_value=3, max_value=7, step=1, help="FHEQ level"),
            "Credits": st.column_config.NumberColumn("Credits", min_value=0, max_value=240, step=5),
            "Core/optional": st.column_config.SelectboxColumn("Core/optional", options=["Core", "Optional"]),
            "Learning outcomes": st.column_config.TextColumn("Learning outcomes", width="large"),
        },
    )
    rows = [r for r in edited.to_dict("records") if str(r.get("Title") or "").strip()]
    modules = programme_module.modules_from_rows(rows) if rows else []
    st.session_state["cov_current_modules"] = modules  # read by Saved programmes, which has no such widget
    return modules


def _replace_modules(read: Any) -> None:
    try:
        structure = read()
    except HTQError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    st.session_state["cov_base_modules"] = list(structure.modules)
    st.session_state["cov_modules_version"] += 1
    if structure.title and not st.session_state.get("cov_title"):
        st.session_state["cov_title"] = structure.title
    st.rerun()


def start_mapping(rows: Sequence[Any], modules: Sequence[Any], standards: Sequence[Any]) -> None:
    """Make a mapping (proposed or imported) the one under review, resetting the decisions table."""
    proposal = coverage_module.propose(modules, standards, match_index().embedder)
    st.session_state["cov_mapping"] = (
        tuple(rows) or proposal.rows,
        tuple(modules),
        tuple(standards),
        proposal.module_scores,
    )
    st.session_state["cov_rows_version"] = st.session_state.get("cov_rows_version", 0) + 1


def import_mapping() -> None:
    """Draw the re-import box for an exported KSB mapping sheet."""
    with st.expander("Re-open a KSB mapping sheet saved earlier", icon=":material/upload_file:"):
        _import_mapping()


def _import_mapping() -> None:
    sheet = st.file_uploader(
        "Re-open a KSB mapping sheet exported by this tool (.xlsx)",
        type=["xlsx"],
        key="cov_import",
        help="Restores the modules, the KSBs and every decision and note.",
    )
    st.button(
        "Re-open this mapping",
        key="cov_import_go",
        disabled=sheet is None,
        on_click=_reopen_mapping,
        help="Replaces the standards, modules and mapping on this page with the sheet's.",
    )
    if st.session_state.get("cov_import_error"):
        st.error(st.session_state.pop("cov_import_error"), icon=":material/error:")


def _reopen_mapping() -> None:
    # A button callback runs before the page is drawn, so it may set the widgets' values.
    sheet = st.session_state.get("cov_import")
    if sheet is None:
        st.session_state["cov_import_error"] = "Choose the KSB mapping sheet to re-open first."
        return
    try:
        restored = mapping_sheet.from_xlsx(sheet.getvalue(), sheet.name)
    except HTQError as exc:
        st.session_state["cov_import_error"] = str(exc)
        return
    standards = coverage_module.standards_from_rows(restored.rows)
    st.session_state.setdefault("cov_imported", {}).update({s.reference: s for s in standards})
    st.session_state["standards"] = [s.reference for s in standards]
    st.session_state["cov_base_modules"] = list(restored.modules)
    st.session_state["cov_modules_version"] = st.session_state.get("cov_modules_version", 0) + 1
    st.session_state["cov_title"] = restored.programme
    start_mapping(restored.rows, restored.modules, standards)


def decisions_editor(rows: Sequence[Any]) -> list[Any]:
    """Draw the proposal as an editable table and return the rows with the team's decisions applied."""
    frame = coverage_module.rows_frame(rows)
    edited = st.data_editor(
        frame,
        key=f"cov_rows_{st.session_state.get('cov_rows_version', 0)}",
        hide_index=True,
        width="stretch",
        height=480,
        disabled=[c for c in frame.columns if c not in ("Coverage", "Decision", "Notes")],
        column_order=[c for c in frame.columns if c not in ("Decided by", "Decided at")] + ["Decided by", "Decided at"],
        column_config={
            "Coverage": st.column_config.SelectboxColumn(
                "Coverage",
                options=list(coverage_module.GRADES),
                required=True,
                help="full, partial or none: change it if the tool is wrong.",
            ),
            "Decision": st.column_config.SelectboxColumn(
                "Decision",
                options=list(coverage_module.DECISIONS),
                required=True,
                help="Accept, change or reject the proposal.",
            ),
            "Notes": st.column_config.TextColumn(
                "Notes", width="medium", help="Why partial coverage is acceptable; where the KSB is assessed."
            ),
            "Statement": st.column_config.TextColumn("Statement", width="large"),
            "Evidence": st.column_config.TextColumn(
                "Evidence", width="large", help="Module outcomes that evidence the KSB, with similarity 0-1."
            ),
            "Score": st.column_config.ProgressColumn("Score", min_value=0.0, max_value=1.0, format="%.2f"),
        },
    )
    edits = [
        {
            "standard": r["Standard"],
            "code": r["Code"],
            "coverage": r["Coverage"],
            "decision": r["Decision"],
            "notes": r["Notes"],
        }
        for r in edited.to_dict("records")
    ]
    return coverage_module.apply_edits(rows, edits)


_CHECK_ICON = {
    "pass": ":material/check_circle:",
    "fail": ":material/cancel:",
    "warn": ":material/warning:",
    "n/a": ":material/remove_circle_outline:",
}


def mapping_review(snap: snapshot.Snapshot, df: pd.DataFrame, title: str, options_to_choose: int) -> None:
    """Draw the mapping under review: decisions, totals, gaps, matrix, duties, criteria checks, exports."""
    base_rows, modules, standards, matrix = st.session_state["cov_mapping"]
    st.markdown("#### Review the proposal")
    st.caption(
        "Accept, change or reject each row and add notes (why partial coverage is acceptable, where the KSB is "
        "assessed). Only Coverage, Decision and Notes can be edited."
    )
    rows = decisions_editor(base_rows)
    st.session_state["cov_current_rows"] = rows  # the team's decisions, for saving on Saved programmes
    st.session_state["cov_current_title"] = title
    reviewed = [r for r in rows if coverage_module.is_reviewed(r)]
    counts = {g: sum(1 for r in reviewed if r.coverage == g) for g in coverage_module.GRADES}
    c1, c2, c3, c4, c5 = st.columns(5)
    c1.metric(
        "Reviewed", f"{len(reviewed)} of {len(rows)}", help="KSB rows the team has accepted, changed or rejected."
    )
    c2.metric("Full", counts["full"], help="Reviewed and covered in full by the programme.")
    c3.metric(
        "Partial", counts["partial"], help="Reviewed and partly covered: needs a note saying why that is acceptable."
    )
    c4.metric("None", counts["none"], help="Reviewed and not covered: a gap to close before submission.")
    c5.metric(
        "Still proposed",
        len(rows) - len(reviewed),
        help="The tool's proposals nobody has decided yet: never counted as coverage in totals or reports.",
    )
    levels = catalogue.levels_of(df, (s.reference for s in standards))
    tabs = st.tabs(["Criteria checks", "Totals by K/S/B", "Gaps", "Coverage matrix", "By duty"])
    with tabs[0]:
        partial = [s.reference for s in standards if not s.complete]
        for check in coverage_module.check_criteria(rows, modules, levels, options_to_choose, partial):
            st.markdown(f"{_CHECK_ICON[check.status]} **{check.name}** — {check.status.upper()}: {plain(check.detail)}")
    with tabs[1]:
        totals = coverage_module.totals(rows)
        chart, table = st.tabs(["Chart", "Table"])
        chart.plotly_chart(charts.totals_figure(totals), width="stretch", config={"displaylogo": False})
        table.dataframe(totals, hide_index=True, width="stretch")
    with tabs[2]:
        gaps = coverage_module.gaps_frame(rows)
        if not gaps.empty:
            st.dataframe(gaps, hide_index=True, width="stretch")
        else:
            st.success("No gaps: every KSB is covered, or partly covered with a reason.")
    with tabs[3]:
        chart, table = st.tabs(["Heatmap", "Table"])
        chart.plotly_chart(charts.matrix_figure(matrix), width="stretch", config={"displaylogo": False})
        table.dataframe(matrix, width="stretch")
    with tabs[4]:
        duties = coverage_module.by_duty(rows, standards)
        if duties.empty:
            st.info(
                "Duties and their KSB links are not known for these standards in this snapshot; a refresh from the "
                "Skills England API brings them.",
                icon=":material/info:",
            )
        else:
            st.dataframe(duties, hide_index=True, width="stretch")
    notes = snapshot_notes(snap, {"Standards": ", ".join(f"{s.reference} v{s.version or '?'}" for s in standards)})
    left, right, _ = st.columns([3, 2, 2])
    download(
        left,
        "Download KSB mapping sheet (.xlsx)",
        lambda: mapping_sheet.to_xlsx(title, rows, modules, notes),
        "ksb-mapping.xlsx",
        "cov_xlsx",
        "KSB mapping and qualification structure sheets; re-open it here later to carry on.",
    )
    download(
        right,
        "Download mapping (.csv)",
        lambda: mapping_sheet.to_csv(rows, modules),
        "ksb-mapping.csv",
        "cov_csv",
        "The KSB mapping sheet alone, as CSV.",
    )
