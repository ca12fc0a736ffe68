"""Pure functions that turn source documents (API JSON, HTML, Turtle) into records."""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup

from htq.errors import HTQError
from htq.model import (
    KSB_PREFIX,
    SOURCE_INFERRED,
    SOURCE_MAPS_API,
    Duty,
    Htq,
    Ksb,
    Occupation,
    RegulationDetail,
    Standard,
    StandardContent,
)

PRODUCT_APPRENTICESHIP = 1
PRODUCT_HTQ = 2

_CODE = re.compile(r"^OCC\d{4}[A-Z]?$")


class ParseError(HTQError):
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


# The statutory regulators of health and care professions in England (those the Professional Standards
# Authority oversees). A summary naming one of them in a sentence about registration or regulation
# is read as "this occupation registers with it".
_REGULATORS = {
    "NMC": "Nursing and Midwifery Council (NMC)",
    "HCPC": "Health and Care Professions Council (HCPC)",
    "GDC": "General Dental Council (GDC)",
    "GPHC": "General Pharmaceutical Council (GPhC)",
    "GMC": "General Medical Council (GMC)",
    "GOC": "General Optical Council (GOC)",
    "GOSC": "General Osteopathic Council (GOsC)",
    "GCC": "General Chiropractic Council (GCC)",
    "SWE": "Social Work England (SWE)",
}
_REGULATOR_NAMES = {
    "nursing and midwifery council": "NMC",
    "health and care professions council": "HCPC",
    "general dental council": "GDC",
    "general pharmaceutical council": "GPHC",
    "general medical council": "GMC",
    "general optical council": "GOC",
    "general osteopathic council": "GOSC",
    "general chiropractic council": "GCC",
    "social work england": "SWE",
}
_ACRONYMS = [label.rsplit("(", 1)[1].rstrip(")") for label in _REGULATORS.values()]  # NMC, HCPC, GPhC, …
_TITLE_REGULATOR = re.compile(r"\([^)]*\b(" + "|".join(_ACRONYMS) + r")\b", re.I)
_STATUTORY = re.compile(r"statutor(?:il)?y regulated (?:profession|occupation)", re.I)
# A regulator named in full (any case) or by its acronym (as written: "GDC", not "gdc").
_NAMED = re.compile(r"\b((?i:" + "|".join(_REGULATOR_NAMES) + ")|" + "|".join(_ACRONYMS) + r")\b")
_REGISTRATION = re.compile(
    r"\b(?:regist(?:er|ered|ering|ration|rant)s?|regulat(?:e|ed|es|ion|or)s?|scope of practice)\b", re.I
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def _regulator_key(name: str) -> str:
    low = name.lower()
    return _REGULATOR_NAMES.get(low) or low.upper()


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(". ", 0, start) + 2, text.rfind("\n", 0, start) + 1, 0)
    stop = text.find(". ", end)
    return text[left : stop + 1 if stop != -1 else len(text)].strip()


def regulation_from_text(title: str, summary: str) -> tuple[bool | None, str | None, str | None]:
    """Return (regulated, body, evidence) when the title or summary states statutory regulation.

    Read as regulated: a title naming a regulator ("Nursing associate (NMC 2018)"); a summary
    saying "statutorily regulated profession"; or a summary sentence naming a statutory regulator
    together with registration or regulation ("… are registered with the Health and Care
    Professions Council", "… GDC registered dental professionals"). The evidence quotes the
    sentence. Returns (None, None, None) when the text says nothing: the snapshot does not know,
    and absence of a statement is not evidence the occupation is unregulated.
    """
    m = _TITLE_REGULATOR.search(title or "")
    if m:
        return True, _REGULATORS[m.group(1).upper()], f"The standard's title names the regulator: “{title}”."
    summary = summary or ""
    m = _STATUTORY.search(summary)
    if m:
        named = _NAMED.search(summary)
        body = _REGULATORS[_regulator_key(named.group(1))] if named else None
        return True, body, f"The occupation summary says: “{_sentence(summary, m.start(), m.end())}”"
    for sentence in _SENTENCE_END.split(summary):
        named = _NAMED.search(sentence)
        if named and _REGISTRATION.search(sentence):
            return (
                True,
                _REGULATORS[_regulator_key(named.group(1))],
                f"The occupation summary says: “{' '.join(sentence.split())}”",
            )
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


