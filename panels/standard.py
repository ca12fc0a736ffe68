"""Streamlit glue for the Standard page: eligibility, facts, KSBs, related standards, lookup."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from htq import catalogue, eligibility, lifecycle, snapshot
from htq import ksbs as ksbs_module
from ui import PAGE, download, download_buttons, format_date, plain, recent_changes, search_index

_REASON_ICON = {
    eligibility.MEETS: ":material/check_circle:",
    eligibility.CAUTION: ":material/warning:",
    eligibility.BLOCKS: ":material/block:",
    eligibility.UNKNOWN: ":material/help:",
}


def eligibility_box(verdict: eligibility.Eligibility) -> None:
    """Draw the HTQ eligibility verdict and its reasons."""
    lines = "\n".join(f"- {_REASON_ICON[r.kind]} {plain(r.text)}" for r in verdict.reasons)
    body = f"**HTQ eligibility: {verdict.verdict}**\n\n{lines}"
    if verdict.verdict == eligibility.ELIGIBLE:
        st.success(body, icon=":material/verified:")
    elif verdict.verdict == eligibility.CHECK_FIRST:
        st.warning(body, icon=":material/warning:")
    else:
        st.error(body, icon=":material/block:")


def term_list(label: str, values: Sequence[str]) -> None:
    """Draw a short labelled list of terms, or say that the snapshot has none."""
    shown = ", ".join(plain(v) for v in values) if values else "_none in this snapshot_"
    st.markdown(f"**{label}:** {shown}")


def related_links(title: str, rows: pd.DataFrame) -> None:
    """Draw links to related occupations' pages (nothing when there are none)."""
    if rows.empty:
        return
    st.subheader(title)
    cols = st.columns(2)
    for i, r in enumerate(rows.itertuples()):
        cols[i % 2].page_link(
            PAGE["Standard"],
            label=f"{r.title} — Level {r.level} ({r.standard})",
            icon=":material/arrow_forward:",
            query_params={"code": r.code},
        )


def ksb_section(occ: Any, content: Any) -> None:
    """Draw a standard's KSBs and duties with where they came from, or say plainly where to find them."""
    if content is None or not content.ksbs:
        if occ.reference:
            where = (
                f"on [the standard's page]({occ.standard_url})"
                if occ.standard_url
                else f"on the standard's page on the Skills England website (search for {occ.reference})"
            )
            st.info(
                f"This snapshot does not hold the knowledge, skills and behaviours of {occ.reference}. Skills "
                f"England publishes them {where}. Copy them into a blank KSB sheet and import it on KSB coverage "
                "to map your programme against them.",
                icon=":material/info:",
            )
            left, right = st.columns(2)
            download(
                left,
                "Blank KSB sheet (.xlsx)",
                ksbs_module.blank_sheet_xlsx(occ.reference, occ.title),
                f"{occ.reference.lower()}-ksb-sheet.xlsx",
                "blank_ksb_sheet",
                "Code, Type and Statement columns to fill in.",
            )
            right.page_link(
                PAGE["KSB coverage"],
                label=f"Import {occ.reference}'s KSBs on KSB coverage",
                icon=":material/upload_file:",
                query_params={"standards": occ.reference},
            )
        else:
            st.info(
                "No standard reference is known for this occupation, so there are no KSBs to show.",
                icon=":material/info:",
            )
        if content is None or not content.duties:
            return
        st.caption(
            f"The snapshot holds only {len(content.duties)} of its duties (a partial list): {plain(content.source)}"
        )
        st.dataframe(catalogue.duty_table(content), hide_index=True, width="stretch")
        return
    for line in ksbs_module.provenance(content, occ.version):
        st.warning(plain(line), icon=":material/history_edu:")
    if content.source_url:
        st.link_button(
            "Where these KSBs were copied from",
            content.source_url,
            icon=":material/open_in_new:",
            help="The third-party copy this list was taken from.",
        )
    table = catalogue.ksb_table(content)
    counts = table["Type"].value_counts()
    summary = ", ".join(f"{counts.get(k, 0)} {k.lower()}" for k in ("Knowledge", "Skill", "Behaviour"))
    version = f"version {content.version}" if content.version else "version not stated"
    st.caption(
        f"{content.reference}, {version}: {summary}"
        + ("" if content.complete else " (partial)")
        + f". Source: {plain(content.source)}"
    )
    tabs = st.tabs(["Knowledge", "Skills", "Behaviours", "Duties"])
    for tab, kind in zip(tabs[:3], ("Knowledge", "Skill", "Behaviour"), strict=True):
        with tab:
            part = table[table["Type"] == kind]
            if part.empty:
                st.caption(f"No {kind.lower()} statements in this snapshot.")
            else:
                st.table(part.drop(columns="Type").set_index("Code"))
    with tabs[3]:
        if content.duties:
            st.dataframe(catalogue.duty_table(content), hide_index=True, width="stretch")
        else:
            st.caption("This snapshot does not hold the standard's duties; they are on the standard's page.")
    if content.note and content.complete:
        st.caption(plain(content.note))
    download_buttons(
        table,
        f"{content.reference.lower()}-ksbs",
        "KSBs",
        {
            "Standard": content.reference,
            "Version": content.version or "unknown",
            "Source": content.source,
            "Complete": "yes" if content.complete else "no",
        },
        key="ksb_dl",
    )


