"""Standard: one occupation and its standard in full, with HTQ eligibility and its reasons."""

import streamlit as st

import ui
from htq import catalogue, eligibility
from panels import standard as standard_panel

snap, df = ui.setup_page("Standard", ":material/description:")

asked = st.query_params.get("code", "")
occ = standard_panel.standard_from_url(snap, df, asked)
if occ is None:
    ui.footer()
    st.stop()

verdict = eligibility.assess(occ)
content = snap.data.content.get(occ.reference or "")

st.title(occ.title)
st.caption(" · ".join(x for x in (occ.reference, occ.code, f"Level {occ.level}", occ.route or "route unknown") if x))

standard_panel.official_links(occ)
standard_panel.change_notice(occ)
standard_panel.eligibility_box(verdict)
if occ.level in (4, 5):
    st.caption(
        "Level fit: a level 5 qualification may align to a level 4 standard; a level 4 qualification "
        "against a level 5 standard needs a conversation with Skills England first."
    )

facts, text = st.columns([2, 3])
with facts:
    st.subheader("Key facts")
    st.table(catalogue.key_facts(occ, ui.source_names(snap)).set_index("Field"))
with text:
    st.subheader("The occupation")
    if occ.overview:
        st.markdown(f"**{ui.plain(occ.overview)}**")
    if occ.summary:
        paragraphs = occ.summary.split("\n\n")
        st.markdown(ui.plain(paragraphs[0]))
        if len(paragraphs) > 1:
            with st.expander("Full occupation summary"):
                st.markdown("\n\n".join(ui.plain(p) for p in paragraphs[1:]))
    else:
        st.info("This snapshot holds no summary for this occupation (only the map index row).")
    standard_panel.term_list("Typical job titles", occ.job_titles)
    standard_panel.term_list("Keywords", occ.keywords)
    if occ.employers:
        standard_panel.term_list("Employers who developed the standard", [occ.employers])

st.subheader(f"Approved HTQs aligned ({len(occ.htqs)})")
if occ.htqs:
    htqs = catalogue.htq_table(occ)
    st.dataframe(htqs, hide_index=True, width="stretch")
    ui.download_buttons(
        htqs,
        f"{occ.code.lower()}-htqs",
        "Approved HTQs",
        ui.snapshot_notes(snap, {"Occupation": f"{occ.code} {occ.title}"}),
        key="htq_dl",
    )
else:
    st.caption("No approved HTQ is aligned to this occupation in this snapshot.")

standard_panel.review_section(occ, ui.source_names(snap))

st.subheader("Knowledge, skills and behaviours")
standard_panel.ksb_section(occ, content)

standard_panel.related_links("Progression: occupations this one leads to", catalogue.related(df, occ.progression))
standard_panel.related_links(
    "Other options of the same standard", catalogue.related(df, catalogue.siblings(df, occ.code))
)

with st.expander("Where each fact comes from"):
    st.markdown(
        "\n".join(
            f"- **{s.get('name', k)}** ({s.get('date') or 'no date'}): {ui.plain(s.get('detail', ''))}"
            for k, s in snap.data.sources.items()
        )
    )

ui.footer()
