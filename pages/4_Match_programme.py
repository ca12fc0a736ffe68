"""Match a programme: paste or upload it, get the standards it could align to, with reasons."""

import streamlit as st

import ui
from htq import charts, documents, match
from panels import matching as matching_panel

snap, df = ui.setup_page("Match a programme", ":material/join_inner:")
route_names = [r.name for r in snap.data.routes]

st.title("Match a programme")
st.caption(
    "Paste your programme's title, overview, modules and learning outcomes, or upload its specification. "
    "The tool ranks the level 4 and 5 standards it could align to and shows the evidence for each. "
    "Nothing you paste leaves this server or is stored."
)

ui.model_notice()

with st.form("programme"):
    st.text_input(
        "Programme title",
        key="m_title",
        max_chars=300,
        placeholder="e.g. FdSc Software Development",
        help="The title is read as the first line of the programme. Qualification words (FdSc, HNC, Diploma…) are ignored, and a title that only "
        "says “Programme specification” or “Course overview” is left out.",
    )
    c1, c2, c3 = st.columns([2, 3, 2])
    c1.radio(
        "Programme level",
        (None, 4, 5),
        key="m_level",
        horizontal=True,
        format_func=lambda v: "Not set" if v is None else f"Level {v}",
        help="Standards at the other level are discounted a little. Not set: a level the title or text states "
        "(“Level 5”, HNC, HND, FdSc) is used. A level 5 programme may align to a level 4 standard; level 4 "
        "against level 5 needs contact with Skills England first.",
    )
    c2.selectbox(
        "Route",
        ["", *route_names],
        key="m_route",
        format_func=lambda r: r or "Any route",
        help="Only rank standards in one route of the occupational maps.",
    )
    c3.slider("Candidates to show", 5, 30, 10, key="m_top", help="How many ranked standards to list.")
    st.text_area(
        "Overview, modules and learning outcomes",
        key="m_text",
        height=240,
        placeholder="Paste the programme overview, module titles and learning outcomes here.",
        help="Plain text. One module or outcome per line helps the tool spot occupational progression.",
    )
    st.file_uploader(
        "…or upload a programme specification",
        type=[s.lstrip(".") for s in documents.SUFFIXES],
        key="m_file",
        help=f".txt, .md, .docx or .pdf, up to {documents.MAX_BYTES // 1024 // 1024} MB. "
        "A typed title takes precedence over the document's.",
    )
    st.toggle(
        "Include standards that cannot be applied against",
        value=False,
        key="m_all",
        help="Off: only standards an HTQ can align to now are listed. On: standards in development, "
        "retired or otherwise not eligible are listed too, each labelled with why.",
    )
    st.toggle(
        "Use approved HTQs as precedent",
        value=True,
        key="m_precedents",
        help="Approved HTQs with similar titles point to the standards they were approved against. "
        "Turn off to rank on the standards' content alone.",
    )
    submitted = st.form_submit_button("Find matching standards", type="primary", icon=":material/search:")

if submitted:
    doc = matching_panel.programme_from_form(
        st.session_state["m_title"], st.session_state["m_text"], st.session_state["m_file"]
    )
    if doc is not None:
        programme = match.Programme(
            doc.title, doc.text, st.session_state["m_level"], st.session_state["m_route"] or None
        )
        with st.spinner("Ranking standards…"):
            result = match.rank(
                ui.match_index(),
                programme,
                top=st.session_state["m_top"],
                precedents=st.session_state["m_precedents"],
                eligible_only=not st.session_state["m_all"],
            )
        st.session_state["match"] = (programme, result, st.session_state["m_precedents"], list(doc.warnings))

if "match" in st.session_state:
    programme, result, precedents, notes = st.session_state["match"]
    for note in [*notes, *result.warnings]:
        st.info(note, icon=":material/info:")
    st.subheader(f"Candidates for “{ui.plain(programme.title or 'untitled programme')}”")
    if result.level:
        st.caption(match.level_note(result))
    if not result.candidates:
        st.warning("No standard matches. Add the programme's overview or module titles and try again.")
    else:
        if result.progression:
            titles = {c.occupation: c.title for c in result.candidates}
            st.info(result.progression.explanation(titles), icon=":material/call_split:")
        chart_tab, table_tab = st.tabs(["Evidence chart", "Table"])
        with chart_tab:
            st.plotly_chart(
                charts.evidence_figure(
                    [match.contributions(c, result) for c in result.candidates],
                    [f"{c.rank}. {c.title}" for c in result.candidates],
                ),
                width="stretch",
                config={"displaylogo": False},
            )
        with table_tab:
            table = match.candidates_frame(result)
            st.dataframe(table, hide_index=True, width="stretch")
            ui.download_buttons(
                table,
                "htq-match",
                "Candidates",
                ui.snapshot_notes(
                    snap,
                    {
                        "Programme": programme.title,
                        "Level": str(programme.level or "not set"),
                        "Precedents used": "yes" if precedents else "no",
                    },
                ),
                key="match_dl",
            )
        if result.hidden:
            st.caption(
                f"{result.hidden} standard(s) that cannot be applied against for HTQ approval now were left "
                "out. Turn on “Include standards that cannot be applied against” to see them, labelled."
            )
        for candidate in result.candidates:
            matching_panel.candidate_card(candidate, precedents)
        matching_panel.shortlist_panel(df)

ui.footer()