def _identity(raw: dict[str, Any]) -> dict[str, Any]:
    """Code, title, level and status: what every record must have (ParseError naming what is missing)."""
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
    # The API fills fields it does not know with placeholders: version 0.0, date 0001-01-01, SOC 0.
    version = _clean(raw.get("versionNo"))
    date = _clean(raw.get("statusLastUpdated"))
    return {
        "code": code,
        "title": title,
        "level": level,
        "status": status,
        "version": version if version not in ("0", "0.0") else None,
        "status_date": date[:10] if date and not date.startswith("0001") else None,
    }


def _place(raw: dict[str, Any]) -> dict[str, Any]:
    """Route, pathway and cluster (mapHierarchy), and the SOC 2020 codes."""
    values: dict[str, Any] = {}
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
    return values


def _description(raw: dict[str, Any]) -> dict[str, Any]:
    """Keywords, job titles, overview, summary, employers, progression and green themes."""
    return {
        "keywords": _unique(list(raw.get("keywords") or ())),
        "job_titles": _unique([j.get("name", "") for j in raw.get("typicalJobTitles") or ()]),
        "overview": _clean(raw.get("overview")),
        "summary": html_text(raw.get("summary")) or None,
        "employers": _clean(raw.get("involvedEmployers")),
        "progression": tuple(
            p["stdCode"] for p in raw.get("progression") or () if isinstance(p, dict) and p.get("stdCode")
        ),
        "green_themes": tuple(int(t) for t in raw.get("greenThemeIds") or ()),
    }


def _products(raw: dict[str, Any]) -> dict[str, Any]:
    """The apprenticeship standard (the first apprenticeship product) and the approved HTQs."""
    values: dict[str, Any] = {}
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
    return values


def occupation_from_api(raw: dict[str, Any]) -> Occupation:
    """Return the Occupation in one Occupational Maps API response (`/occupations/{code}`).

    Raises ParseError naming the field when the response lacks what every record must have.
    """
    if not isinstance(raw, dict):
        raise ParseError("the occupation response is not a JSON object")
    values = {**_identity(raw), **_place(raw), **_description(raw), **_products(raw)}
    sources = {k: SOURCE_MAPS_API for k, v in values.items() if v not in (None, (), "")}
    regulated, body, evidence = regulation_from_text(
        values.get("standard_title") or values["title"], values["summary"] or ""
    )
    if regulated is not None:
        values.update(regulated=regulated, regulated_body=body, regulation_evidence=evidence)
        sources["regulated"] = SOURCE_INFERRED
    if any(h.awarding_body for h in values["htqs"]):
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


def json_field(raw: dict[str, Any], *names: str) -> Any:
    """Return the first of `names` present in a JSON object, matching keys case-insensitively."""
    lowered = {k.lower(): v for k, v in raw.items()}
    for name in names:
        value = lowered.get(name.lower())
        if value not in (None, ""):
            return value
    return None


def _date(value: Any) -> str | None:
    text = _clean(value)
    if not text or text.startswith("0001"):
        return None
    return text[:10] if re.match(r"\d{4}-\d{2}-\d{2}", text) else text


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return _unique(re.split(r"\s*[|;]\s*|\n", value))
    return _unique([v if isinstance(v, str) else str(json_field(v, "name", "title", "value") or "") for v in value])


_LEADING_CODE = re.compile(r"^\s*[KSB]\d{1,3}\s*[:.\-–)]\s*", re.I)


