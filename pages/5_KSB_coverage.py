"""KSB coverage: map a programme's modules to a standard's KSBs, review the proposal, export the sheet."""

import streamlit as st

import ui
from htq import catalogue
from panels import coverage as coverage_panel

snap, df = ui.setup_page("KSB coverage", ":material/fact_check:")
choices = catalogue.standard_choices(df, snap.data.content)
ui.restore_url_state([ui.UrlParam("standards", ui.shortlist_references(df), "strs", list(choices))])

st.title("KSB coverage")
st.caption(
    "Skills England expects every KSB of the standard to be covered; partial coverage can be accepted for KSBs "
    "better delivered in the workplace. Give the programme's modules and outcomes; the tool proposes a "
    "mapping; your team accepts, changes or rejects each row; download the filled KSB mapping sheet."
)

ui.model_notice()

st.subheader("1. Standards")
st.multiselect(
    "Standards to map against",
    list(choices),
    key="standards",
    format_func=choices.__getitem__,
    placeholder="Choose one, or several for occupational progression",
    help="Shortlisted standards from Match a programme are chosen for you. KSBs are kept apart by standard.",
)
standards = coverage_panel.ksb_lists(snap, st.session_state["standards"])

st.subheader("2. Programme structure")
modules = coverage_panel.structure_input()
c1, c2 = st.columns([3, 1])
c1.text_input("Programme title", key="cov_title", help="Printed on the KSB mapping sheet.")
c2.number_input(
    "Optional modules each student takes",
    min_value=0,
    max_value=20,
    step=1,
    key="cov_choose",
    help="Used to check that the core plus every permitted choice of options still covers the standard.",
)

st.subheader("3. Mapping")
ready = bool(standards) and bool(modules)
if st.button(
    "Propose the mapping",
    type="primary",
    disabled=not ready,
    icon=":material/auto_awesome:",
    help="Compares every outcome with every KSB. Your edits to an earlier proposal are replaced.",
):
    coverage_panel.start_mapping((), modules, standards)
if not ready:
    st.caption("Choose at least one standard with KSBs and give at least one module to propose a mapping.")
coverage_panel.import_mapping()
if "cov_mapping" in st.session_state:
    coverage_panel.mapping_review(
        snap, df, st.session_state.get("cov_title", ""), st.session_state.get("cov_choose", 0)
    )

ui.footer()
