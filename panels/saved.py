"""Streamlit glue for saved programmes: saving, reopening, checklist, alerts, share links, reports."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date
from typing import Any, NoReturn

import pandas as pd
import streamlit as st

from htq import access, catalogue, charts, committee, mapping_sheet, readiness, report, snapshot
from htq import alerts as alerts_module
from htq import coverage as coverage_module
from htq import store as store_module
from panels.coverage import start_mapping
from ui import download, format_date, plain, shortlist, signed_in, snapshot_notes


@st.cache_resource(show_spinner=False)
def _store(url: str) -> store_module.Store:
    saved = store_module.Store(url)
    saved.migrate()
    return saved


def _unavailable(exc: Exception) -> NoReturn:
    st.error(f"Saved programmes are not available: {exc}", icon=":material/error:")
    st.stop()
    raise exc  # st.stop raises; this line is for the type checker


class _PageStore:
    """The store as pages use it: a database failure (full disk, stuck lock, unreachable server) on any
    call is shown as the store's own message and stops the page, instead of a traceback. Conflicts and
    missing programmes pass through: the pages answer those themselves."""

    def __init__(self, store: store_module.Store) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._store, name)
        if not callable(method):
            return method

        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                return method(*args, **kwargs)
            except (store_module.ConflictError, store_module.NotFound):
                raise
            except store_module.StoreError as exc:
                _unavailable(exc)

        return guarded


def store_or_stop() -> store_module.Store:
    """Return the programme store (migrated once per process), or show why it cannot be used and stop."""
    try:
        return _PageStore(_store(store_module.database_url()))  # type: ignore[return-value]
    except store_module.StoreError as exc:
        _unavailable(exc)


def session_programme(snap: snapshot.Snapshot, df: pd.DataFrame) -> store_module.SavedProgramme:
    """Return this session's work as a programme to save: Match, Coverage and the open saved programme."""
    opened: store_module.SavedProgramme | None = st.session_state.get("open_programme")
    base = opened or store_module.SavedProgramme(id="", title="")
    matched = st.session_state.get("match")
    title = st.session_state.get("cov_current_title") or (matched[0].title if matched else "") or base.title
    notes = {
        **st.session_state.get("shortlist_reasons", {}),
        **{s.occupation: s.note for s in base.shortlist if s.note},
    }
    rows = catalogue.related_rows(df, shortlist())
    entries = tuple(
        store_module.ShortlistEntry(
            r.code, r.reference or r.code, r.title, notes.get(r.code, ""), r.version, r.standard_status
        )
        for r in rows.itertuples()
    )
    mapping = st.session_state.get("cov_current_rows")
    return replace(
        base,
        title=title or "Untitled programme",
        level=(matched[0].level if matched else None) or base.level,
        text=(matched[0].text if matched else "") or base.text,
        modules=tuple(st.session_state.get("cov_current_modules") or base.modules),
        shortlist=entries or base.shortlist,
        mapping=tuple(mapping) if mapping is not None else base.mapping,
        snapshot_id=snap.id if mapping is not None else base.snapshot_id,
        snapshot_date=snap.date if mapping is not None else base.snapshot_date,
    )


def open_programme(saved: store_module.SavedProgramme) -> None:
    """Make a saved programme the session's work, so Match and KSB coverage show it."""
    st.session_state["open_programme"] = saved
    st.session_state.pop("shortlist_reasons", None)
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


def committee_downloads(saved: store_module.SavedProgramme, snap: snapshot.Snapshot, key: str) -> None:
    """Draw the committee report downloads (self-contained HTML and XLSX)."""
    notes = snapshot_notes(snap, {"Readiness prompts": readiness.SOURCE, "Report made": store_module.now_text()})

    def html_report() -> bytes:
        tables = committee.tables(saved, snap)
        return report.committee_html(tables, committee.read_first(saved, tables), notes, committee.EMPTY)

    left, right, _ = st.columns([2, 2, 3])
    download(
        left,
        "Committee report (.html)",
        html_report,
        "committee-report.html",
        f"{key}_html",
        "One self-contained page: open it in a browser, print it or attach it.",
    )
    download(
        right,
        "Committee report (.xlsx)",
        lambda: report.committee_xlsx(
            committee.tables(saved, snap),
            mapping_sheet.mapping_frame(saved.mapping, saved.modules),
            mapping_sheet.structure_frame(saved.modules),
            notes,
        ),
        "committee-report.xlsx",
        f"{key}_xlsx",
        "The same tables, with the KSB mapping and qualification structure sheets.",
    )