def _ksbs_of(raw: dict[str, Any], key: str, id_key: str, prefix: str) -> tuple[list[Ksb], dict[str, str]]:
    """Return the KSBs of one kind, coded in order (K1, K2...), and API id -> code."""
    items = json_field(raw, key) or []
    out, ids = [], {}
    for n, item in enumerate(items, start=1):
        detail = _clean(json_field(item, "detail", "description", "text")) if isinstance(item, dict) else _clean(item)
        if not detail:
            continue
        code = f"{prefix}{n}"
        out.append(Ksb(code, KSB_PREFIX[prefix], _LEADING_CODE.sub("", detail)))
        if isinstance(item, dict):
            ident = json_field(item, id_key, "id")
            if ident is not None:
                ids[str(ident)] = code
    return out, ids


def _core(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "core")
    return bool(value)


def standard_from_api(raw: dict[str, Any]) -> Standard:
    """Return the Standard in one apprenticeship standards API record (field names as DfE's importer reads them)."""
    if not isinstance(raw, dict):
        raise ParseError("the standard record is not a JSON object")
    reference = _clean(json_field(raw, "referenceNumber", "reference", "standardReference", "ifateReferenceNumber"))
    if not reference or not re.match(r"^ST\d{4}$", reference.upper()):
        raise ParseError(f"standard record: reference {reference!r} is missing or not ST####")
    reference = reference.upper()
    title = _clean(json_field(raw, "title", "name"))
    if not title:
        raise ParseError(f"standard {reference}: the field 'title' is missing")
    knowledge, k_ids = _ksbs_of(raw, "knowledges", "knowledgeId", "K")
    skills, s_ids = _ksbs_of(raw, "skills", "skillId", "S")
    behaviours, b_ids = _ksbs_of(raw, "behaviours", "behaviourId", "B")
    duties = []
    for n, item in enumerate(json_field(raw, "duties") or [], start=1):
        if not isinstance(item, dict):
            continue
        text = _clean(json_field(item, "dutyDetail", "detail", "description"))
        if not text:
            continue
        linked = [
            ids.get(str(i))
            for key, ids in (("mappedKnowledge", k_ids), ("mappedSkills", s_ids), ("mappedBehaviour", b_ids))
            for i in (json_field(item, key) or [])
        ]
        duties.append(
            Duty(
                f"D{n}",
                _LEADING_CODE.sub("", text),
                tuple(c for c in linked if c),
                _core(json_field(item, "isThisACoreDuty", "coreDuty")),
            )
        )
    version = _clean(json_field(raw, "version", "versionNumber"))
    ksbs = tuple(knowledge + skills + behaviours)
    options = _unique(
        [
            _clean(json_field(o, "title", "name") if isinstance(o, dict) else o) or ""
            for o in _listed(json_field(raw, "options"))
        ]
    )
    regulators = tuple(
        RegulationDetail(name, _core(json_field(r, "approved")), _clean(json_field(r, "webLink", "url")))
        for r in _listed(json_field(raw, "regulationDetail", "regulationDetails"))
        if isinstance(r, dict) and (name := _clean(json_field(r, "name")))
    )
    content = (
        StandardContent(
            reference=reference,
            title=title,
            version=version,
            complete=bool(ksbs),
            ksbs=ksbs,
            duties=tuple(duties),
            source="Skills England apprenticeship standards API",
            note="" if ksbs else "The API record has no KSBs.",
        )
        if ksbs or duties
        else None
    )
    level = json_field(raw, "level")
    regulated = json_field(raw, "regulated", "isRegulated")
    return Standard(
        reference=reference,
        title=title,
        version=version,
        status=_clean(json_field(raw, "status")),
        level=int(level) if str(level or "").isdigit() else None,
        route=_clean(json_field(raw, "route", "routeName")),
        regulated=(True if regulators else None) if regulated is None else _core(regulated),
        regulated_body=_clean(json_field(raw, "regulatedBody")) or (regulators[0].name if regulators else None),
        approved_date=_date(json_field(raw, "approvedForDelivery", "approvedDate")),
        changed_date=_date(json_field(raw, "changedDate", "lastUpdated", "lastUpdatedDate")),
        change_note=_clean(json_field(raw, "change")),
        standard_url=_clean(json_field(raw, "standardPageUrl", "url")),
        job_titles=_strings(json_field(raw, "typicalJobTitles")),
        keywords=_strings(json_field(raw, "keywords")),
        overview=html_text(json_field(raw, "overviewOfRole")) or None,
        content=content,
        options=options,
        regulation_detail=regulators,
        earliest_start=_date(json_field(raw, "earliestStartDate", "versionEarliestStartDate")),
        latest_start=_date(json_field(raw, "latestStartDate", "versionLatestStartDate")),
        latest_end=_date(json_field(raw, "latestEndDate", "versionLatestEndDate")),
    )


