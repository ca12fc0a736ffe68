"""Streamlit glue for Match a programme: the form's document, candidate cards and the shortlist."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from htq import catalogue, documents, eligibility, match
from htq.errors import HTQError
from ui import (
    APP_NAME,
    PAGE,
    download_buttons,
    listing_columns,
    plain,
    shortlist,
    shortlist_references,
    with_page_links,
)

_CONFIDENCE_ICON = {
    match.HIGH: ":green-badge[high confidence]",
    match.MEDIUM: ":orange-badge[medium confidence]",
    match.LOW: ":gray-badge[low confidence]",
}


def programme_from_form(title: str, text: str, upload: Any) -> documents.Document | None:
    """Return the programme the form describes (an upload fills what was not typed), or show why not."""
    try:
        doc = documents.read_bytes(upload.getvalue(), upload.name) if upload is not None else None
        typed = documents.from_text(f"{title}\n{text}") if (title.strip() or text.strip()) else None
    except HTQError as exc:
        st.error(str(exc), icon=":material/error:")
        return None
    if doc is None and typed is None:
        st.error(
            "Give the programme's title and its overview or modules, or upload its specification.",
            icon=":material/error:",
        )
        return None
    if doc is None:
        return typed
    if typed is None:
        return doc
    # Typed title wins; typed text is added to the document's.
    return documents.Document(
        typed.title or doc.title, "\n".join(x for x in (typed.text, doc.text) if x), doc.warnings + typed.warnings
    )


_VERDICT_BADGE = {
    eligibility.ELIGIBLE: ":green-badge[HTQ eligible]",
    eligibility.CHECK_FIRST: ":orange-badge[HTQ eligible – check first]",
    eligibility.NOT_ELIGIBLE: ":red-badge[cannot be applied against]",
}


def _toggle_shortlist(code: str, reason: str = "") -> None:
    chosen = shortlist()
    reasons = st.session_state.setdefault("shortlist_reasons", {})
    if st.session_state.get(f"short_{code}"):
        if code not in chosen:
            chosen.append(code)
        if reason:
            reasons[code] = reason
    else:
        if code in chosen:
            chosen.remove(code)
        reasons.pop(code, None)


def candidate_card(c: match.Candidate, precedents: bool) -> None:
    """Draw one candidate: score, confidence, level fit, options, reasons, precedents, open and shortlist."""
    with st.container(border=True):
        head, side = st.columns([5, 2])
        head.markdown(
            f"**{c.rank}. {plain(c.title)}** · {c.reference} · Level {c.level} · {plain(c.route or 'route unknown')}  \n"
            f"{_CONFIDENCE_ICON[c.confidence] if c.rank == 1 else ''} Score {c.score:.2f} · Level fit: {c.level_fit}"
        )
        side.progress(min(1.0, max(0.0, c.score)), text=f"score {c.score:.2f}")
        if c.rank == 1:
            head.caption(match.confidence_words(c.confidence))
        head.markdown(f"{_VERDICT_BADGE[c.eligibility]} " + plain(" ".join(c.eligibility_notes)))
        if c.options:
            head.markdown(
                "Options of this standard, best match first:  \n"
                + "  \n".join(
                    f"{k + 1}. {plain(o.title)} ({o.occupation}, score {o.score:.2f})"
                    + (f" — job titles only this option lists: {plain(', '.join(o.distinct))}" if o.distinct else "")
                    for k, o in enumerate(c.options)
                )
            )
        why = [f"- **words in common, {e.field}**: {', '.join(plain(t) for t in e.terms)}" for e in c.reasons]
        why += [
            f"- **similar in meaning** (cosine {p.similarity:.2f}): your text “{plain(p.passage)}” is close to the "
            f"standard's “{plain(p.sentence)}”"
            for p in c.passages
        ]
        if precedents and c.precedents:
            why += [
                f"- **precedent**: approved HTQ {p.code} “{plain(p.title)}” (level {p.level}), title similarity "
                f"{p.similarity:.2f}"
                for p in c.precedents
            ]
        with st.expander("Why this standard"):
            st.markdown("\n".join(why) or "Only weak evidence: few words in common.")
        left, middle, right = st.columns([2, 2, 2])
        left.page_link(
            PAGE["Standard"],
            label=f"Open {c.title} ({c.reference})",
            icon=":material/open_in_new:",
            query_params={"code": c.occupation},
        )
        middle.link_button(
            "Skills England occupational map entry",
            catalogue.map_url(c.occupation),
            icon=":material/open_in_new:",
            help="The official record of this occupation (opens Skills England's occupational maps).",
        )
        if c.eligible:
            right.checkbox(
                "Shortlist",
                key=f"short_{c.occupation}",
                value=c.occupation in shortlist(),
                on_change=_toggle_shortlist,
                args=(c.occupation,),
                help="Keep this standard for KSB coverage and the committee report.",
            )
        else:
            reason = "Shortlisted although it cannot be applied against for HTQ approval: " + " ".join(
                c.eligibility_notes
            )
            right.checkbox(
                "Shortlist anyway: I know it cannot be applied against now",
                key=f"short_{c.occupation}",
                value=c.occupation in shortlist(),
                on_change=_toggle_shortlist,
                args=(c.occupation, reason),
                help="For a standard in development or retired you may still want it on record; the "
                "reason it is not eligible goes into the shortlist note and the committee report.",
            )


def shortlist_panel(df: pd.DataFrame) -> None:
    """Draw the session's shortlist with a download, or a hint on how to build one."""
    st.subheader("Shortlist")
    chosen = shortlist()
    if not chosen:
        st.caption("Tick “Shortlist” on the candidates you want to take forward.")
        return
    table = catalogue.listing(catalogue.related_rows(df, chosen))
    st.dataframe(with_page_links(table), hide_index=True, width="stretch", column_config=listing_columns())
    download_buttons(table, "htq-shortlist", "Shortlist", {"Tool": APP_NAME}, key="short_dl")
    st.page_link(
        PAGE["KSB coverage"],
        label="Map the programme to the shortlisted standards' KSBs",
        icon=":material/fact_check:",
        query_params={"standards": shortlist_references(df)},
    )
