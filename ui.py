"""The only Streamlit glue the pages share: page set-up, cached loaders, URL state, widgets."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from htq import catalogue, changes, charts, documents, mapping_sheet, match, readiness, report, snapshot
from htq import alerts as alerts_module
from htq import coverage as coverage_module
from htq import ksbs as ksbs_module
from htq import programme as programme_module
from htq import store as store_module
from htq.text import FieldIndex

APP_NAME = "HTQ Standards Explorer"
ROOT = Path(__file__).resolve().parent

# label, file, icon, one-line description (shown in the sidebar and on the home page)
PAGES: tuple[tuple[str, str, str, str], ...] = (
    ("Home", "app.py", ":material/home:", "What the tool does and the data behind it."),
    ("Explore routes", "pages/1_Explore_routes.py", ":material/account_tree:",
     "The occupational map as pictures: routes, pathways, clusters and levels."),
    ("Find standards", "pages/2_Find_standards.py", ":material/search:",
     "Filter and search every standard; download the list; share the link."),
    ("Standard", "pages/3_Standard.py", ":material/description:",
     "One standard in full: HTQ eligibility and why, HTQs already approved, KSBs."),
    ("Match a programme", "pages/4_Match_programme.py", ":material/join_inner:",
     "Paste or upload a programme; get the standards it could align to, with reasons."),
    ("KSB coverage", "pages/5_KSB_coverage.py", ":material/fact_check:",
     "Map modules to a standard's KSBs; review the proposal; export the KSB mapping sheet."),
    ("What changed", "pages/6_What_changed.py", ":material/update:",
     "New, retired and revised standards and their KSB changes between snapshots."),
    ("Saved programmes", "pages/7_Saved_programmes.py", ":material/folder_open:",
     "Save and reopen programmes; readiness checklist; change alerts; share links; committee report."),
    ("Portfolio", "pages/8_Portfolio.py", ":material/dashboard:",
     "Every saved programme by route and standard: coverage, overlaps, alerts and standards nobody serves yet."),
    ("Committee view", "pages/90_Committee_view.py", ":material/groups:",
     "A saved programme, read-only, opened from its share link."),
    ("About", "pages/9_About.py", ":material/info:",
     "Data provenance, licence, method and accessibility."),
)
PAGE = {label: file for label, file, _, _ in PAGES}
HIDDEN_PAGES = ("Standard", "Committee view")


def setup_page(title: str, icon: str = ":material/school:") -> tuple[snapshot.Snapshot, pd.DataFrame]:
    """Configure the browser tab, draw the shared sidebar, and return the snapshot and its frame.

    Stops the page with a clear message when the snapshot cannot be loaded.
    """
    st.set_page_config(page_title=f"{title} · {APP_NAME}", page_icon=icon, layout="wide")
    with st.sidebar:
        st.markdown(f"**{APP_NAME}**")
        for label, file, page_icon, description in PAGES:
            if label in HIDDEN_PAGES:
                continue  # reached from a result or a link, not on their own
            st.page_link(file, label=label, icon=page_icon, help=description)
    snap, df = load_or_stop()
    st.sidebar.caption(f"Data: Skills England snapshot of {format_date(snap.date)}.")
    latest = recent_changes()
    if latest is not None:
        st.info(f"{changes.summary(latest)} See **What changed**.", icon=":material/update:")
    return snap, df


def footer() -> None:
    """Draw the attribution every page carries."""
    st.divider()
    st.caption(f"{snapshot.OGL_ATTRIBUTION} Source: Skills England occupational maps and apprenticeship "
               "standards. See About for provenance and method.")


def format_date(value: str | date | pd.Timestamp | None) -> str:
    """Return a date as '6 July 2026', or 'unknown'."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return "unknown"
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        return str(value)
    return "unknown" if pd.isna(stamp) else f"{stamp.day} {stamp:%B %Y}"


def _data_dir() -> Path:
    return snapshot.default_data_dir()


# cache_resource, not cache_data: cache_data would unpickle a fresh copy of the 3 MB snapshot on
# every rerun (measured: 50 ms of a 110 ms filter change). The snapshot is frozen dataclasses and
# the frame is only ever read; pandas copy-on-write turns any accidental write into a new copy.
@st.cache_resource(show_spinner="Loading the standards snapshot…", max_entries=3)
def _load(version: str) -> tuple[snapshot.Snapshot, pd.DataFrame]:
    snap = snapshot.load(_data_dir())
    return snap, catalogue.frame(snap)


@st.cache_resource(show_spinner="Indexing standards for search…", max_entries=3)
def _search_index(version: str) -> FieldIndex:
    _, df = _load(version)
    return catalogue.search_index(df)


def _version() -> str:
    return snapshot.version_key(_data_dir())


def load_or_stop() -> tuple[snapshot.Snapshot, pd.DataFrame]:
    """Return the snapshot and its catalogue frame, or show a clear error and stop the page."""
    try:
        return _load(_version())
    except snapshot.SnapshotError as exc:
        st.error(f"The standards data cannot be loaded, so this page cannot be shown. {exc}", icon=":material/error:")
        st.info("If you cloned the project, restore the data folder with `git checkout -- data`; "
                "if a refresh was interrupted, the previous snapshot is still in `data/snapshots/`.")
        st.stop()
        raise  # unreachable: st.stop() ends the run


@st.cache_resource(max_entries=3)
def _recent_changes(version: str) -> changes.Changes | None:
    previous = snapshot.previous_id(_data_dir())
    if previous is None:
        return None
    return changes.diff(snapshot.load_id(_data_dir(), previous), _load(version)[0])


def recent_changes() -> changes.Changes | None:
    """Return what changed from the previous kept snapshot to the one in use (None if there is none)."""
    try:
        return _recent_changes(_version())
    except snapshot.SnapshotError:
        return None


def search_index() -> FieldIndex:
    """Return the shared, read-only search index of the catalogue."""
    return _search_index(_version())


