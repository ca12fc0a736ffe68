"""The records the product works with: occupations, standards, KSBs, HTQs and the map tree."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

LEVELS: tuple[int, ...] = (2, 3, 4, 5, 6, 7)
HTQ_LEVELS: tuple[int, ...] = (4, 5)
KSB_KINDS: tuple[str, ...] = ("knowledge", "skill", "behaviour")
KSB_PREFIX: dict[str, str] = {"K": "knowledge", "S": "skill", "B": "behaviour"}

# Short names for where a field came from; the manifest spells each one out.
SOURCE_MAPS_API = "maps_api"
SOURCE_MAPS_INDEX = "maps_index"
SOURCE_STANDARDS_LIST = "standards_list"
SOURCE_STANDARDS_API = "standards_api"
SOURCE_STANDARD_PAGE = "standard_page"
SOURCE_KSB_COPIES = "ksb_copies"
SOURCE_MAP_VOCABULARY = "map_vocabulary"
SOURCE_INFERRED = "inferred"

# Status names exactly as the sources write them; every module compares against these, never a literal.
# An occupation's map status (Occupational Maps API `status`):
APPROVED_OCCUPATION = "Approved occupation"
WITHOUT_APPRENTICESHIP = "Occupational standard without apprenticeship"
IN_DEVELOPMENT_OCCUPATION = "Occupational standard in development"
POTENTIAL_OCCUPATION = "Potential occupational standard"
# A standard's status (standards API `status`):
APPROVED_FOR_DELIVERY = "Approved for delivery"
RETIRED_STATUSES: tuple[str, ...] = ("Retired", "Withdrawn")


@dataclass(frozen=True)
class Htq:
    """An approved Higher Technical Qualification aligned to an occupation."""

    code: str
    title: str
    level: int | None
    category: str | None = None
    awarding_body: str | None = None


@dataclass(frozen=True)
class Ksb:
    """One knowledge, skill or behaviour statement of a standard."""

    code: str
    kind: str
    text: str


@dataclass(frozen=True)
class Duty:
    """One duty of a standard with the KSB codes it is mapped to."""

    code: str
    text: str
    ksbs: tuple[str, ...] = ()
    core: bool | None = None


@dataclass(frozen=True)
class VersionDates:
    """When one version of a standard opens and closes (standards API: earliest and latest start, latest end)."""

    version: str
    earliest_start: str | None = None
    latest_start: str | None = None  # last date a new apprentice may start on this version
    latest_end: str | None = None


@dataclass(frozen=True)
class RegulationDetail:
    """A regulator the standards API names for a standard (its `regulationDetail`)."""

    name: str
    approved: bool | None = None
    url: str | None = None


@dataclass(frozen=True)
class StandardContent:
    """The KSBs and duties known for one standard (ST reference), and how complete they are."""

    reference: str
    title: str
    version: str | None
    complete: bool
    ksbs: tuple[Ksb, ...] = ()
    duties: tuple[Duty, ...] = ()
    source: str = ""
    note: str = ""
    source_url: str = ""

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> StandardContent:
        """Return the record from its JSON dict."""
        return cls(
            reference=raw["reference"],
            title=raw["title"],
            version=raw.get("version"),
            complete=bool(raw["complete"]),
            ksbs=tuple(Ksb(**k) for k in raw.get("ksbs", ())),
            duties=tuple(
                Duty(code=d["code"], text=d["text"], ksbs=tuple(d.get("ksbs", ())), core=d.get("core"))
                for d in raw.get("duties", ())
            ),
            source=raw.get("source", ""),
            note=raw.get("note", ""),
            source_url=raw.get("source_url", ""),
        )


@dataclass(frozen=True)
class Standard:
    """One apprenticeship standard (its latest version) as the standards API or its page gives it."""

    reference: str
    title: str
    version: str | None = None
    status: str | None = None
    level: int | None = None
    route: str | None = None
    regulated: bool | None = None
    regulated_body: str | None = None
    approved_date: str | None = None
    changed_date: str | None = None
    change_note: str | None = None
    standard_url: str | None = None
    job_titles: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    overview: str | None = None
    content: StandardContent | None = None
    options: tuple[str, ...] = ()
    regulation_detail: tuple[RegulationDetail, ...] = ()
    earliest_start: str | None = None
    latest_start: str | None = None
    latest_end: str | None = None
    version_dates: tuple[VersionDates, ...] = ()  # every version the API returned, oldest first


@dataclass(frozen=True)
class Occupation:
    """One occupation on the occupational maps and what is known of its standard.

    Fields are None (or empty) where the snapshot does not know them; `sources` names, per
    field, which source gave the value.
    """

    code: str
    title: str
    level: int
    status: str
    reference: str | None = None
    standard_title: str | None = None
    standard_status: str | None = None
    version: str | None = None
    status_date: str | None = None
    route: str | None = None
    route_id: int | None = None
    pathway: str | None = None
    pathway_id: int | None = None
    cluster: str | None = None
    cluster_id: int | None = None
    soc2020_code: str | None = None
    soc2020_title: str | None = None
    soc_subgroups: tuple[tuple[str, str, bool], ...] = ()
    keywords: tuple[str, ...] = ()
    job_titles: tuple[str, ...] = ()
    overview: str | None = None
    summary: str | None = None
    employers: str | None = None
    progression: tuple[str, ...] = ()
    htqs: tuple[Htq, ...] = ()
    green_themes: tuple[int, ...] = ()
    regulated: bool | None = None
    regulated_body: str | None = None
    regulation_evidence: str | None = None
    standard_url: str | None = None
    approved_date: str | None = None
    changed_date: str | None = None
    change_note: str | None = None
    version_dates: tuple[VersionDates, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Occupation:
        """Return the record from its JSON dict (lists become tuples)."""
        values = dict(raw)
        values["htqs"] = tuple(Htq(**h) for h in raw.get("htqs", ()))
        values["soc_subgroups"] = tuple(tuple(s) for s in raw.get("soc_subgroups", ()))
        for name in ("keywords", "job_titles", "progression", "green_themes"):
            values[name] = tuple(raw.get(name, ()))
        values["version_dates"] = tuple(VersionDates(**v) for v in raw.get("version_dates", ()))
        values["sources"] = dict(raw.get("sources", {}))
        return cls(**values)

    def dates_of(self, version: str | None) -> VersionDates | None:
        """Return the start and end dates of one version of the standard, when the snapshot knows them."""
        return next((v for v in self.version_dates if version and v.version == version), None)


@dataclass(frozen=True)
class Cluster:
    """A cluster of occupations on the map."""

    id: int
    name: str


@dataclass(frozen=True)
class Pathway:
    """A pathway within a route, holding clusters."""

    id: int
    name: str
    clusters: tuple[Cluster, ...] = ()


@dataclass(frozen=True)
class Route:
    """One of the 15 routes of the occupational maps."""

    id: int
    name: str
    sequence: int
    pathways: tuple[Pathway, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Route:
        """Return the route with its pathways and clusters from its JSON dict."""
        return cls(
            id=int(raw["id"]),
            name=raw["name"],
            sequence=int(raw["sequence"]),
            pathways=tuple(
                Pathway(
                    id=int(p["id"]),
                    name=p["name"],
                    clusters=tuple(Cluster(id=int(c["id"]), name=c["name"]) for c in p.get("clusters", ())),
                )
                for p in raw.get("pathways", ())
            ),
        )
