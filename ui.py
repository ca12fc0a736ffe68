"""The Streamlit glue every page shares: page set-up, cached loaders, URL state, downloads, text.

Screen-specific widgets live in panels/ (one module per screen).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from htq import catalogue, changes, match, report, snapshot
from htq.text import FieldIndex

APP_NAME = "HTQ Standards Explorer"
ROOT = Path(__file__).resolve().parent

# label, file, icon, one-line description (shown in the sidebar and on the home page)
PAGES: tuple[tuple[str, str, str, str], ...] = (
    ("Home", "app.py", ":material/home:", "What the tool does and the data behind it."),
    (
        "Explore routes",
        "pages/1_Explore_routes.py",
        ":material/account_tree:",
        "The occupational map as pictures: routes, pathways, clusters and levels.",
    ),
    (
        "Find standards",
        "pages/2_Find_standards.py",
        ":material/search:",
        "Filter and search every standard; download the list; share the link.",
    ),
    (
        "Standard",
        "pages/3_Standard.py",
        ":material/description:",
        "One standard in full: HTQ eligibility and why, HTQs already approved, KSBs.",
    ),
    (
        "Match a programme",
        "pages/4_Match_programme.py",
        ":material/join_inner:",
        "Paste or upload a programme; get the standards it could align to, with reasons.",
    ),
    (
        "KSB coverage",
        "pages/5_KSB_coverage.py",
        ":material/fact_check:",
        "Map modules to a standard's KSBs; review the proposal; export the KSB mapping sheet.",
    ),
    (
        "What changed",
        "pages/6_What_changed.py",
        ":material/update:",
        "New, retired and revised standards and their KSB changes between snapshots.",
    ),
    (
        "Saved programmes",
        "pages/7_Saved_programmes.py",
        ":material/folder_open:",
        "Save and reopen programmes; readiness checklist; change alerts; share links; committee report.",
    ),
    (
        "Portfolio",
        "pages/8_Portfolio.py",
        ":material/dashboard:",
        "Every saved programme by route and standard: coverage, overlaps, alerts and standards nobody serves yet.",
    ),
    (
        "Committee view",
        "pages/90_Committee_view.py",
        ":material/groups:",
        "A saved programme, read-only, opened from its share link.",
    ),
    ("About", "pages/9_About.py", ":material/info:", "Data provenance, licence, method and accessibility."),
)
PAGE = {label: file for label, file, _, _ in PAGES}
HIDDEN_PAGES = ("Standard", "Committee view")


def setup_page(
    title: str, icon: str = ":material/school:", navigation: bool = True
) -> tuple[snapshot.Snapshot, pd.DataFrame]:
    """Configure the browser tab, draw the shared sidebar, and return the snapshot and its frame.

    `navigation=False` (the committee view a share link opens) draws no sidebar and no links to the
    other pages. Stops the page with a clear message when the snapshot cannot be loaded.
    """
    st.set_page_config(
        page_title=f"{title} · {APP_NAME}",
        page_icon=icon,
        layout="wide",
        initial_sidebar_state="auto" if navigation else "collapsed",
    )
    if navigation:
        _refuse_open_local_mode()
        _sign_in_gate(title)
        with st.sidebar:
            st.markdown(f"**{APP_NAME}**")
            for label, file, page_icon, description in PAGES:
                if label in HIDDEN_PAGES:
                    continue  # reached from a result or a link, not on their own
                st.page_link(file, label=label, icon=page_icon, help=description)
            _identity_box()
    snap, df = load_or_stop()
    if navigation:
        st.sidebar.caption(f"Data: Skills England snapshot of {format_date(snap.date)}.")
    age = snapshot.age_days(snap)
    if age is not None and age > snapshot.STALE_AFTER_DAYS:
        st.warning(
            f"The data is from {format_date(snap.date)}, {age} days ago. Standards may have been revised, "
            "retired or added since: check a standard's official Skills England page before you submit. "
            "Your administrator can refresh the data from Skills England (About, For administrators).",
            icon=":material/schedule:",
        )
    latest = recent_changes() if navigation else None
    if latest is not None:
        st.info(f"{changes.summary(latest)} See **What changed**.", icon=":material/update:")
    return snap, df


# With an [auth] section in .streamlit/secrets.toml (Streamlit's own OIDC sign-in, st.login), every
# page but the committee view a share link opens asks people to sign in. Without it the app runs
# in single-user local mode and serves only this computer unless HTQ_ALLOW_OPEN=1 says otherwise.

LOOPBACK = ("127.0.0.1", "localhost", "::1")
ALLOW_OPEN_ENV = "HTQ_ALLOW_OPEN"


def auth_configured() -> bool:
    """Return whether sign-in is configured (an [auth] section in Streamlit's secrets)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises rather than answer
        return False


def signed_in() -> tuple[str, str] | None:
    """Return (e-mail, name) of the person signed in, or None (not signed in, or local mode)."""
    if not auth_configured() or not st.user.get("is_logged_in"):
        return None
    email = str(st.user.get("email") or st.user.get("sub") or "").strip()
    return email, str(st.user.get("name") or email).strip()


def _refuse_open_local_mode() -> None:
    address = st.get_option("server.address")
    if auth_configured() or address in LOOPBACK or os.environ.get(ALLOW_OPEN_ENV) == "1":
        return
    st.title("Sign-in is not configured")
    st.error(
        f"This installation has no sign-in, so it serves only the computer it runs on; it is listening on "
        f"{address or 'every network address'}. Your administrator can configure sign-in (About, For "
        f"administrators) or, on a private network, set {ALLOW_OPEN_ENV}=1.",
        icon=":material/lock:",
    )
    st.stop()


def _sign_in_gate(title: str) -> None:
    if not auth_configured() or st.user.get("is_logged_in"):
        return
    st.title(title)
    st.info(
        "Sign in with your institution's account to use the HTQ Standards Explorer. Committee members with a "
        "share link do not need to sign in.",
        icon=":material/lock:",
    )
    st.button(
        "Sign in",
        type="primary",
        icon=":material/login:",
        on_click=st.login,
        help="Opens your institution's sign-in page, then brings you back here.",
    )
    footer()
    st.stop()


def _identity_box() -> None:
    person = signed_in()
    if person:
        st.caption(f"Signed in as {plain(person[1])} ({plain(person[0])}).")
        st.button(
            "Sign out",
            icon=":material/logout:",
            on_click=st.logout,
            key="sign_out",
            help="Ends your session in this browser.",
        )
    else:
        st.caption("Single-user local mode: no sign-in is configured, and the app serves only this computer.")


def footer(licence: bool = True) -> None:
    """Draw the attribution every page carries (About states the licence itself, so says it once)."""
    st.divider()
    st.caption(
        (f"{snapshot.OGL_ATTRIBUTION} " if licence else "") + "Source: Skills England occupational maps and "
        "apprenticeship standards. See About for provenance and method."
    )


def format_date(value: str | date | pd.Timestamp | None) -> str:
    """Return a date as '6 July 2026', or 'unknown'."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return "unknown"
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        return str(value)
    return "unknown" if pd.isna(stamp) else f"{stamp.day} {stamp:%B %Y}"


def data_dir() -> Path:
    """Return the data folder in use."""
    return snapshot.default_data_dir()


# cache_resource, not cache_data: cache_data would unpickle a fresh copy of the 3 MB snapshot on
# every rerun (measured: 50 ms of a 110 ms filter change). The snapshot is frozen dataclasses and
# the frame is only ever read; pandas copy-on-write turns any accidental write into a new copy.
@st.cache_resource(show_spinner="Loading the standards snapshot…", max_entries=3)
def _load(version: str) -> tuple[snapshot.Snapshot, pd.DataFrame]:
    snap = snapshot.load(data_dir())
    return snap, catalogue.frame(snap)


@st.cache_resource(show_spinner="Indexing standards for search…", max_entries=3)
def _search_index(version: str) -> FieldIndex:
    _, df = _load(version)
    return catalogue.search_index(df)


def _version() -> str:
    return snapshot.version_key(data_dir())


def load_or_stop() -> tuple[snapshot.Snapshot, pd.DataFrame]:
    """Return the snapshot and its catalogue frame, or show a clear error and stop the page."""
    try:
        return _load(_version())
    except snapshot.SnapshotError as exc:
        st.error(f"The standards data cannot be loaded, so this page cannot be shown. {exc}", icon=":material/error:")
        st.info(
            "If you cloned the project, restore the data folder with `git checkout -- data`; "
            "if a refresh was interrupted, the previous snapshot is still in `data/snapshots/`."
        )
        st.stop()
        raise  # unreachable: st.stop() ends the run


@st.cache_resource(max_entries=3)
def _recent_changes(version: str) -> changes.Changes | None:
    previous = snapshot.previous_id(data_dir())
    if previous is None:
        return None
    return changes.diff(snapshot.load_id(data_dir(), previous), _load(version)[0])


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
    kind: str = "str"  # "str", "int", "bool", "strs", "ints", "date"
    choices: Sequence[Any] | None = None

    def read(self, params: Any) -> Any:
        """Return the value the URL gives, or the default when absent or unusable."""
        if self.key not in params:
            return self.default
        values = list(params.get_all(self.key))
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
            value = int(values[-1]) if self.kind == "int" else values[-1]
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


_DOWNLOAD_KINDS = {  # suffix -> (MIME type, icon)
    ".csv": ("text/csv", ":material/download:"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ":material/table_view:"),
    ".html": ("text/html", ":material/description:"),
}


def download(where: Any, label: str, data: Any, file_name: str, key: str, help: str) -> None:
    """Draw one download button in `where` (st or a column); `data` is bytes, or a function that makes
    them when clicked. The MIME type and icon follow the file's suffix.

    The click does not rerun the page (on_click="ignore"). A file made when clicked is registered
    under a placeholder id for one script run; with the default on_click="rerun" the click's own
    rerun could finish and drop that id before the browser fetched it, and the button spun with
    "MediaFileStorageError: Deferred file … not found" in the server log (7 of 16 clicks in
    bench/download_probe.py; 0 of 16 since).
    """
    mime, icon = _DOWNLOAD_KINDS[Path(file_name).suffix]
    where.download_button(label, data, file_name=file_name, mime=mime, icon=icon, key=key, help=help, on_click="ignore")


def download_buttons(df: pd.DataFrame, stem: str, title: str, notes: dict[str, str], key: str) -> None:
    """Draw CSV and Excel download buttons for a table (files are made when clicked, not on every rerun)."""
    left, right, _ = st.columns([1, 1, 4])
    download(
        left,
        "Download CSV",
        lambda: report.table_csv(df),
        f"{stem}.csv",
        f"{key}_csv",
        "The rows shown, as a comma-separated file for any spreadsheet.",
    )
    download(
        right,
        "Download Excel",
        lambda: report.table_xlsx(df, title, notes),
        f"{stem}.xlsx",
        f"{key}_xlsx",
        "The rows shown as an Excel workbook, with a sheet saying where the data came from.",
    )


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
            "Occupation",
            display_text=r"code=(.*)$",
            help="The occupation code; opens the standard's page.",
            width="small",
        ),
        "Standard": st.column_config.TextColumn("Standard", help="The standard's reference (ST####).", width="small"),
        "Occupational map": st.column_config.LinkColumn(
            "Occupational map",
            display_text="Skills England map entry",
            help="The occupation's official entry on Skills England's occupational maps (opens their site).",
        ),
        "Standard page": st.column_config.LinkColumn(
            "Standard page",
            help="The standard's page on the Skills England website, where this snapshot knows "
            "its address; otherwise it says so.",
        ),
        "Title": st.column_config.TextColumn("Title", width="large"),
        "Level": st.column_config.NumberColumn("Level", format="%d", width="small"),
        "Status date": st.column_config.DateColumn(
            "Status date", format="D MMM YYYY", help="When the occupation's status last changed."
        ),
        "Review stage": st.column_config.TextColumn(
            "Review stage",
            help="Approved for delivery, in revision, paused, in development, retired or withdrawn, "
            "from the standard's status.",
        ),
        "Last updated": st.column_config.DateColumn(
            "Last updated",
            format="D MMM YYYY",
            help="The latest date any source gives for a change to the standard; blank where none is known.",
        ),
        "HTQ eligibility": st.column_config.TextColumn(
            "HTQ eligibility",
            help="Eligible, eligible but check first (cautions apply), or not eligible. "
            "The standard's page gives the reasons.",
        ),
        "Approved HTQs": st.column_config.NumberColumn(
            "Approved HTQs", format="%d", help="HTQs already approved against this occupation."
        ),
        "Relevance": st.column_config.ProgressColumn(
            "Relevance",
            min_value=0.0,
            max_value=1.0,
            format="%.2f",
            help="How well the row matches the search (1 = best).",
        ),
    }


_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]<>()#+-.!|~$"})


def plain(text: str | None) -> str:
    """Return source or user text escaped so Streamlit shows it as typed, never as markup."""
    return (text or "").translate(_MARKDOWN_SPECIAL)


def source_names(snap: snapshot.Snapshot) -> dict[str, str]:
    """Return source id -> short readable source name for the snapshot."""
    return {k: v.get("short") or v.get("name", k) for k, v in snap.data.sources.items()}


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


def model_notice() -> None:
    """Show, when the meaning model cannot be used, that matching and coverage rest on words alone."""
    notice = match_index().notice
    if notice:
        st.warning(notice, icon=":material/warning:")


def shortlist() -> list[str]:
    """Return the OCC codes the user has shortlisted in this session, in the order chosen."""
    return st.session_state.setdefault("shortlist", [])


def shortlist_references(df: pd.DataFrame) -> list[str]:
    """Return the ST references of the session's shortlist, in order, without repeats."""
    rows = catalogue.related_rows(df, shortlist())
    return list(dict.fromkeys(r for r in rows["reference"] if r))