@dataclass(frozen=True)
class UrlParam:
    """A widget whose value is mirrored in the page URL under the same name as its key."""

    key: str
    default: Any
    kind: str = "str"  # "str", "bool", "strs", "ints", "date"
    choices: Sequence[Any] | None = None

    def read(self, params: Any) -> Any:
        """Return the value the URL gives, or the default when absent or unusable."""
        if self.key not in params:
            return self.default
        values = [v for v in params.get_all(self.key)]
        try:
            if self.kind == "bool":
                return values[-1].lower() in ("1", "true", "yes", "on")
            if self.kind == "date":
                return date.fromisoformat(values[-1])
            if self.kind in ("strs", "ints"):
                if values == ["all"]:
                    return []
                items = [int(v) if self.kind == "ints" and v.strip().isdigit() else v for v in values]
                wanted = int if self.kind == "ints" else str
                return [v for v in items if isinstance(v, wanted) and (self.choices is None or v in self.choices)]
            value = values[-1]
            return value if self.choices is None or value in self.choices else self.default
        except (ValueError, IndexError):
            return self.default

    def encode(self, value: Any) -> list[str] | str | None:
        """Return the URL form of a value, or None when it equals the default."""
        if value == self.default or (self.kind in ("strs", "ints") and list(value) == list(self.default)):
            return None
        if self.kind == "bool":
            return "true" if value else "false"
        if self.kind == "date":
            return value.isoformat() if value else None
        if self.kind in ("strs", "ints"):
            return [str(v) for v in value] if value else "all"
        return str(value)


def restore_url_state(params: Sequence[UrlParam]) -> None:
    """Seed each widget's session state from the URL the first time the page runs."""
    for p in params:
        if p.key not in st.session_state:
            st.session_state[p.key] = p.read(st.query_params)


def publish_url_state(params: Sequence[UrlParam], keep: Sequence[str] = ()) -> None:
    """Write the widgets' values into the URL so a copied link reopens the same view."""
    wanted: dict[str, Any] = {k: st.query_params.get_all(k) for k in keep if k in st.query_params}
    for p in params:
        encoded = p.encode(st.session_state.get(p.key, p.default))
        if encoded is not None:
            wanted[p.key] = encoded
    current = {k: st.query_params.get_all(k) for k in st.query_params}
    normalised = {k: v if isinstance(v, list) else [v] for k, v in wanted.items()}
    if normalised != current:
        st.query_params.from_dict(wanted)


def standard_link(code: str) -> str:
    """Return the in-app URL of a standard's page."""
    return f"Standard?code={code}"


def download_buttons(df: pd.DataFrame, stem: str, title: str, notes: dict[str, str], key: str) -> None:
    """Draw CSV and Excel download buttons for a table (files are made when clicked, not on every rerun)."""
    left, right, _ = st.columns([1, 1, 4])
    left.download_button("Download CSV", lambda: report.table_csv(df), file_name=f"{stem}.csv", mime="text/csv",
                         icon=":material/download:", key=f"{key}_csv",
                         help="The rows shown, as a comma-separated file for any spreadsheet.")
    right.download_button("Download Excel", lambda: report.table_xlsx(df, title, notes), file_name=f"{stem}.xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          icon=":material/table_view:", key=f"{key}_xlsx",
                          help="The rows shown as an Excel workbook, with a sheet saying where the data came from.")


def snapshot_notes(snap: snapshot.Snapshot, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Return the provenance lines that go with every download."""
    notes = {
        "Tool": APP_NAME,
        "Snapshot": f"{snap.id} (data of {snap.date})",
        "Licence": snapshot.OGL_ATTRIBUTION,
    }
    notes.update(extra or {})
    return notes


def with_page_links(listing: pd.DataFrame) -> pd.DataFrame:
    """Return a listing whose Occupation column holds links to each standard's page."""
    return listing.assign(Occupation=listing["Occupation"].map(standard_link))


def listing_columns() -> dict[str, Any]:
    """Return the column configuration of a standards listing."""
    return {
        "Occupation": st.column_config.LinkColumn(
            "Occupation", display_text=r"code=(.*)$", help="The occupation code; opens the standard's page.",
            width="small"),
        "Standard": st.column_config.TextColumn("Standard", help="The standard's reference (ST####).", width="small"),
        "Title": st.column_config.TextColumn("Title", width="large"),
        "Level": st.column_config.NumberColumn("Level", format="%d", width="small"),
        "Status date": st.column_config.DateColumn("Status date", format="D MMM YYYY",
                                                   help="When the occupation's status last changed."),
        "HTQ eligibility": st.column_config.TextColumn(
            "HTQ eligibility", help="Eligible, eligible but check first (cautions apply), or not eligible. "
                                    "The standard's page gives the reasons."),
        "Approved HTQs": st.column_config.NumberColumn("Approved HTQs", format="%d",
                                                       help="HTQs already approved against this occupation."),
        "Relevance": st.column_config.ProgressColumn("Relevance", min_value=0.0, max_value=1.0, format="%.2f",
                                                     help="How well the row matches the search (1 = best)."),
    }


_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]<>()#+-.!|~$"})


def plain(text: str | None) -> str:
    """Return source or user text escaped so Streamlit shows it as typed, never as markup."""
    return (text or "").translate(_MARKDOWN_SPECIAL)


def source_names(snap: snapshot.Snapshot) -> dict[str, str]:
    """Return source id -> short readable source name for the snapshot."""
    return {k: v.get("short") or v.get("name", k) for k, v in snap.data.sources.items()}


_REASON_ICON = {catalogue.MEETS: ":material/check_circle:", catalogue.CAUTION: ":material/warning:",
                catalogue.BLOCKS: ":material/block:", catalogue.UNKNOWN: ":material/help:"}


def eligibility_box(verdict: catalogue.Eligibility) -> None:
    """Draw the HTQ eligibility verdict and its reasons."""
    lines = "\n".join(f"- {_REASON_ICON[r.kind]} {plain(r.text)}" for r in verdict.reasons)
    body = f"**HTQ eligibility: {verdict.verdict}**\n\n{lines}"
    if verdict.verdict == catalogue.ELIGIBLE:
        st.success(body, icon=":material/verified:")
    elif verdict.verdict == catalogue.CHECK_FIRST:
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
        cols[i % 2].page_link(PAGE["Standard"], label=f"{r.title} — Level {r.level} ({r.standard})",
                              icon=":material/arrow_forward:", query_params={"code": r.code})