COMMITTEE_HEADINGS = {
    "Candidate standards": "Candidate standards",
    "KSB lists": "KSB lists mapped",
    "Coverage": "KSB coverage",
    "Criteria checks": "Approval criteria checks",
    "Gaps": "Gaps",
    "Change alerts": "Change alerts",
    "Review and revision": "Review and revision of the standards",
    "Readiness checklist": "HTQ readiness checklist",
}


def committee_view(saved: store_module.SavedProgramme, snap: snapshot.Snapshot) -> None:
    """Draw a saved programme read-only, for a committee: what to read first, then every report section."""
    tables = committee.tables(saved, snap)
    for line in committee.read_first(saved, tables):
        st.warning(plain(line), icon=":material/priority_high:")
    st.table(tables["Summary"].set_index("Item"))
    for name, heading in COMMITTEE_HEADINGS.items():
        frame = tables[name]
        st.subheader(heading)
        if frame.empty:
            st.caption(committee.EMPTY[name])
            continue
        if name == "Coverage":
            st.caption(
                "Full, Partial and None count rows the team has reviewed; rows still proposed by the tool "
                "are counted apart and never as coverage."
            )
            chart, table = st.tabs(["Chart", "Table"])
            chart.plotly_chart(
                charts.totals_figure(frame), width="stretch", config={"displaylogo": False, "staticPlot": True}
            )
            table.table(frame.set_index("Standard"))
            continue
        if name == "Change alerts":
            st.warning("Standards this programme uses have changed since it was mapped.", icon=":material/update:")
        st.table(frame.set_index(frame.columns[0]))
    st.caption(readiness.SOURCE)


def current_user(saved_store: store_module.Store) -> access.User:
    """Return who is using the app: the signed-in identity with its role (recorded as a member on first
    sign-in), or in single-user local mode the name typed on the page."""
    person = signed_in()
    if person is None:
        return access.local_user(str(st.session_state.get("who") or ""))
    email, name = person
    cached = st.session_state.get("signed_in_role")
    if not cached or cached[0] != email:
        cached = (email, saved_store.sign_in(email, name))
        st.session_state["signed_in_role"] = cached
    return access.User(email=email.lower(), name=name, role=cached[1])


def who() -> str:
    """Return the name recorded with saves, decisions and answers: the signed-in identity, or in local mode
    the name typed on the page ('' if none)."""
    person = signed_in()
    if person is not None:
        return access.User(person[0].lower(), person[1]).label
    return str(st.session_state.get("who") or "").strip()


def opened_access(saved_store: store_module.Store) -> tuple[store_module.SavedProgramme | None, dict[str, str], bool]:
    """Return the programme open in this session, its owner and editors, and whether the current user may
    change, share or delete it (read once per page run, for every panel that needs it)."""
    opened = st.session_state.get("open_programme")
    if opened is None or not opened.id:
        return opened, {}, False
    people = saved_store.people(opened.id)
    return opened, people, current_user(saved_store).can_edit(people)


