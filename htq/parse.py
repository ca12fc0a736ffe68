"""Pure functions that turn source documents (API JSON, HTML, Turtle) into records."""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup

from htq.model import SOURCE_INFERRED, SOURCE_MAPS_API, Htq, Occupation

PRODUCT_APPRENTICESHIP = 1
PRODUCT_HTQ = 2

_CODE = re.compile(r"^OCC\d{4}[A-Z]?$")


class ParseError(ValueError):
    """A source document does not have the shape the parser expects."""


def html_text(html: str | None) -> str:
    """Return the readable text of an HTML fragment, one paragraph per line pair."""
    if not html:
        return ""
    soup = BeautifulSoup(html, "html.parser")
    blocks = [" ".join(el.get_text(" ").split()) for el in soup.find_all(["p", "li", "h2", "h3", "h4"])]
    blocks = [b for b in blocks if b]
    if not blocks:
        blocks = [" ".join(soup.get_text(" ").split())]
    return "\n\n".join(blocks)


# Awarding bodies as they are named at the start of approved HTQ titles. BTEC is Pearson's
# brand name; other titles (university foundation degrees and the like) do not name a body.
_AWARDING_BODIES: tuple[tuple[str, str], ...] = (
    ("pearson", "Pearson"),
    ("btec", "Pearson"),
    ("ncfe", "NCFE"),
    ("ncc education", "NCC Education"),
    ("highfield", "Highfield"),
    ("cmi", "CMI"),
    ("pal", "PAL"),
    ("biiab", "BIIAB"),
    ("nocn", "NOCN"),
    ("cpcab", "CPCAB"),
    ("aat", "AAT"),
    ("sfj awards", "SFJ Awards"),
    ("city & guilds", "City & Guilds"),
    ("city and guilds", "City & Guilds"),
    ("othm", "OTHM"),
    ("athe", "ATHE"),
    ("ilm", "ILM"),
)


def awarding_body(title: str) -> str | None:
    """Return the awarding body an HTQ title names at its start, or None when it names none."""
    low = " ".join(title.lower().split())
    for prefix, body in _AWARDING_BODIES:
        if low == prefix or low.startswith(prefix + " "):
            return body
    return None


_REGULATORS = {
    "NMC": "Nursing and Midwifery Council (NMC)",
    "HCPC": "Health and Care Professions Council (HCPC)",
    "GDC": "General Dental Council (GDC)",
    "GPHC": "General Pharmaceutical Council (GPhC)",
    "GMC": "General Medical Council (GMC)",
    "GOC": "General Optical Council (GOC)",
    "SWE": "Social Work England (SWE)",
}
_REGULATOR_NAMES = {
    "nursing and midwifery council": "NMC",
    "health and care professions council": "HCPC",
    "general dental council": "GDC",
    "general pharmaceutical council": "GPHC",
    "general medical council": "GMC",
    "general optical council": "GOC",
    "social work england": "SWE",
}
_TITLE_REGULATOR = re.compile(r"\([^)]*\b(NMC|HCPC|GDC|GPhC|GMC|GOC|SWE)\b", re.I)
_STATUTORY = re.compile(r"statutor(?:il)?y regulated (?:profession|occupation)", re.I)
_REGISTERED = re.compile(r"\b(?:are|is) registered with the (" + "|".join(_REGULATOR_NAMES) + ")", re.I)
_NAMED = re.compile("|".join(_REGULATOR_NAMES), re.I)


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(". ", 0, start) + 2, text.rfind("\n", 0, start) + 1, 0)
    stop = text.find(". ", end)
    return text[left : stop + 1 if stop != -1 else len(text)].strip()