def ksb_section(occ: Any, content: Any) -> None:
    """Draw a standard's KSBs and duties, or say plainly that this snapshot lacks them."""
    if content is None:
        if occ.reference:
            st.info(f"This snapshot does not hold the knowledge, skills and behaviours (or duties) of "
                    f"{occ.reference}. Skills England publishes them on the standard's page and in its "
                    "apprenticeship standards API: run `python -m htq refresh` to fetch them for every standard.",
                    icon=":material/info:")
        else:
            st.info("No standard reference is known for this occupation, so there are no KSBs to show.",
                    icon=":material/info:")
        return
    table = catalogue.ksb_table(content)
    counts = table["Type"].value_counts()
    summary = ", ".join(f"{counts.get(k, 0)} {k.lower()}" for k in ("Knowledge", "Skill", "Behaviour"))
    version = f"version {content.version}" if content.version else "version unknown"
    st.caption(f"{content.reference}, {version}: {summary}. Source: {plain(content.source)}.")
    if not content.complete:
        st.warning(f"This list is incomplete. {plain(content.note)}", icon=":material/rule:")
    tabs = st.tabs(["Knowledge", "Skills", "Behaviours", "Duties"])
    for tab, kind in zip(tabs[:3], ("Knowledge", "Skill", "Behaviour")):
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
            st.caption("Duties and their links to KSBs are not in this snapshot; a refresh brings them.")
    if content.note and content.complete:
        st.caption(plain(content.note))
    download_buttons(table, f"{content.reference.lower()}-ksbs", "KSBs",
                     {"Standard": content.reference, "Version": content.version or "unknown",
                      "Source": content.source, "Complete": "yes" if content.complete else "no"}, key="ksb_dl")


def standard_from_url(snap: snapshot.Snapshot, df: pd.DataFrame, asked: str) -> Any:
    """Return the occupation the URL's code names, or draw why not (with a search box) and return None."""
    if asked:
        code = catalogue.normalise_code(asked)
        shown = plain(asked[:40])
        if code is None:
            st.error(f"“{shown}” is not a standard code. Codes look like ST0116 (a standard) or OCC0116 "
                     "(an occupation).", icon=":material/error:")
        else:
            found = catalogue.resolve_code(df, code)
            if found is not None:
                return snap.occupation(found)
            st.error(f"{code} is not in the snapshot of {format_date(snap.date)}. It may be new, or mistyped.",
                     icon=":material/error:")
    st.title("Find a standard")
    with st.form("lookup"):
        text = st.text_input("Standard code or name", max_chars=200, placeholder="ST0116, OCC0827 or 'nursing'",
                             help="Type a code to open that standard, or words to search titles and job titles.")
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
            st.page_link(PAGE["Standard"], label=f"{r.title} — Level {r.level} ({r.standard})",
                         icon=":material/arrow_forward:", query_params={"code": r.code})
    return None


def find_query(route: str, levels: Sequence[int]) -> dict[str, Any]:
    """Return the Find standards URL parameters for a route and levels."""
    params: dict[str, Any] = {"level": [str(v) for v in levels] or "all"}
    if route:
        params["route"] = route
    return params


def pick_grid_cell() -> None:
    """Callback of the route x level grid: show the clicked route and level on the map."""
    route, level = charts.grid_cell(st.session_state.get("grid"))
    if route:
        st.session_state["route"] = route
    if level:
        st.session_state["level"] = [level]


def doc(name: str) -> str:
    """Return one of the prose documents in docs/ (method, accessibility, feedback)."""
    return (ROOT / "docs" / f"{name}.md").read_text(encoding="utf-8")


def feedback_text() -> str:
    """Return the feedback paragraph, with this installation's address when one is configured."""
    url = os.environ.get("HTQ_FEEDBACK_URL", "").strip()
    return doc("feedback").replace("{feedback}", f" at <{url}>" if url else "")


@st.cache_resource(show_spinner="Preparing the matcher (once per snapshot)…", max_entries=2)
def _match_index(version: str) -> match.MatchIndex:
    snap, _ = _load(version)
    return match.MatchIndex.build(snap)


def match_index() -> match.MatchIndex:
    """Return the shared, read-only match index of the snapshot in use."""
    return _match_index(_version())


_CONFIDENCE_ICON = {match.HIGH: ":green-badge[high confidence]", match.MEDIUM: ":orange-badge[medium confidence]",
                    match.LOW: ":gray-badge[low confidence]"}


def programme_from_form(title: str, text: str, upload: Any) -> documents.Document | None:
    """Return the programme the form describes (an upload fills what was not typed), or show why not."""
    try:
        doc = documents.read_bytes(upload.getvalue(), upload.name) if upload is not None else None
        typed = documents.from_text(f"{title}\n{text}") if (title.strip() or text.strip()) else None
    except documents.DocumentError as exc:
        st.error(str(exc), icon=":material/error:")
        return None
    if doc is None and typed is None:
        st.error("Give the programme's title and its overview or modules, or upload its specification.",
                 icon=":material/error:")
        return None
    if doc is None:
        return typed
    if typed is None:
        return doc
    # Typed title wins; typed text is added to the document's.
    return documents.Document(typed.title or doc.title, "\n".join(x for x in (typed.text, doc.text) if x),
                              doc.warnings + typed.warnings)


def shortlist() -> list[str]:
    """Return the OCC codes the user has shortlisted in this session, in the order chosen."""
    return st.session_state.setdefault("shortlist", [])


def _toggle_shortlist(code: str) -> None:
    chosen = shortlist()
    if st.session_state.get(f"short_{code}"):
        if code not in chosen:
            chosen.append(code)
    elif code in chosen:
        chosen.remove(code)