def _listed(value: Any) -> list[Any]:
    """Return a JSON value as a list: a list as it is, one object as a list of one, nothing as []."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def version_key(version: str | None) -> tuple[int, ...]:
    """Return a sortable key for a version such as '1.10' (missing or odd versions sort first)."""
    return tuple(int(p) for p in re.findall(r"\d+", version or "")) or (0,)


_FACT_NAMES = {
    "reference": "reference",
    "version": "version",
    "level": "level",
    "status": "status",
    "route": "route",
    "date updated": "changed_date",
    "last updated": "changed_date",
    "approved for delivery": "approved_date",
    "regulated body": "regulated_body",
    "title": "title",
}


def standard_page(html: str, url: str = "the standard page") -> dict[str, Any]:
    """Return the facts and KSBs on a standard's HTML page.

    Facts come from the page's summary list (<dt>/<dd> or GOV.UK summary-list rows); KSBs from
    list items that start with a code (K1:, S1:, B1:). Raises ParseError when the page has no facts
    list or no reference: the layout has changed and the parser must be updated.
    """
    soup = BeautifulSoup(html or "", "html.parser")
    facts: dict[str, Any] = {}
    pairs: list[tuple[Any, Any]] = [(dt, dt.find_next_sibling("dd")) for dt in soup.find_all("dt")]
    pairs += [
        (row.select_one(".govuk-summary-list__key"), row.select_one(".govuk-summary-list__value"))
        for row in soup.select(".govuk-summary-list__row")
    ]
    for key, value in pairs:
        if key is None or value is None:
            continue
        name = " ".join(key.get_text(" ").split()).rstrip(":").lower()
        if name in _FACT_NAMES:
            facts[_FACT_NAMES[name]] = " ".join(value.get_text(" ").split())
    if not facts:
        raise ParseError(f"{url}: no facts list found (the page layout has changed)")
    reference = str(facts.get("reference", "")).upper()
    if not re.match(r"^ST\d{4}$", reference):
        raise ParseError(f"{url}: no standard reference in the facts list (the page layout has changed)")
    facts["reference"] = reference
    if "level" in facts:
        facts["level"] = _int_or_none(facts["level"])
    for name in ("approved_date", "changed_date"):
        if name in facts:
            facts[name] = _page_date(facts[name])
    ksbs = []
    for li in soup.find_all("li"):
        text = " ".join(li.get_text(" ").split())
        m = re.match(r"^([KSB])(\d{1,3})\s*[:.\-–)]\s*(.+)$", text)
        if m:
            ksbs.append(Ksb(f"{m.group(1)}{int(m.group(2))}", KSB_PREFIX[m.group(1)], m.group(3)))
    facts["ksbs"] = tuple(ksbs)
    return facts


def _int_or_none(text: Any) -> int | None:
    m = re.search(r"\d+", str(text))
    return int(m.group(0)) if m else None


def _page_date(text: str) -> str | None:
    """Return YYYY-MM-DD from a page date such as '12/04/2023' or '12 April 2023' (None if unreadable)."""
    from datetime import datetime

    for fmt in ("%d/%m/%Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), fmt).date().isoformat()
        except ValueError:
            continue
    return None