def save_panel(saved_store: store_module.Store, snap: snapshot.Snapshot, df: pd.DataFrame, editable: bool) -> None:
    """Draw what this session holds and the buttons to save it (new, or over the open programme, when
    `editable`)."""
    draft = session_programme(snap, df)
    opened = st.session_state.get("open_programme")
    st.markdown(
        f"**{plain(draft.title)}** · level {draft.level or 'not set'} · {len(draft.shortlist)} shortlisted "
        f"standard(s) · {len(draft.modules)} module(s) · {len(draft.mapping)} KSB decision(s)"
        + (f" · open from the saved revision {opened.revision}" if opened else "")
    )
    user = current_user(saved_store)
    if not who():
        st.caption("Type your name above to save: it is recorded with the save and with each decision.")
    if opened and not editable:
        st.caption("You can read this programme; only its owner, its editors and administrators can change it.")
    if not user.can_create():
        st.caption("Your role is viewer: an administrator can make you an editor so you can save programmes.")
    left, right, _ = st.columns([2, 2, 3])
    if opened and left.button(
        "Save changes",
        type="primary",
        disabled=not who() or not editable,
        icon=":material/save:",
        help="Saves over the open programme, unless someone else saved it since you opened it.",
    ):
        _save(lambda: saved_store.save(draft, who()), "Saved.")
    if right.button(
        "Save as a new programme",
        disabled=not who() or not user.can_create(),
        icon=":material/note_add:",
        type="secondary" if opened else "primary",
        help="Keeps this work as a new saved programme, with you as its owner.",
    ):
        _save(lambda: saved_store.create(replace(draft, id=""), who(), owner=user.email), "Saved as a new programme.")
    conflict = st.session_state.get("save_conflict")
    if conflict:
        st.error(conflict, icon=":material/sync_problem:")
        st.button(
            "Reload the saved version (your unsaved changes are dropped)",
            key="reload",
            on_click=_reload,
            args=(saved_store,),
        )


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
    table = pd.DataFrame(
        [
            {
                "Programme": p.title,
                "Level": p.level,
                "Standards": ", ".join(
                    dict.fromkeys([s.reference for s in p.shortlist] + [r.standard for r in p.mapping])
                ),
                "KSBs covered": f"{sum(r.coverage != 'none' for r in p.mapping)}/{len(p.mapping)}"
                if p.mapping
                else "—",
                "Change alerts": len(alerts_module.programme_alerts(p, snap)),
                "Last saved": p.updated_at.replace("T", " ")[:16],
                "By": p.updated_by,
            }
            for p in programmes
        ]
    )
    st.dataframe(table, hide_index=True, width="stretch")
    labels = {p.id: f"{p.title} — saved {report.when(p.updated_at)} by {p.updated_by}" for p in programmes}
    chosen = st.selectbox(
        "Open a saved programme",
        list(labels),
        format_func=lambda key: labels[key],
        key="saved_choice",
        help="Loads it into Match a programme and KSB coverage, and shows its checklist, alerts, "
        "links and report below.",
    )
    st.button(
        "Open this programme",
        icon=":material/folder_open:",
        key="open_saved",
        on_click=open_programme,
        args=(next(p for p in programmes if p.id == chosen),),
    )


def notes_editor(opened: store_module.SavedProgramme) -> None:
    """Draw the shortlist with an editable note per standard; edits go into the open draft."""
    if not opened.shortlist:
        st.caption("No standards shortlisted. Shortlist candidates on Match a programme.")
        return
    frame = pd.DataFrame([{"Standard": s.reference, "Title": s.title, "Note": s.note} for s in opened.shortlist])
    edited = st.data_editor(
        frame,
        key=f"notes_{opened.id}_{opened.revision}",
        hide_index=True,
        width="stretch",
        disabled=["Standard", "Title"],
        column_config={
            "Note": st.column_config.TextColumn("Note", width="large", help="Why this standard; what to check.")
        },
    )
    notes = dict(zip(edited["Standard"], edited["Note"].fillna(""), strict=True))
    st.session_state["open_programme"] = replace(
        st.session_state["open_programme"],
        shortlist=tuple(replace(s, note=str(notes.get(s.reference, s.note))) for s in opened.shortlist),
    )