def candidate_card(c: match.Candidate, precedents: bool) -> None:
    """Draw one candidate: score, confidence, level fit, reasons, precedents, open and shortlist."""
    with st.container(border=True):
        head, side = st.columns([5, 2])
        head.markdown(f"**{c.rank}. {plain(c.title)}** · {c.reference} · Level {c.level} · {plain(c.route or 'route unknown')}  \n"
                      f"{_CONFIDENCE_ICON[c.confidence]} Score {c.score:.2f} · Level fit: {c.level_fit}")
        side.progress(min(1.0, max(0.0, c.score)), text=f"score {c.score:.2f}")
        why = [f"- **{e.field}**: {', '.join(plain(t) for t in e.terms)}" for e in c.reasons]
        if c.semantic >= 0.5:
            why.append(f"- **similar in meaning** to the standard's title, overview, job titles and keywords "
                       f"(semantic evidence {c.semantic:.2f})")
        if precedents and c.precedents:
            why += [f"- **precedent**: approved HTQ {p.code} “{plain(p.title)}” (level {p.level}), title similarity "
                    f"{p.similarity:.2f}" for p in c.precedents]
        with st.expander("Why this standard"):
            st.markdown("\n".join(why) or "Only weak evidence: few words in common.")
        left, right = st.columns([1, 1])
        left.page_link(PAGE["Standard"], label="Open the standard", icon=":material/open_in_new:",
                       query_params={"code": c.occupation})
        right.checkbox("Shortlist", key=f"short_{c.occupation}", value=c.occupation in shortlist(),
                       on_change=_toggle_shortlist, args=(c.occupation,),
                       help="Keep this standard for KSB coverage and the committee report.")


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
    st.page_link(PAGE["KSB coverage"], label="Map the programme to the shortlisted standards' KSBs",
                 icon=":material/fact_check:", query_params={"standards": shortlist_references(df)})


# ---- KSB coverage -----------------------------------------------------------------------------

def ksb_lists(snap: snapshot.Snapshot, references: Sequence[str]) -> list[Any]:
    """Return the KSB list of each chosen standard, drawing import boxes for those the snapshot lacks."""
    imported = st.session_state.setdefault("cov_imported", {})
    out = []
    for ref in references:
        known = imported.get(ref) or snap.data.content.get(ref)
        if known is not None:
            origin = "imported" if ref in imported else "from the snapshot"
            st.caption(f"{ref}: {len(known.ksbs)} KSBs {origin}" + ("" if known.complete else " (list may be incomplete)"))
            out.append(known)
            continue
        with st.expander(f"{ref}: this snapshot has no KSBs — import them", expanded=True):
            sheet = st.file_uploader(f"KSB sheet for {ref} (.xlsx or .csv with Code and Statement columns)",
                                     type=["xlsx", "csv"], key=f"ksbfile_{ref}",
                                     help="The KSB mapping sheet Skills England sends after a support session works.")
            pasted = st.text_area(f"…or paste {ref}'s KSBs, one per line (K1 …, S1 …, B1 …)", key=f"ksbtext_{ref}",
                                  help="Lines that do not start with a code continue the line before.")
            if st.button(f"Use these KSBs for {ref}", key=f"ksbuse_{ref}"):
                try:
                    imported[ref] = (ksbs_module.read_sheet(sheet.getvalue(), sheet.name, ref) if sheet is not None
                                     else ksbs_module.from_text(pasted, ref))
                    st.rerun()
                except ksbs_module.KsbError as exc:
                    st.error(str(exc), icon=":material/error:")
    return out


def structure_input() -> list[Any]:
    """Draw the programme-structure inputs (upload, paste, edit) and return the current modules."""
    base = st.session_state.setdefault("cov_base_modules", [])
    version = st.session_state.setdefault("cov_modules_version", 0)
    upload_tab, paste_tab = st.tabs(["Upload a specification or module sheet", "Paste modules"])
    with upload_tab:
        upload = st.file_uploader("Programme specification (.docx, .pdf, .txt) or module sheet (.xlsx, .csv)",
                                  type=["docx", "pdf", "txt", "md", "xlsx", "csv"], key="cov_upload",
                                  help="Module tables in Word, or lines like “CS101 Programming (20 credits, Level 4)” "
                                       "followed by outcomes. Sheets need a Title (or Module) column.")
        if upload is not None and st.button("Read the modules", key="cov_read"):
            _replace_modules(lambda: programme_module.read_structure(upload.getvalue(), upload.name))
    with paste_tab:
        pasted = st.text_area("Modules and outcomes", key="cov_paste", height=180,
                              placeholder="SD401 Programming Fundamentals (20 credits, Level 4, core)\n"
                                          "Write maintainable code in Python\n…",
                              help="A line starting with a module code opens a module; the lines under it are its "
                                   "learning outcomes.")
        if st.button("Read the pasted modules", key="cov_read_paste"):
            _replace_modules(lambda: programme_module.Structure("", tuple(programme_module.modules_from_text(pasted))))
    st.caption("Check and edit the modules below: one row per module; separate outcomes with a new line or “; ”.")
    edited = st.data_editor(
        mapping_sheet.structure_frame(base), key=f"cov_modules_{version}", num_rows="dynamic", width="stretch",
        hide_index=True, column_config={
            "Level": st.column_config.NumberColumn("Level", min_value=3, max_value=7, step=1, help="FHEQ level"),
            "Credits": st.column_config.NumberColumn("Credits", min_value=0, max_value=240, step=5),
            "Core/optional": st.column_config.SelectboxColumn("Core/optional", options=["Core", "Optional"]),
            "Learning outcomes": st.column_config.TextColumn("Learning outcomes", width="large"),
        })
    rows = [r for r in edited.to_dict("records") if str(r.get("Title") or "").strip()]
    modules = programme_module.modules_from_rows(rows) if rows else []
    st.session_state["cov_current_modules"] = modules  # read by Saved programmes, which has no such widget
    return modules


def _replace_modules(read: Any) -> None:
    try:
        structure = read()
    except programme_module.ProgrammeError as exc:
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
    st.session_state["cov_mapping"] = (tuple(rows) or proposal.rows, tuple(modules), tuple(standards),
                                       proposal.module_scores)
    st.session_state["cov_rows_version"] = st.session_state.get("cov_rows_version", 0) + 1