def standard_from_url(snap: snapshot.Snapshot, df: pd.DataFrame, asked: str) -> Any:
    """Return the occupation the URL's code names, or draw why not (with a search box) and return None."""
    if asked:
        code = catalogue.normalise_code(asked)
        shown = plain(asked[:40])
        if code is None:
            st.error(
                f"“{shown}” is not a standard code. Codes look like ST0116 (a standard) or OCC0116 (an occupation).",
                icon=":material/error:",
            )
        else:
            found = catalogue.resolve_code(df, code)
            if found is not None:
                return snap.occupation(found)
            st.error(
                f"{code} is not in the snapshot of {format_date(snap.date)}. It may be new, or mistyped.",
                icon=":material/error:",
            )
    st.title("Find a standard")
    with st.form("lookup"):
        text = st.text_input(
            "Standard code or name",
            max_chars=200,
            placeholder="ST0116, OCC0827 or 'nursing'",
            help="Type a code to open that standard, or words to search titles and job titles.",
        )
        submitted = st.form_submit_button("Find", icon=":material/search:")
    if submitted and text.strip():
        found = catalogue.resolve_code(df, text)
        if found is not None:
            st.query_params["code"] = found
            st.rerun()
        hits = catalogue.apply_filters(df, catalogue.Filters(query=text), search_index()).head(10)
        if hits.empty:
            st.warning("Nothing matches. Try fewer or different words.")
        for r in hits.itertuples():
            st.page_link(
                PAGE["Standard"],
                label=f"{r.title} — Level {r.level} ({r.standard})",
                icon=":material/arrow_forward:",
                query_params={"code": r.code},
            )
    return None


def official_links(occ: Any) -> None:
    """Draw links to the official Skills England records of this occupation and its standard."""
    left, right = st.columns(2)
    left.link_button(
        "Occupational map entry (Skills England)",
        catalogue.map_url(occ.code),
        icon=":material/open_in_new:",
        help="The official record of this occupation on the maps.",
    )
    if occ.standard_url:
        right.link_button(
            f"Standard page {occ.reference or ''} (Skills England)",
            occ.standard_url,
            icon=":material/open_in_new:",
            help="The standard's official page, with its KSBs.",
        )
    else:
        right.caption(
            "The standard's page on the Skills England website is not yet known in this snapshot: its "
            "address comes with a refresh from the standards API. Search for "
            f"{occ.reference or occ.title} on skillsengland.education.gov.uk meanwhile."
        )


def change_notice(occ: Any) -> None:
    """Say on a standard's page what changed in it since the previous snapshot, if anything."""
    latest = recent_changes()
    item = next((i for i in latest.items if i.occupation == occ.code), None) if latest else None
    if item is None or latest is None:
        return
    detail = ", ".join(item.kinds)
    if item.ksbs:
        detail += ": " + ", ".join(f"{k.code} {k.change}" for k in item.ksbs[:12])
    st.warning(
        f"Changed since the snapshot of {format_date(latest.old_date)} — {detail}. "
        + (f"Skills England's note: {plain(occ.change_note)}" if occ.change_note else ""),
        icon=":material/update:",
    )


def review_section(occ: Any, source_names: dict[str, str]) -> None:
    """Draw "Review and revision": the standard's stage, every date the sources give, and its versions."""
    st.subheader("Review and revision")
    stage = lifecycle.stage(occ)
    if stage in (lifecycle.IN_REVISION, lifecycle.RETIRED, lifecycle.PAUSED):
        st.warning(
            f"{occ.reference or 'This standard'} is {stage}: check its page on the Skills England website "
            "before aligning a programme to it.",
            icon=":material/history:",
        )
    closing = lifecycle.closing_note(occ, occ.version)
    if closing:
        st.warning(closing + " Programmes aligned to it should plan for the next version.", icon=":material/event:")
    st.table(lifecycle.review_facts(occ, source_names).set_index("Field"))
    versions = lifecycle.versions_table(occ)
    if versions.empty:
        st.caption(
            "Start and end dates of each version are not in this snapshot: a refresh from the standards API "
            "records them. The occupational maps give only the date the status last changed."
        )
    else:
        st.dataframe(versions, hide_index=True, width="stretch")
