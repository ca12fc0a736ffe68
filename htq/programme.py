"""A programme's structure: modules with level, credits, core/optional, outcomes and assessment.

Read from an editable table, pasted text, a programme specification (.docx/.pdf/.txt) or a
spreadsheet (.xlsx/.csv, read by htq.documents). Every failure here is a ProgrammeError whose
message names the problem; a file that cannot be read at all is a DocumentError.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from htq import documents
from htq.errors import HTQError

# Header names people use for each field (compared lower-case, punctuation ignored).
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "code": ("code", "module code", "unit code", "module id", "ref", "reference"),
    "title": ("title", "module", "module title", "module name", "name", "unit", "unit title"),
    "level": ("level", "fheq level", "module level"),
    "credits": ("credits", "credit", "credit value", "credit points"),
    "core": ("core optional", "core", "status", "type", "compulsory", "core or optional", "optional"),
    "outcomes": ("outcomes", "learning outcomes", "los", "outcome", "learning outcome", "description"),
    "assessment": ("assessment", "assessments", "assessment method", "assessment methods"),
}
REQUIRED_COLUMNS = ("title",)
# Bounds on what one programme may hold, so a hostile upload costs bounded time and memory. Real
# HTQs have 6-30 modules and a few hundred outcomes.
MAX_MODULES = 300
MAX_OUTCOMES = 3_000
OPTIONAL_WORDS = ("optional", "option", "elective")

_HEADER = re.compile(r"^(?P<code>[A-Z]{2,6}[ -]?\d{2,5}[A-Z]?)\b[\s:.\-–—]*(?P<title>.*)$")
_MODULE_WORD = re.compile(r"^(?:module|unit)\s*(?P<code>[\w.-]*)\s*[:.\-–—]\s*(?P<title>.+)$", re.I)
_CREDITS = re.compile(r"(\d{1,3})\s*credits?", re.I)
_LEVEL = re.compile(r"\blevel\s*([3-7])\b", re.I)
_BULLET = re.compile(r"^\s*(?:[-•*·▪●◦]|\d{1,2}[.)]|LO\s*\d+[.:)]?|[a-z][.)])\s*", re.I)


class ProgrammeError(HTQError):
    """A programme structure cannot be read; the message is meant for the user."""


@dataclass(frozen=True)
class Module:
    """One module of a programme."""

    code: str
    title: str
    level: int | None = None
    credits: int | None = None
    core: bool = True
    outcomes: tuple[str, ...] = ()
    assessment: str = ""

    @property
    def label(self) -> str:
        """Return 'CODE Title' (or the title alone)."""
        return f"{self.code} {self.title}".strip()


@dataclass(frozen=True)
class Structure:
    """A programme's title and modules, and any notes from reading them."""

    title: str
    modules: tuple[Module, ...]
    warnings: tuple[str, ...] = ()


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", str(text).lower()).split())


def _column_map(headers: Sequence[str]) -> dict[str, str]:
    """Return field -> header for the headers a table has."""
    keyed = {_key(h): h for h in headers if h is not None and str(h).strip()}
    out: dict[str, str] = {}
    for field, names in COLUMN_NAMES.items():
        for name in names:
            if name in keyed and keyed[name] not in out.values():
                out[field] = keyed[name]
                break
    return out


def _int(value: object) -> int | None:
    m = re.search(r"\d+", str(value or ""))
    return int(m.group(0)) if m else None


def _core(value: object) -> bool:
    text = str(value or "").strip().lower()
    return not any(text.startswith(w) for w in OPTIONAL_WORDS)


def split_outcomes(text: str) -> tuple[str, ...]:
    """Return the outcomes in a cell or paragraph: one per line or bullet, numbering removed."""
    parts = re.split(r"[\r\n]+|;\s+(?=[A-Z])|\s+(?=\d{1,2}[.)]\s)", str(text or ""))
    return tuple(p for p in (_BULLET.sub("", x).strip() for x in parts) if p)


def check_size(modules: Sequence[Module], where: str = "The programme") -> list[Module]:
    """Return the modules, or raise ProgrammeError naming the limit when there are too many to map."""
    outcomes = sum(len(m.outcomes) for m in modules)
    if len(modules) > MAX_MODULES:
        raise ProgrammeError(
            f"{where} has {len(modules):,} modules; this tool maps at most {MAX_MODULES:,}. Split "
            "the programme, or give its modules only."
        )
    if outcomes > MAX_OUTCOMES:
        raise ProgrammeError(f"{where} has {outcomes:,} learning outcomes; this tool maps at most {MAX_OUTCOMES:,}.")
    return list(modules)