def import_mapping() -> None:
    """Draw the re-import box for an exported KSB mapping sheet."""
    with st.expander("Re-open a KSB mapping sheet saved earlier", icon=":material/upload_file:"):
        _import_mapping()


def _import_mapping() -> None:
    sheet = st.file_uploader("Re-open a KSB mapping sheet exported by this tool (.xlsx)", type=["xlsx"],
                             key="cov_import", help="Restores the modules, the KSBs and every decision and note.")
    st.button("Re-open this mapping", key="cov_import_go", disabled=sheet is None, on_click=_reopen_mapping,
              help="Replaces the standards, modules and mapping on this page with the sheet's.")
    if st.session_state.get("cov_import_error"):
        st.error(st.session_state.pop("cov_import_error"), icon=":material/error:")


def _reopen_mapping() -> None:
    # A button callback runs before the page is drawn, so it may set the widgets' values.
    sheet = st.session_state.get("cov_import")
    try:
        restored = mapping_sheet.from_xlsx(sheet.getvalue(), sheet.name)
    except mapping_sheet.SheetError as exc:
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
        frame, key=f"cov_rows_{st.session_state.get('cov_rows_version', 0)}", hide_index=True, width="stretch",
        height=480, disabled=[c for c in frame.columns if c not in ("Coverage", "Decision", "Notes")],
        column_order=[c for c in frame.columns if c not in ("Decided by", "Decided at")] + ["Decided by", "Decided at"],
        column_config={
            "Coverage": st.column_config.SelectboxColumn("Coverage", options=list(coverage_module.GRADES), required=True,
                                                         help="full, partial or none: change it if the tool is wrong."),
            "Decision": st.column_config.SelectboxColumn("Decision", options=list(coverage_module.DECISIONS),
                                                         required=True, help="Accept, change or reject the proposal."),
            "Notes": st.column_config.TextColumn("Notes", width="medium",
                                                 help="Why partial coverage is acceptable; where the KSB is assessed."),
            "Statement": st.column_config.TextColumn("Statement", width="large"),
            "Evidence": st.column_config.TextColumn("Evidence", width="large",
                                                    help="Module outcomes that evidence the KSB, with similarity 0-1."),
            "Score": st.column_config.ProgressColumn("Score", min_value=0.0, max_value=1.0, format="%.2f"),
        })
    edits = [{"standard": r["Standard"], "code": r["Code"], "coverage": r["Coverage"], "decision": r["Decision"],
              "notes": r["Notes"]} for r in edited.to_dict("records")]
    return coverage_module.apply_edits(rows, edits)


_CHECK_ICON = {"pass": ":material/check_circle:", "fail": ":material/cancel:", "warn": ":material/warning:",
               "n/a": ":material/remove_circle_outline:"}


def mapping_review(snap: snapshot.Snapshot, df: pd.DataFrame, title: str, options_to_choose: int) -> None:
    """Draw the mapping under review: decisions, totals, gaps, matrix, duties, criteria checks, exports."""
    base_rows, modules, standards, matrix = st.session_state["cov_mapping"]
    st.markdown("#### Review the proposal")
    st.caption("Accept, change or reject each row and add notes (why partial coverage is acceptable, where the KSB is "
               "assessed). Only Coverage, Decision and Notes can be edited.")
    rows = decisions_editor(base_rows)
    st.session_state["cov_current_rows"] = rows  # the team's decisions, for saving on Saved programmes
    st.session_state["cov_current_title"] = title
    counts = {g: sum(1 for r in rows if r.coverage == g) for g in coverage_module.GRADES}
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("KSBs", len(rows), help="Across the chosen standards.")
    c2.metric("Full", counts["full"], help="Covered in full by the programme.")
    c3.metric("Partial", counts["partial"], help="Partly covered: needs a note saying why that is acceptable.")
    c4.metric("None", counts["none"], help="Not covered: a gap to close before submission.")
    levels = {ref: int(lvl) for ref, lvl in df.dropna(subset=["reference"]).groupby("reference")["level"].first().items()
              if ref in {s.reference for s in standards}}
    tabs = st.tabs(["Criteria checks", "Totals by K/S/B", "Gaps", "Coverage matrix", "By duty"])
    with tabs[0]:
        for check in coverage_module.check_criteria(rows, modules, levels, options_to_choose):
            st.markdown(f"{_CHECK_ICON[check.status]} **{check.name}** — {check.status.upper()}: {plain(check.detail)}")
    with tabs[1]:
        totals = coverage_module.totals(rows)
        chart, table = st.tabs(["Chart", "Table"])
        chart.plotly_chart(charts.totals_figure(totals), width="stretch", config={"displaylogo": False})
        table.dataframe(totals, hide_index=True, width="stretch")
    with tabs[2]:
        gaps = coverage_module.gaps(rows)
        if gaps:
            st.dataframe(coverage_module.rows_frame(gaps)[["Standard", "Code", "Statement", "Coverage", "Notes"]],
                         hide_index=True, width="stretch")
        else:
            st.success("No gaps: every KSB is covered, or partly covered with a reason.")
    with tabs[3]:
        chart, table = st.tabs(["Heatmap", "Table"])
        chart.plotly_chart(charts.matrix_figure(matrix), width="stretch", config={"displaylogo": False})
        table.dataframe(matrix, width="stretch")
    with tabs[4]:
        duties = coverage_module.by_duty(rows, standards)
        if duties.empty:
            st.info("Duties and their KSB links are not known for these standards in this snapshot; a refresh from the "
                    "Skills England API brings them.", icon=":material/info:")
        else:
            st.dataframe(duties, hide_index=True, width="stretch")
    notes = snapshot_notes(snap, {"Standards": ", ".join(f"{s.reference} v{s.version or '?'}" for s in standards)})
    left, right, _ = st.columns([3, 2, 2])
    left.download_button("Download KSB mapping sheet (.xlsx)",
                         lambda: mapping_sheet.to_xlsx(title, rows, modules, notes), file_name="ksb-mapping.xlsx",
                         mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         icon=":material/table_view:", key="cov_xlsx",
                         help="KSB mapping and qualification structure sheets; re-open it here later to carry on.")
    right.download_button("Download mapping (.csv)", lambda: mapping_sheet.to_csv(rows, modules),
                          file_name="ksb-mapping.csv", mime="text/csv", icon=":material/download:", key="cov_csv",
                          help="The KSB mapping sheet alone, as CSV.")


