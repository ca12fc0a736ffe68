"""Home: what the tool is, the snapshot date, headline figures and the way to every page."""

import streamlit as st

import ui
from htq import catalogue

snap, df = ui.setup_page("Home", ":material/home:")
figures = catalogue.headline(df)

st.title(ui.APP_NAME)
st.markdown(
    "Find the Skills England occupational standards a Level 4 or 5 programme can align to for "
    "**Higher Technical Qualification (HTQ)** approval, see why each one is or is not eligible, "
    "and share the result with your planning committee."
)
st.caption(
    f"Data: Skills England occupational maps and apprenticeship standards, snapshot of "
    f"{ui.format_date(snap.date)}. Approvals decisions rest with Skills England and DfE; "
    "check the live standard before you submit."
)

c1, c2, c3, c4 = st.columns(4)
c1.metric(
    "Occupations on the maps",
    f"{figures['occupations']:,}",
    help="Every occupation on Skills England's occupational maps, levels 2 to 7.",
)
c2.metric(
    "Level 4 and 5 occupations",
    f"{figures['htq_band']:,}",
    help="The HTQ band: occupations whose standard is at level 4 or 5.",
)
c3.metric(
    "HTQ-eligible standards",
    f"{figures['eligible_standards']:,}",
    help="Distinct level 4/5 standards that are published and not retired "
    f"({figures['eligible']} occupations, counting options separately).",
)
c4.metric(
    "Approved HTQs",
    f"{snap.manifest['counts']['htqs']:,}",
    help="Distinct approved HTQ codes aligned to an occupation in this snapshot.",
)

left, right = st.columns([3, 2])
with left:
    st.subheader("Occupations by level")
    st.table(catalogue.level_table(figures["by_level"]).set_index("Level"))
    st.caption("Levels 4 and 5 (higher technical) are the HTQ band; the others are shown for progression.")
with right:
    st.subheader("Start here")
    for label, file, icon, description in ui.PAGES[1:]:
        if label in ui.HIDDEN_PAGES:
            continue
        st.page_link(file, label=f"**{label}**", icon=icon)
        st.caption(description)
    st.page_link(
        ui.PAGE["Find standards"],
        label="**HTQ-eligible standards with approved HTQs**",
        icon=":material/verified:",
        query_params={"eligible": "true", "has_htqs": "true"},
    )

ui.footer()