def modules_from_rows(rows: Iterable[Mapping[str, object]], where: str = "The table") -> list[Module]:
    """Return modules from table rows keyed by header; raise naming any missing required column."""
    rows = list(rows)
    if not rows:
        raise ProgrammeError(f"{where} has no rows of modules.")
    columns = _column_map(list(rows[0].keys()))
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ProgrammeError(
            f"{where} has no column for the module {' or '.join(missing)} "
            f"(found: {', '.join(str(k) for k in rows[0])}). Name a column “Title” or “Module”."
        )
    modules = []
    for n, row in enumerate(rows, start=1):

        def get(name: str, row: Mapping[str, object] = row) -> object:
            return row.get(columns[name]) if name in columns else None

        title = " ".join(str(get("title") or "").split())
        if not title:
            continue
        modules.append(
            Module(
                code=" ".join(str(get("code") or "").split()) or f"M{n:02d}",
                title=title,
                level=_int(get("level")),
                credits=_int(get("credits")),
                core=_core(get("core")),
                outcomes=split_outcomes(str(get("outcomes") or "")),
                assessment=" ".join(str(get("assessment") or "").split()),
            )
        )
    if not modules:
        raise ProgrammeError(f"{where} has no module titles.")
    return check_size(modules, where)


def _header(line: str) -> tuple[str, str] | None:
    m = _MODULE_WORD.match(line) or _HEADER.match(line)
    if m and m.group("title").strip():
        return m.group("code").strip(), m.group("title").strip()
    return None


def modules_from_text(text: str) -> list[Module]:
    """Return modules from pasted or extracted text.

    A line starting with a module code (ABC123 …) or "Module …:" opens a module and the lines
    under it are its outcomes. Without such lines, each line is a module; "Title: description"
    gives the description as its outcome.
    """
    lines = [ln.strip() for ln in str(text or "").splitlines() if ln.strip()]
    blocks: list[tuple[str, str, list[str]]] = []
    for line in lines:
        head = _header(line)
        if head:
            blocks.append((head[0], head[1], []))
        elif blocks:
            blocks[-1][2].append(line)
    modules = []
    if blocks:
        for n, (code, title, body) in enumerate(blocks, start=1):
            heading = f"{title} {' '.join(body[:1])}"
            clean_title = re.sub(
                r"\(?\b\d{1,3}\s*credits?\b\)?|\(?\blevel\s*[3-7]\b\)?|\b(core|optional)\b", "", title, flags=re.I
            ).strip(" ,;:-–()")
            modules.append(
                Module(
                    code=code or f"M{n:02d}",
                    title=clean_title or title,
                    level=_int(level.group(1)) if (level := _LEVEL.search(heading)) else None,
                    credits=int(credits.group(1)) if (credits := _CREDITS.search(heading)) else None,
                    core=not re.search(r"\boptional\b|\belective\b", heading, re.I),
                    outcomes=tuple(o for b in body for o in split_outcomes(b)),
                )
            )
        return check_size(modules, "The text")
    for n, line in enumerate(lines, start=1):
        line = _BULLET.sub("", line).strip()
        title, _, rest = line.partition(":")
        if len(title) > 80 or not rest.strip():
            title, rest = line[:80], line
        modules.append(Module(code=f"M{n:02d}", title=title.strip(), outcomes=split_outcomes(rest)))
    return check_size(modules, "The text")


def _from_docx_tables(doc: documents.Document) -> list[Module]:
    for table in doc.tables:
        if len(table) < 2:
            continue
        columns = _column_map(list(table[0]))
        if "title" in columns:
            header = list(table[0])
            rows = [dict(zip(header, r, strict=True)) for r in table[1:] if len(r) == len(header)]
            try:
                return modules_from_rows(rows)
            except ProgrammeError:
                continue
    return []


def read_structure(blob: bytes, filename: str) -> Structure:
    """Return the programme structure in an uploaded file (.xlsx, .csv, .docx, .pdf, .txt, .md)."""
    name = f"“{Path(filename).name}”"
    suffix = Path(filename).suffix.lower()
    if suffix in documents.SHEET_SUFFIXES:
        return Structure("", tuple(modules_from_rows(documents.sheet_rows(blob, filename), name)))
    if suffix not in documents.SUFFIXES:
        raise ProgrammeError(f"{name} is a {suffix or 'suffix-less'} file; upload .xlsx, .csv, .docx, .pdf or .txt.")
    doc = documents.read_bytes(blob, filename)
    modules = _from_docx_tables(doc) or modules_from_text(doc.text)
    if not modules:
        raise ProgrammeError(
            f"{name} has no recognisable modules. List one module per line, or a table with a “Module” column."
        )
    return Structure(doc.title, tuple(modules), doc.warnings)