def shortlist_references(df: pd.DataFrame) -> list[str]:
    """Return the ST references of the session's shortlist, in order, without repeats."""
    rows = catalogue.related_rows(df, shortlist())
    return list(dict.fromkeys(r for r in rows["reference"] if r))


# ---- What changed -------------------------------------------------------------------------------

@st.cache_data(max_entries=8, show_spinner="Comparing snapshots…")
def _snapshot_changes(data_dir: str, old: str, new: str) -> changes.Changes:
    return changes.diff(snapshot.load_id(Path(data_dir), old), snapshot.load_id(Path(data_dir), new))


def snapshot_changes(old: str, new: str) -> changes.Changes | None:
    """Return the changes between two kept snapshots, or show why they cannot be compared."""
    if old == new:
        st.warning("Choose two different snapshots to compare.", icon=":material/compare_arrows:")
        return None
    if old > new:
        old, new = new, old
    try:
        return _snapshot_changes(str(_data_dir()), old, new)
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
            st.page_link(PAGE["Standard"], label="Open the standard", icon=":material/open_in_new:",
                         query_params={"code": item.occupation})


def change_notice(occ: Any) -> None:
    """Say on a standard's page what changed in it since the previous snapshot, if anything."""
    latest = recent_changes()
    item = next((i for i in latest.items if i.occupation == occ.code), None) if latest else None
    if item is None:
        return
    detail = ", ".join(item.kinds)
    if item.ksbs:
        detail += ": " + ", ".join(f"{k.code} {k.change}" for k in item.ksbs[:12])
    st.warning(f"Changed since the snapshot of {format_date(latest.old_date)} — {detail}. "
               + (f"Skills England's note: {plain(occ.change_note)}" if occ.change_note else ""),
               icon=":material/update:")


# ---- Saved programmes, share links, committee report -------------------------------------------

@st.cache_resource(show_spinner=False)
def _store(url: str) -> store_module.Store:
    saved = store_module.Store(url)
    saved.migrate()
    return saved


def store_or_stop() -> store_module.Store:
    """Return the programme store (migrated once per process), or show why it cannot be used and stop."""
    try:
        return _store(store_module.database_url())
    except store_module.StoreError as exc:
        st.error(f"Saved programmes are not available: {exc}", icon=":material/error:")
        st.stop()
        raise


def session_programme(snap: snapshot.Snapshot, df: pd.DataFrame) -> store_module.SavedProgramme:
    """Return this session's work as a programme to save: Match, Coverage and the open saved programme."""
    opened: store_module.SavedProgramme | None = st.session_state.get("open_programme")
    base = opened or store_module.SavedProgramme(id="", title="")
    matched = st.session_state.get("match")
    title = (st.session_state.get("cov_current_title") or (matched[0].title if matched else "") or base.title)
    notes = {s.occupation: s.note for s in base.shortlist}
    rows = catalogue.related_rows(df, shortlist())
    entries = tuple(store_module.ShortlistEntry(r.code, r.reference or r.code, r.title, notes.get(r.code, ""),
                                                r.version, r.standard_status) for r in rows.itertuples())
    mapping = st.session_state.get("cov_current_rows")
    return replace(
        base, title=title or "Untitled programme",
        level=(matched[0].level if matched else None) or base.level,
        text=(matched[0].text if matched else "") or base.text,
        modules=tuple(st.session_state.get("cov_current_modules") or base.modules),
        shortlist=entries or base.shortlist,
        mapping=tuple(mapping) if mapping is not None else base.mapping,
        snapshot_id=snap.id if mapping is not None else base.snapshot_id,
        snapshot_date=snap.date if mapping is not None else base.snapshot_date)


def open_programme(saved: store_module.SavedProgramme) -> None:
    """Make a saved programme the session's work, so Match and KSB coverage show it."""
    st.session_state["open_programme"] = saved
    st.session_state["shortlist"] = [s.occupation for s in saved.shortlist]
    for key in ("match", "cov_mapping", "cov_current_rows", "cov_current_modules", "cov_current_title"):
        st.session_state.pop(key, None)
    st.session_state["m_title"], st.session_state["m_text"] = saved.title, saved.text
    st.session_state["m_level"] = saved.level
    st.session_state["cov_title"] = saved.title
    st.session_state["cov_base_modules"] = list(saved.modules)
    st.session_state["cov_modules_version"] = st.session_state.get("cov_modules_version", 0) + 1
    st.session_state["standards"] = list(dict.fromkeys(r.standard for r in saved.mapping))
    if saved.mapping:
        standards = coverage_module.standards_from_rows(saved.mapping)
        st.session_state.setdefault("cov_imported", {}).update({s.reference: s for s in standards})
        start_mapping(saved.mapping, saved.modules, standards)


def committee_tables(saved: store_module.SavedProgramme, snap: snapshot.Snapshot) -> dict[str, pd.DataFrame]:
    """Return the committee report's tables for a saved programme, against the snapshot in use."""
    verdicts = {s.occupation: catalogue.eligibility(snap.occupation(s.occupation)).verdict
                for s in saved.shortlist if snap.occupation(s.occupation) is not None}
    shortlist_table = pd.DataFrame([{"Standard": s.reference, "Occupation": s.occupation, "Title": s.title,
                                     "HTQ eligibility": verdicts.get(s.occupation, "unknown"), "Note": s.note}
                                    for s in saved.shortlist],
                                   columns=["Standard", "Occupation", "Title", "HTQ eligibility", "Note"])
    gaps = coverage_module.rows_frame(coverage_module.gaps(saved.mapping))[["Standard", "Code", "Statement", "Coverage",
                                                                           "Notes"]]
    return report.committee_sections(
        saved, shortlist_table, coverage_module.totals(saved.mapping), gaps,
        alerts_module.alerts_frame(alerts_module.programme_alerts(saved, snap)),
        readiness.checklist_frame(saved.answers))