def checklist_editor(opened: store_module.SavedProgramme, snap: snapshot.Snapshot) -> None:
    """Draw the HTQ readiness prompts of one stage with editable answers and evidence."""
    stage = st.selectbox(
        "Stage",
        readiness.STAGES,
        key="checklist_stage",
        help="The quality stage whose occupational-standard prompts you are answering.",
    )
    if stage == readiness.PROMPT["D1b"].stage:
        with st.expander(
            "For D1b: what the sources say about the reapproval of this programme's standards", icon=":material/event:"
        ):
            st.dataframe(committee.schedule(opened, snap), hide_index=True, width="stretch")
            st.caption(
                "Stage and dates come from the occupational maps and, after a refresh, the standards API; "
                "“unknown” means this snapshot does not have the date."
            )
    done = readiness.progress(opened.answers)
    st.caption(" · ".join(f"{s}: {a}/{n}" for s, (a, n) in done.items()))
    frame = readiness.checklist_frame(opened.answers, stage)
    edited = st.data_editor(
        frame,
        key=f"checklist_{opened.id}_{opened.revision}_{stage}",
        hide_index=True,
        width="stretch",
        disabled=["Prompt", "Stage", "Question", "Answered by", "Answered at"],
        column_config={
            "Answer": st.column_config.SelectboxColumn(
                "Answer", options=list(readiness.ANSWERS), help="Yes, Partly, No or Not applicable."
            ),
            "Evidence": st.column_config.TextColumn(
                "Evidence", width="medium", help="A link or reference to the paperwork."
            ),
            "Question": st.column_config.TextColumn("Question", width="large"),
        },
    )
    answers = dict(st.session_state["open_programme"].answers)
    for r in edited.to_dict("records"):
        old = answers.get(r["Prompt"])
        if r["Answer"]:
            answers[r["Prompt"]] = readiness.Answer(
                r["Prompt"],
                r["Answer"],
                str(r["Evidence"] or ""),
                old.answered_by if old else "",
                old.answered_at if old else "",
            )
        else:
            answers.pop(r["Prompt"], None)
    st.session_state["open_programme"] = replace(st.session_state["open_programme"], answers=answers)
    st.caption(readiness.SOURCE + " Answers are saved with “Save changes”.")


def share_panel(saved_store: store_module.Store, opened: store_module.SavedProgramme, editable: bool) -> None:
    """Draw share-link creation (labelled, optionally expiring), the new link once, the links and revocation."""
    if not editable:
        st.caption("Only the programme's owner, its editors and administrators can make or revoke its share links.")
        return
    c1, c2, c3 = st.columns([2, 2, 2])
    label = c1.text_input(
        "What the link is for",
        key="share_label",
        max_chars=200,
        placeholder="e.g. Validation panel, 12 March",
        help="Shown in the list of links, so you know which one to revoke.",
    )
    expires = c2.date_input(
        "Link expires on (optional)",
        value=None,
        key="share_expiry",
        format="DD/MM/YYYY",
        min_value=date.today(),
        help="Leave empty for a link that works until you revoke it.",
    )
    if c3.button(
        "Create a read-only link",
        icon=":material/link:",
        disabled=not who(),
        help="Anyone with the link sees this programme read-only and nothing else; it cannot be guessed.",
    ):
        from datetime import datetime, time

        until = datetime.combine(expires, time(23, 59), UTC) if expires else None
        made = saved_store.share(opened.id, who(), until, label=label)
        st.session_state["new_share_link"] = (opened.id, share_url(made.token))
    new = st.session_state.get("new_share_link")
    if new and new[0] == opened.id:
        st.success(
            "Link created. Copy it now: for safety only a fingerprint of it is kept, so it cannot be shown "
            "again (make a new one if it is lost).",
            icon=":material/link:",
        )
        st.code(new[1], language=None, wrap_lines=True)
    links = saved_store.shares(opened.id)
    if not links:
        st.caption("No links yet." if who() else "Type your name above to create a link.")
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Label": s.label or "—",
                    "Created": s.created_at[:16].replace("T", " "),
                    "By": s.created_by,
                    "Expires": (s.expires_at or "never")[:10],
                    "State": s.state,
                    "Fingerprint": s.id[:8],
                }
                for s in links
            ]
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "Fingerprint": st.column_config.TextColumn(
                "Fingerprint", help="The first characters of the link's stored fingerprint, to tell links apart."
            )
        },
    )
    active = {s.id: s for s in links if s.state == "active"}
    if active:
        chosen = st.selectbox(
            "Revoke a link",
            list(active),
            key="revoke_token",
            format_func=lambda k: f"{active[k].label or 'unlabelled'} · made {active[k].created_at[:10]} · {k[:8]}",
            help="A revoked link shows “not found” from then on.",
        )
        if st.button("Revoke", icon=":material/link_off:"):
            saved_store.revoke(chosen)
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