def regulation_from_text(title: str, summary: str) -> tuple[bool | None, str | None, str | None]:
    """Return (regulated, body, evidence) when the title or summary states statutory regulation.

    Returns (None, None, None) when the text says nothing: the snapshot does not know, and
    absence of a statement is not evidence the occupation is unregulated.
    """
    m = _TITLE_REGULATOR.search(title or "")
    if m:
        return True, _REGULATORS[m.group(1).upper()], f"The standard's title names the regulator: “{title}”."
    summary = summary or ""
    m = _STATUTORY.search(summary) or _REGISTERED.search(summary)
    if m:
        named = _NAMED.search(summary)
        body = _REGULATORS[_REGULATOR_NAMES[named.group(0).lower()]] if named else None
        return True, body, f"The occupation summary says: “{_sentence(summary, m.start(), m.end())}”"
    return None, None, None


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _unique(values: list[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for v in values:
        text = _clean(v)
        if text and text.lower() not in seen:
            seen[text.lower()] = text
    return tuple(seen.values())


def _require(raw: dict[str, Any], key: str, where: str) -> Any:
    if key not in raw or raw[key] in (None, ""):
        raise ParseError(f"{where}: the field '{key}' is missing")
    return raw[key]


def occupation_from_api(raw: dict[str, Any]) -> Occupation:
    """Return the Occupation in one Occupational Maps API response (`/occupations/{code}`).

    Raises ParseError naming the field when the response lacks what every record must have.
    """
    if not isinstance(raw, dict):
        raise ParseError("the occupation response is not a JSON object")
    code = str(_require(raw, "stdCode", "occupation record")).strip()
    where = f"occupation {code}"
    if not _CODE.match(code):
        raise ParseError(f"{where}: '{code}' is not an occupation code (OCC#### or OCC####A)")
    title = _clean(_require(raw, "name", where))
    try:
        level = int(_require(raw, "level", where))
    except (TypeError, ValueError) as exc:
        raise ParseError(f"{where}: level {raw.get('level')!r} is not a number") from exc
    status = _clean(_require(raw, "statusName", where))

    values: dict[str, Any] = {"code": code, "title": title, "level": level, "status": status}
    # The API fills fields it does not know with placeholders: version 0.0, date 0001-01-01, SOC 0.
    version = _clean(raw.get("versionNo"))
    values["version"] = version if version not in ("0", "0.0") else None
    date = _clean(raw.get("statusLastUpdated"))
    values["status_date"] = date[:10] if date and not date.startswith("0001") else None

    hierarchy = raw.get("mapHierarchy") or {}
    if hierarchy:
        values.update(
            route=_clean(hierarchy.get("routeName")),
            route_id=hierarchy.get("routeId"),
            pathway=_clean(hierarchy.get("pathwayName")),
            pathway_id=hierarchy.get("pathwayId"),
            cluster=_clean(hierarchy.get("clusterName")),
            cluster_id=hierarchy.get("clusterId"),
        )
    soc = raw.get("soc") or {}
    if soc.get("soc2020Code") not in (None, 0, "0", ""):
        values["soc2020_code"] = str(soc["soc2020Code"])
        values["soc2020_title"] = _clean(soc.get("soc2020Description"))
    values["soc_subgroups"] = tuple(
        (str(s.get("code")), _clean(s.get("description")) or "", bool(s.get("isPrimary")))
        for s in soc.get("soc2020SubUnitGroups") or ()
    )
    values["keywords"] = _unique(list(raw.get("keywords") or ()))
    values["job_titles"] = _unique([j.get("name", "") for j in raw.get("typicalJobTitles") or ()])
    values["overview"] = _clean(raw.get("overview"))
    values["summary"] = html_text(raw.get("summary")) or None
    values["employers"] = _clean(raw.get("involvedEmployers"))
    values["progression"] = tuple(
        p["stdCode"] for p in raw.get("progression") or () if isinstance(p, dict) and p.get("stdCode")
    )
    values["green_themes"] = tuple(int(t) for t in raw.get("greenThemeIds") or ())

    htqs: list[Htq] = []
    for product in raw.get("products") or ():
        kind = product.get("type")
        if kind == PRODUCT_APPRENTICESHIP and not values.get("reference"):
            values["reference"] = _clean(product.get("productCode"))
            values["standard_title"] = _clean(product.get("name"))
            values["standard_status"] = _clean(product.get("statusName"))
        elif kind == PRODUCT_HTQ:
            htq_title = _clean(product.get("name")) or ""
            htqs.append(
                Htq(
                    code=_clean(product.get("productCode")) or "",
                    title=htq_title,
                    level=product.get("level"),
                    category=_clean(product.get("qualificationCategory")),
                    awarding_body=awarding_body(htq_title),
                )
            )
    values["htqs"] = tuple(sorted(htqs, key=lambda h: h.code))

    sources = {k: SOURCE_MAPS_API for k, v in values.items() if v not in (None, (), "")}
    regulated, body, evidence = regulation_from_text(values.get("standard_title") or title, values["summary"] or "")
    if regulated is not None:
        values.update(regulated=regulated, regulated_body=body, regulation_evidence=evidence)
        sources["regulated"] = SOURCE_INFERRED
    if any(h.awarding_body for h in htqs):
        sources["htqs.awarding_body"] = SOURCE_INFERRED
    values["sources"] = sources
    return Occupation(**values)


def map_vocabulary(turtle: str) -> tuple[dict[int, tuple[str, int]], dict[int, tuple[str, int]]]:
    """Return (pathways, clusters) of the SKOS map vocabulary: id -> (name, parent id)."""
    import rdflib  # only the snapshot builder reads Turtle; keep app start-up light

    seom = rdflib.Namespace("https://gov.tesseract.academy/ns/seom#")
    skos = rdflib.namespace.SKOS
    if not turtle.strip():
        raise ParseError("the map vocabulary file is empty")
    graph = rdflib.Graph()
    try:
        graph.parse(data=turtle, format="turtle")
    except Exception as exc:  # rdflib raises many parser types; all mean "not valid Turtle"
        raise ParseError(f"the map vocabulary is not valid Turtle: {exc}") from exc

    def tail_id(node: Any) -> int:
        return int(str(node).rstrip("/").rsplit("/", 1)[1])

    def members(kind: Any) -> dict[int, tuple[str, int]]:
        out = {}
        for node in graph.subjects(rdflib.RDF.type, kind):
            parent = graph.value(node, skos.broader)
            label = graph.value(node, skos.prefLabel)
            if parent is None or label is None:
                raise ParseError(f"the map vocabulary entry {node} has no parent or no label")
            out[tail_id(node)] = (" ".join(str(label).split()), tail_id(parent))
        return out

    return members(seom.Pathway), members(seom.Cluster)