def committee_downloads(saved: store_module.SavedProgramme, snap: snapshot.Snapshot, key: str) -> None:
    """Draw the committee report downloads (self-contained HTML and XLSX)."""
    notes = snapshot_notes(snap, {"Readiness prompts": readiness.SOURCE, "Report made": store_module.now_text()})
    left, right, _ = st.columns([2, 2, 3])
    left.download_button("Committee report (.html)",
                         lambda: report.committee_html(committee_tables(saved, snap), notes),
                         file_name="committee-report.html", mime="text/html", icon=":material/description:",
                         key=f"{key}_html", help="One self-contained page: open it in a browser, print it or attach it.")
    right.download_button("Committee report (.xlsx)",
                          lambda: report.committee_xlsx(committee_tables(saved, snap),
                                                        mapping_sheet.mapping_frame(saved.mapping, saved.modules),
                                                        mapping_sheet.structure_frame(saved.modules), notes),
                          file_name="committee-report.xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          icon=":material/table_view:", key=f"{key}_xlsx",
                          help="The same tables, with the KSB mapping and qualification structure sheets.")


def committee_view(saved: store_module.SavedProgramme, snap: snapshot.Snapshot) -> None:
    """Draw a saved programme read-only, for a committee: candidates, coverage, gaps, alerts, checklist."""
    tables = committee_tables(saved, snap)
    st.table(tables["Summary"].set_index("Item"))
    headings = {"Candidate standards": "Candidate standards", "Coverage": "KSB coverage", "Gaps": "Gaps",
                "Change alerts": "Change alerts", "Readiness checklist": "HTQ readiness checklist"}
    for name, heading in headings.items():
        frame = tables[name]
        st.subheader(heading)
        if frame.empty:
            st.caption(report.COMMITTEE_EMPTY[name])
            continue
        if name == "Coverage":
            chart, table = st.tabs(["Chart", "Table"])
            chart.plotly_chart(charts.totals_figure(frame), width="stretch",
                               config={"displaylogo": False, "staticPlot": True})
            table.table(frame.set_index("Standard"))
            continue
        if name == "Change alerts":
            st.warning("Standards this programme uses have changed since it was mapped.", icon=":material/update:")
        st.table(frame.set_index(frame.columns[0]))
    st.caption(readiness.SOURCE)


def who() -> str:
    """Return the name the user gave for saves and decisions ('' if none)."""
    return str(st.session_state.get("who") or "").strip()


def save_panel(saved_store: store_module.Store, snap: snapshot.Snapshot, df: pd.DataFrame) -> None:
    """Draw what this session holds and the buttons to save it (new, or over the open programme)."""
    draft = session_programme(snap, df)
    opened = st.session_state.get("open_programme")
    st.markdown(f"**{plain(draft.title)}** · level {draft.level or 'not set'} · {len(draft.shortlist)} shortlisted "
                f"standard(s) · {len(draft.modules)} module(s) · {len(draft.mapping)} KSB decision(s)"
                + (f" · open from the saved revision {opened.revision}" if opened else ""))
    if not who():
        st.caption("Type your name above to save: it is recorded with the save and with each decision.")
    left, right, _ = st.columns([2, 2, 3])
    if opened and left.button("Save changes", type="primary", disabled=not who(), icon=":material/save:",
                              help="Saves over the open programme, unless someone else saved it since you opened it."):
        _save(lambda: saved_store.save(draft, who()), "Saved.")
    if right.button("Save as a new programme", disabled=not who(), icon=":material/note_add:",
                    type="secondary" if opened else "primary", help="Keeps this work as a new saved programme."):
        _save(lambda: saved_store.create(replace(draft, id=""), who()), "Saved as a new programme.")
    conflict = st.session_state.get("save_conflict")
    if conflict:
        st.error(conflict, icon=":material/sync_problem:")
        st.button("Reload the saved version (your unsaved changes are dropped)", key="reload",
                  on_click=_reload, args=(saved_store,))


def _save(action: Any, message: str) -> None:
    try:
        saved = action()
    except store_module.ConflictError as exc:
        st.session_state["save_conflict"] = str(exc)
        st.rerun()
    except store_module.StoreError as exc:
        st.error(f"Not saved: {exc}", icon=":material/error:")
        return
    st.session_state.pop("save_conflict", None)
    open_programme(saved)
    st.toast(message, icon=":material/check:")
    st.rerun()


def _reload(saved_store: store_module.Store) -> None:
    opened = st.session_state.get("open_programme")
    st.session_state.pop("save_conflict", None)
    if opened:
        open_programme(saved_store.get(opened.id))


def programme_list(saved_store: store_module.Store, snap: snapshot.Snapshot) -> None:
    """Draw the saved programmes as a table; selecting one and pressing Open loads it into the session."""
    programmes = saved_store.programmes()
    if not programmes:
        st.caption("Nothing saved yet.")
        return
    table = pd.DataFrame([{
        "Programme": p.title, "Level": p.level, "Standards": ", ".join(dict.fromkeys(
            [s.reference for s in p.shortlist] + [r.standard for r in p.mapping])),
        "KSBs covered": f"{sum(r.coverage != 'none' for r in p.mapping)}/{len(p.mapping)}" if p.mapping else "—",
        "Change alerts": len(alerts_module.programme_alerts(p, snap)),
        "Last saved": p.updated_at.replace("T", " ")[:16], "By": p.updated_by,
    } for p in programmes])
    st.dataframe(table, hide_index=True, width="stretch")
    labels = {p.id: f"{p.title} — saved {report.when(p.updated_at)} by {p.updated_by}" for p in programmes}
    chosen = st.selectbox("Open a saved programme", list(labels), format_func=labels.get, key="saved_choice",
                          help="Loads it into Match a programme and KSB coverage, and shows its checklist, alerts, "
                               "links and report below.")
    st.button("Open this programme", icon=":material/folder_open:", key="open_saved", on_click=open_programme,
              args=(next(p for p in programmes if p.id == chosen),))