def delete_panel(saved_store: store_module.Store, opened: store_module.SavedProgramme, editable: bool) -> None:
    """Draw deletion with a confirmation step (undoable for access.UNDO_DAYS days)."""
    if not editable:
        st.caption("Only the programme's owner, its editors and administrators can delete it.")
        return
    confirm = st.checkbox(f"Yes, delete “{opened.title}” (its share links stop working at once)", key="confirm_delete")
    st.caption(f"A deleted programme can be restored for {access.UNDO_DAYS} days, under “Recently deleted”.")
    if st.button("Delete", disabled=not confirm, icon=":material/delete:"):
        saved_store.delete(opened.id, by=who())
        st.session_state.pop("open_programme", None)
        st.rerun()


def recently_deleted(saved_store: store_module.Store) -> None:
    """Draw the programmes deleted within the undo window, with a Restore button each (administrators)."""
    if not current_user(saved_store).can_administer():
        return
    gone = saved_store.deleted()
    if not gone:
        return
    with st.expander(f"Recently deleted ({len(gone)})", icon=":material/restore_from_trash:"):
        for row in gone:
            left, right = st.columns([4, 1])
            left.markdown(
                f"{plain(row['title'])} — deleted {report.when(row['deleted_at'])} by "
                f"{plain(row['deleted_by'] or 'unknown')}"
            )
            if right.button(
                "Restore",
                key=f"restore_{row['id']}",
                icon=":material/restore:",
                help="Brings the programme back, with its share links.",
            ):
                saved_store.restore(row["id"])
                st.rerun()


def people_panel(
    saved_store: store_module.Store, opened: store_module.SavedProgramme, people: dict[str, str], editable: bool
) -> None:
    """Draw who owns and edits the programme; its owner, editors and administrators can add editors."""
    if people:
        st.table(pd.DataFrame({"E-mail": list(people), "Part": list(people.values())}).set_index("E-mail"))
    else:
        st.caption("No owner is recorded (saved in single-user local mode).")
    if not signed_in() or not editable:
        return
    left, right = st.columns([3, 1])
    email = left.text_input("Colleague's e-mail", key="editor_email", help="They can change, share and delete it.")
    if right.button("Add as editor", icon=":material/person_add:", disabled="@" not in email):
        saved_store.set_person(opened.id, email, access.CO_EDITOR)
        st.rerun()


def members_panel(saved_store: store_module.Store) -> None:
    """Draw the installation's members and roles, for administrators to change (sign-in mode only)."""
    if not signed_in() or not current_user(saved_store).can_administer():
        return
    with st.expander("Members and roles (administrators)", icon=":material/manage_accounts:"):
        st.caption(
            "Administrators manage members and refresh the data; editors save programmes and change their "
            "own; viewers read every programme. Anyone your institution signs in starts as a viewer."
        )
        members = saved_store.members()
        if members:
            st.dataframe(pd.DataFrame(members), hide_index=True, width="stretch")
        c1, c2, c3 = st.columns([3, 2, 1])
        email = c1.text_input("E-mail", key="member_email", help="The address your identity provider gives.")
        role = c2.selectbox("Role", access.ROLES, index=1, key="member_role", help="What they may do here.")
        if c3.button("Set role", icon=":material/how_to_reg:", disabled="@" not in email):
            saved_store.set_member(email, role, by=who())
            st.rerun()


def programme_alerts_panel(opened: store_module.SavedProgramme, snap: snapshot.Snapshot) -> None:
    """Draw what changed in the standards the programme uses, and what to re-check."""
    found = alerts_module.programme_alerts(opened, snap)
    if not found:
        st.success(f"No changes to its standards in the snapshot of {format_date(snap.date)}.", icon=":material/check:")
        return
    st.warning(
        f"{len(found)} change(s) to the standards this programme uses since it was mapped "
        f"(against the snapshot of {format_date(opened.snapshot_date)}).",
        icon=":material/update:",
    )
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
