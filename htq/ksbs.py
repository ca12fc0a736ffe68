"""KSB lists that do not come from the snapshot: imported from a KSB sheet (.xlsx/.csv) or pasted."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from htq import documents
from htq.errors import HTQError
from htq.model import KSB_PREFIX, Ksb, StandardContent

CODE_COLUMNS = ("code", "ksb", "ksb code", "ref", "reference", "id")
TEXT_COLUMNS = ("statement", "text", "description", "ksb statement", "detail", "knowledge skill or behaviour")
_CODE = re.compile(r"^\s*([KSB])\s*(\d{1,3})\b\s*[:.\-–—)]?\s*(.*)$", re.I)


class KsbError(HTQError):
    """A KSB list cannot be read; the message is meant for the user."""


def _key(text: object) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", str(text).lower()).split())


def _find(headers: Iterable[str], names: tuple[str, ...]) -> str | None:
    keyed = {_key(h): h for h in headers}
    return next((keyed[n] for n in names if n in keyed), None)


def normalise_code(code: str) -> str | None:
    """Return 'K3' for ' k 3 ', or None when the text is not a KSB code."""
    m = _CODE.match(str(code or ""))
    return f"{m.group(1).upper()}{int(m.group(2))}" if m and not m.group(3).strip() else None


def content(reference: str, title: str, ksbs: list[Ksb], source: str, version: str | None = None) -> StandardContent:
    """Return a StandardContent for an imported list, refusing an empty one or duplicate codes."""
    if not ksbs:
        raise KsbError(f"No KSBs found for {reference}: each needs a code such as K1, S2 or B3 and a statement.")
    seen: dict[str, int] = {}
    for k in ksbs:
        seen[k.code] = seen.get(k.code, 0) + 1
    twice = [c for c, n in seen.items() if n > 1]
    if twice:
        raise KsbError(f"The KSB list for {reference} has these codes more than once: {', '.join(twice[:8])}.")
    return StandardContent(
        reference=reference,
        title=title,
        version=version,
        complete=False,
        ksbs=tuple(ksbs),
        source=source,
        note="Imported by the user; completeness not checked.",
    )


def from_rows(
    rows: Sequence[Mapping[str, object]],
    reference: str,
    title: str = "",
    where: str = "The sheet",
    version: str | None = None,
) -> StandardContent:
    """Return the KSBs in sheet rows with a code column and a statement column."""
    if not rows:
        raise KsbError(f"{where} has no rows.")
    headers = list(rows[0].keys())
    code_col, text_col = _find(headers, CODE_COLUMNS), _find(headers, TEXT_COLUMNS)
    missing = [name for name, col in (("code", code_col), ("statement", text_col)) if col is None]
    if missing:
        raise KsbError(
            f"{where} has no {' and no '.join(missing)} column (found: "
            f"{', '.join(str(h) for h in headers)}). Name them “Code” and “Statement”."
        )
    assert code_col is not None and text_col is not None  # both found, or KsbError above
    ksbs = []
    for n, row in enumerate(rows, start=2):
        raw_code, text = str(row.get(code_col) or "").strip(), " ".join(str(row.get(text_col) or "").split())
        if not raw_code and not text:
            continue
        code = normalise_code(raw_code)
        if code is None:
            raise KsbError(f"{where}, row {n}: “{raw_code}” is not a KSB code (K1, S2, B3…).")
        if not text:
            raise KsbError(f"{where}, row {n}: {code} has no statement.")
        ksbs.append(Ksb(code, KSB_PREFIX[code[0]], text))
    return content(reference, title or reference, ksbs, f"imported from {where}", version)


def from_text(text: str, reference: str, title: str = "") -> StandardContent:
    """Return KSBs pasted as lines "K1 statement" (or "K1: …", "K1 - …"); other lines continue the last."""
    ksbs: list[Ksb] = []
    for line in str(text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        m = _CODE.match(line)
        if m and m.group(3).strip():
            code = f"{m.group(1).upper()}{int(m.group(2))}"
            ksbs.append(Ksb(code, KSB_PREFIX[code[0]], " ".join(m.group(3).split())))
        elif ksbs:
            last = ksbs[-1]
            ksbs[-1] = Ksb(last.code, last.kind, f"{last.text} {' '.join(line.split())}")
    return content(reference, title or reference, ksbs, "pasted by the user")


def read_sheet(blob: bytes, filename: str, reference: str, title: str = "") -> StandardContent:
    """Return the KSBs in an uploaded KSB sheet (.xlsx or .csv)."""
    name = f"“{filename}”"
    if not filename.lower().endswith(documents.SHEET_SUFFIXES):
        raise KsbError(f"{name}: upload the KSB sheet as .xlsx or .csv.")
    return from_rows(documents.sheet_rows(blob, filename), reference, title, name)


THIRD_PARTY = "Copied from a third-party publication"


def provenance(content: StandardContent, standard_version: str | None) -> list[str]:
    """Return, in plain English, what a user must know before relying on a KSB list: whose copy it
    is, which version it is against the standard's current one, and whether it is complete."""
    out = []
    if content.version and standard_version and content.version != standard_version:
        out.append(
            f"These KSBs are version {content.version}; the standard is now at version {standard_version} — "
            "check the official page before submitting."
        )
    elif not content.version:
        now = f"; the standard is now at version {standard_version}" if standard_version else ""
        out.append(
            f"The source of these KSBs does not say which version of the standard they belong to{now} — "
            "check the official page before submitting."
        )
    if not content.complete:
        what = f" Missing: {content.note}" if content.note else ""
        out.append(
            f"This list is partial, so coverage of {content.reference} can never be shown as complete from it.{what}"
        )
    if content.source.startswith(THIRD_PARTY):
        out.append(content.source if content.source.endswith(".") else content.source + ".")
    return out


def blank_sheet_xlsx(reference: str, title: str) -> bytes:
    """Return an empty KSB sheet (Code / Type / Statement) to fill from the standard's page and import."""
    import pandas as pd

    from htq.report import write_workbook

    about = pd.DataFrame(
        {
            "About": [
                f"KSBs of {reference} {title}".strip(),
                "Copy each knowledge (K), skill (S) and behaviour (B) statement from the standard's page on the Skills "
                "England website, one per row, then import this file on the KSB coverage page.",
            ]
        }
    )
    return write_workbook({"KSBs": pd.DataFrame(columns=["Code", "Type", "Statement"]), "About": about})