def notes_editor(opened: store_module.SavedProgramme) -> None:
    """Draw the shortlist with an editable note per standard; edits go into the open draft."""
    if not opened.shortlist:
        st.caption("No standards shortlisted. Shortlist candidates on Match a programme.")
        return
    frame = pd.DataFrame([{"Standard": s.reference, "Title": s.title, "Note": s.note} for s in opened.shortlist])
    edited = st.data_editor(frame, key=f"notes_{opened.id}_{opened.revision}", hide_index=True, width="stretch",
                            disabled=["Standard", "Title"],
                            column_config={"Note": st.column_config.TextColumn("Note", width="large",
                                                                               help="Why this standard; what to check.")})
    notes = dict(zip(edited["Standard"], edited["Note"].fillna("")))
    st.session_state["open_programme"] = replace(st.session_state["open_programme"], shortlist=tuple(
        replace(s, note=str(notes.get(s.reference, s.note))) for s in opened.shortlist))


def checklist_editor(opened: store_module.SavedProgramme) -> None:
    """Draw the HTQ readiness prompts of one stage with editable answers and evidence."""
    stage = st.selectbox("Stage", readiness.STAGES, key="checklist_stage",
                         help="The quality stage whose occupational-standard prompts you are answering.")
    done = readiness.progress(opened.answers)
    st.caption(" · ".join(f"{s}: {a}/{n}" for s, (a, n) in done.items()))
    frame = readiness.checklist_frame(opened.answers, stage)
    edited = st.data_editor(
        frame, key=f"checklist_{opened.id}_{opened.revision}_{stage}", hide_index=True, width="stretch",
        disabled=["Prompt", "Stage", "Question", "Answered by", "Answered at"],
        column_config={"Answer": st.column_config.SelectboxColumn("Answer", options=list(readiness.ANSWERS),
                                                                  help="Yes, Partly, No or Not applicable."),
                       "Evidence": st.column_config.TextColumn("Evidence", width="medium",
                                                               help="A link or reference to the paperwork."),
                       "Question": st.column_config.TextColumn("Question", width="large")})
    answers = dict(st.session_state["open_programme"].answers)
    for r in edited.to_dict("records"):
        old = answers.get(r["Prompt"])
        if r["Answer"]:
            answers[r["Prompt"]] = readiness.Answer(r["Prompt"], r["Answer"], str(r["Evidence"] or ""),
                                                    old.answered_by if old else "", old.answered_at if old else "")
        else:
            answers.pop(r["Prompt"], None)
    st.session_state["open_programme"] = replace(st.session_state["open_programme"], answers=answers)
    st.caption(readiness.SOURCE + " Answers are saved with “Save changes”.")


def share_panel(saved_store: store_module.Store, opened: store_module.SavedProgramme) -> None:
    """Draw share-link creation (optionally expiring), the programme's links and revocation."""
    c1, c2 = st.columns([2, 3])
    expires = c1.date_input("Link expires on (optional)", value=None, key="share_expiry", format="DD/MM/YYYY",
                            min_value=date.today(), help="Leave empty for a link that works until you revoke it.")
    if c2.button("Create a read-only link", icon=":material/link:", disabled=not who(),
                 help="Anyone with the link sees the programme read-only; it cannot be guessed."):
        from datetime import datetime, time, timezone

        until = datetime.combine(expires, time(23, 59), timezone.utc) if expires else None
        saved_store.share(opened.id, who(), until)
    links = saved_store.shares(opened.id)
    if not links:
        st.caption("No links yet." if who() else "Type your name above to create a link.")
        return
    from datetime import datetime, timezone

    now = datetime.now(timezone.utc)
    st.dataframe(pd.DataFrame([{
        "Link": share_url(s.token), "Created": s.created_at[:16].replace("T", " "), "By": s.created_by,
        "Expires": (s.expires_at or "never")[:10], "State": "active" if s.active(now) else "revoked or expired",
    } for s in links]), hide_index=True, width="stretch",
        column_config={"Link": st.column_config.LinkColumn("Link", help="Copy it into the committee papers.")})
    active = [s.token for s in links if s.active(now)]
    if active:
        token = st.selectbox("Revoke a link", active, key="revoke_token", format_func=lambda t: f"…{t[-8:]}",
                             help="A revoked link shows “not found” from then on.")
        if st.button("Revoke", icon=":material/link_off:"):
            saved_store.revoke(token)
            st.rerun()


def share_url(token: str) -> str:
    """Return the address of a share link (absolute when the page's own address is known)."""
    base = ""
    try:
        from urllib.parse import urlsplit

        url = st.context.url
        if url:
            parts = urlsplit(url)
            path = parts.path.rsplit("/", 1)[0]
            base = f"{parts.scheme}://{parts.netloc}{path}/"
    except Exception:  # st.context.url is new; a relative link works too
        base = ""
    return f"{base}Committee_view?token={token}"


def delete_panel(saved_store: store_module.Store, opened: store_module.SavedProgramme) -> None:
    """Draw deletion with a confirmation step."""
    confirm = st.checkbox(f"Yes, delete “{opened.title}”, its decisions, answers and share links", key="confirm_delete")
    if st.button("Delete", disabled=not confirm, icon=":material/delete:"):
        saved_store.delete(opened.id)
        st.session_state.pop("open_programme", None)
        st.rerun()


def programme_alerts_panel(opened: store_module.SavedProgramme, snap: snapshot.Snapshot) -> None:
    """Draw what changed in the standards the programme uses, and what to re-check."""
    found = alerts_module.programme_alerts(opened, snap)
    if not found:
        st.success(f"No changes to its standards in the snapshot of {format_date(snap.date)}.",
                   icon=":material/check:")
        return
    st.warning(f"{len(found)} change(s) to the standards this programme uses since it was mapped "
               f"(against the snapshot of {format_date(opened.snapshot_date)}).", icon=":material/update:")
    st.dataframe(alerts_module.alerts_frame(found), hide_index=True, width="stretch")


_PRINT_CSS = """<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"], .stDownloadButton,
  [data-testid="stSidebarCollapsedControl"] { display: none !important; }
  [data-testid="stMain"] { margin: 0 !important; }
}
</style>"""


def print_friendly() -> None:
    """Hide the menus and buttons when the page is printed."""
    st.html(_PRINT_CSS)
