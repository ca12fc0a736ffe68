"""About: data provenance, licence, method, accessibility and feedback."""

import streamlit as st

import ui
from htq import snapshot

snap, _ = ui.setup_page("About", ":material/info:")

st.title("About this tool")
st.markdown(
    f"{ui.APP_NAME} helps universities, colleges and awarding bodies find the Skills England occupational "
    "standards a Level 4 or 5 programme can align to for Higher Technical Qualification (HTQ) approval, "
    "and share the result with planning and validation committees. It is an aid to judgement: approval "
    "decisions rest with Skills England and the Department for Education."
)

st.header("Licence and attribution")
st.markdown(
    f"{snapshot.OGL_ATTRIBUTION} [Open Government Licence v3.0]({snapshot.OGL_URL}). "
    "The data is Crown copyright, published by Skills England (formerly the Institute for "
    "Apprenticeships and Technical Education, IfATE)."
)

st.header("Data provenance")
st.markdown(snapshot.provenance_markdown(snap.manifest, for_people=True))
kept = snapshot.list_snapshots(snap.path.parent.parent)
if len(kept) > 1:
    st.caption("Snapshots kept: " + ", ".join(s["id"] for s in kept))

st.header("Method")
st.markdown(ui.doc("method"))

st.header("Accessibility statement")
st.markdown(ui.doc("accessibility"))

st.header("Feedback")
st.markdown(ui.feedback_text())

st.header("For administrators")
st.markdown(ui.doc("administrators"))

ui.footer(licence=False)
