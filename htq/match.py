"""Rank the standards a programme could align to, with the evidence that put each one there.

Measured on real provider course pages (bench/match_quality.py, the development set):

- words in common: BM25 over four fields of each level 4/5 occupation (title x4, job titles x2,
  keywords, overview and summary), each field its own index, scores added with those weights;
  words that name the form of study ("FdSc", "HNC", "apprenticeship", "module") are not subject;
- similar meaning: all-MiniLM-L6-v2 run on onnxruntime (htq.embed). Each standard's document is
  embedded once per snapshot (htq.embeddings); the programme is split into passages within the
  model's limit, and a standard's similarity is its best passage's cosine;
- both are min-max normalised over the candidates and mixed linearly, 0.6 words + 0.4 meaning;
- precedent: approved HTQs whose titles resemble the programme's title point at the standards
  they were approved against; it counts 60% for a bare title and 5% once the programme's own
  text says enough, so a title never outweighs what the programme teaches;
- level: a level chosen on the page or stated in the text ("Level 5", "HND", "FdSc") discounts
  by 10% standards the programme is unlikely to align to: for an apprenticeship, the other level;
  for a level 4 qualification, level 5 (a level 5 qualification may align to either).

Options of one standard are ranked as one candidate with the options ordered beneath it. Without
the model (package missing, checksum wrong) the ranking is words and precedent alone, and the
result says so.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from htq import catalogue, embeddings
from htq.eligibility import BLOCKS, CAUTION, ELIGIBLE, NOT_ELIGIBLE, Eligibility
from htq.eligibility import assess as assess_eligibility
from htq.embed import ContextualEmbedder, load_contextual
from htq.model import HTQ_LEVELS, Occupation
from htq.snapshot import Snapshot
from htq.text import FieldIndex, FieldSpec, stem, surface_forms, words

if TYPE_CHECKING:
    import pandas as pd

# Words that name the form of study, not its subject: ignored in the programme and the standards.
FORM_WORDS = frozenset(
    stem(w)
    for w in [
        "fdsc",
        "fda",
        "fdeng",
        "hnc",
        "hnd",
        "btec",
        "pearson",
        "diploma",
        "certificate",
        "degree",
        "foundation",
        "higher",
        "national",
        "apprenticeship",
        "apprenticeships",
        "apprentice",
        "apprentices",
        "programme",
        "course",
        "module",
        "modules",
        "level",
        "student",
        "students",
        "learner",
        "learners",
        "credit",
        "credits",
        "semester",
        "semesters",
        "ucas",
        "tuition",
        "campus",
        "coursework",
        "lecture",
        "lectures",
        "seminar",
        "seminars",
        "tutorial",
        "tutorials",
        "timetable",
    ]
)
# Words a title may hold without naming a subject: a title of only these is ignored.
GENERIC_TITLE_WORDS = FORM_WORDS | frozenset(
    stem(w)
    for w in [
        "fd",
        "certhe",
        "diphe",
        "cert",
        "dip",
        "certification",
        "diplomas",
        "degrees",
        "certificates",
        "qualification",
        "qualifications",
        "award",
        "awards",
        "ncfe",
        "cache",
        "cmi",
        "aat",
        "sfj",
        "highfield",
        "nocn",
        "cpcab",
        "biiab",
        "cskills",
        "england",
        "levels",
        "specification",
        "specifications",
        "overview",
        "introduction",
        "about",
        "summary",
        "description",
        "handbook",
        "details",
        "information",
        "structure",
        "outline",
        "syllabus",
        "prospectus",
        "page",
        "content",
        "contents",
        "document",
        "draft",
        "programmes",
        "courses",
        "unit",
        "units",
        "studies",
        "study",
        "applied",
        "general",
        "integrated",
        "technical",
        "professional",
        "arts",
        "science",
        "practice",
        "modular",
        "education",
        "he",
        "hons",
        "ba",
        "bsc",
        "msc",
        "year",
    ]
)

FIELD_WEIGHTS = {"title": 4.0, "job_titles": 2.0, "keywords": 1.0, "summary": 1.0}
FIELD_LABELS = {"title": "title", "job_titles": "job titles", "keywords": "keywords", "summary": "overview and summary"}
DENSE_WEIGHT = 0.4
TITLE_REPEAT = 1
PRECEDENT_WEIGHT = 0.6  # for a title with little text
# Once the programme's own text has RICH_TEXT_TERMS subject words, precedent (which rests on the
# title alone) only breaks near ties: on the development set it added nothing, and at 0.2 a
# misleading title could outrank what the text teaches.
PRECEDENT_WEIGHT_RICH = 0.05
RICH_TEXT_TERMS = 20
OTHER_LEVEL = 0.9
PASSAGE_TOKENS = 128
# The model reads at most this many passages (about 1,500 word pieces, 1,100 words), spread evenly
# over a longer programme; words in common read all of it. Bounds a query's time (bench/match_speed.py).
MAX_PASSAGES = 12
MAX_PROGRESSION_PARTS = 40
MIN_SEGMENT_WORDS = 3
PROGRESSION_SHARE = 0.25
PART_MIN_EVIDENCE, PART_MIN_MARGIN = 0.25, 0.05  # a part is won by a standard only this clearly
PROGRESSION_MIN_SCORE = 0.6  # the second standard scores at least this share of the first overall
# A word is shown as "in common" only where it is distinctive: in at most this share of standards.
DISTINCTIVE_SHARE = 0.15
# Words any occupation's text may use about whom it serves or how: never shown as "words in common".
GENERIC_WORDS = frozenset(
    stem(w)
    for w in [
        "user",
        "users",
        "client",
        "clients",
        "customer",
        "customers",
        "people",
        "person",
        "organisation",
        "organisations",
        "stakeholder",
        "stakeholders",
        "team",
        "teams",
        "work",
        "working",
        "role",
        "roles",
        "service",
        "services",
    ]
)
HIGH, MEDIUM, LOW = "high", "medium", "low"
# Bands from the first candidate's lead over the next standard and its best cosine (bench/match_quality.py).
HIGH_LEAD, MEDIUM_LEAD, MIN_COSINE = 0.12, 0.04, 0.35
# How often the first candidate was right in each band on the development set (30 level 4/5 course
# pages, content and full text, 60 rankings), as printed by bench/match_quality.py on 2 Dec 2026.
BAND_RECORD = {HIGH: (50, 52), MEDIUM: (3, 6), LOW: (1, 2)}

_LEVEL_WORD = {"4": 4, "5": 5, "four": 4, "five": 5}
_LEVEL = re.compile(r"\b(?:level|lvl|l)\s*[-.]?\s*(4|5|four|five)\b", re.I)
_APPRENTICESHIP = re.compile(r"\bapprentice(?:ship)?s?\b", re.I)
_QUALIFICATION_LEVEL = (
    (re.compile(r"\b(?:HNC|Cert\s*HE|CertHE)\b", re.I), 4),
    (re.compile(r"\b(?:HND|FdSc|FdA|FdEng|Dip\s*HE|DipHE|foundation\s+degree)\b", re.I), 5),
)


@dataclass(frozen=True)
class Programme:
    """A programme to match: its title, level (4, 5 or None), free text and optional route."""

    title: str
    text: str = ""
    level: int | None = None
    route: str | None = None


@dataclass(frozen=True)
class SharedWords:
    """Programme words that matched one part of a standard (one reason a standard ranks where it does)."""

    field: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class PassageMatch:
    """A passage of the programme and the standard's sentence it is closest to in meaning."""

    passage: str
    sentence: str
    similarity: float


@dataclass(frozen=True)
class Precedent:
    """An approved HTQ whose title resembles the programme's, and the standards it aligns to."""

    code: str
    title: str
    level: int | None
    similarity: float
    occupations: tuple[str, ...]


@dataclass(frozen=True)
class Option:
    """One option (occupation) of a standard that has several, and what sets it apart."""

    occupation: str
    title: str
    score: float
    distinct: tuple[str, ...] = ()


@dataclass(frozen=True)
class Candidate:
    """One ranked standard for a programme, with its score, confidence and reasons."""

    rank: int
    reference: str
    occupation: str
    title: str
    level: int
    route: str | None
    score: float
    confidence: str
    level_fit: str
    reasons: tuple[SharedWords, ...] = ()
    precedents: tuple[Precedent, ...] = ()
    lexical: float = 0.0
    semantic: float = 0.0
    precedent: float = 0.0
    options: tuple[Option, ...] = ()
    passages: tuple[PassageMatch, ...] = ()
    eligibility: str = ELIGIBLE
    eligibility_notes: tuple[str, ...] = ()  # what blocks or needs checking, as on the Standard page

    @property
    def eligible(self) -> bool:
        """Return whether the standard can be applied against for HTQ approval."""
        return self.eligibility != NOT_ELIGIBLE

    def to_json(self) -> dict:
        """Return a JSON-ready dict (the CLI's --json shape)."""
        return {
            "rank": self.rank,
            "reference": self.reference,
            "occupation": self.occupation,
            "title": self.title,
            "level": self.level,
            "route": self.route,
            "score": round(self.score, 4),
            "confidence": self.confidence,
            "level_fit": self.level_fit,
            "eligibility": {"verdict": self.eligibility, "reasons": list(self.eligibility_notes)},
            "evidence": {
                "lexical": round(self.lexical, 4),
                "semantic": round(self.semantic, 4),
                "precedent": round(self.precedent, 4),
            },
            "reasons": [{"field": e.field, "terms": list(e.terms)} for e in self.reasons],
            "passages": [
                {"passage": p.passage, "sentence": p.sentence, "similarity": round(p.similarity, 3)}
                for p in self.passages
            ],
            "precedents": [
                {
                    "code": p.code,
                    "title": p.title,
                    "level": p.level,
                    "similarity": round(p.similarity, 3),
                    "occupations": list(p.occupations),
                }
                for p in self.precedents
            ],
            "options": [
                {"occupation": o.occupation, "title": o.title, "score": round(o.score, 4), "distinct": list(o.distinct)}
                for o in self.options
            ],
        }


@dataclass(frozen=True)
class Progression:
    """Two standards that together explain the programme better than either alone."""

    first: str
    second: str
    first_parts: tuple[str, ...]
    second_parts: tuple[str, ...]

    def explanation(self, titles: dict[str, str]) -> str:
        """Return the suggestion in one sentence."""
        return (
            f"The programme reads as occupational progression: {len(self.first_parts)} part(s) align best "
            f"with {titles.get(self.first, self.first)} and {len(self.second_parts)} with "
            f"{titles.get(self.second, self.second)}. An HTQ drawing KSBs from both standards may fit better "
            "than either alone."
        )


@dataclass(frozen=True)
class Result:
    """The ranked candidates, an occupational-progression suggestion where one fits, and warnings."""

    candidates: tuple[Candidate, ...]
    progression: Progression | None = None
    warnings: tuple[str, ...] = ()
    scale: float = 1.0  # what the weighted evidence was divided by to give the scores
    precedent_weight: float = 0.0
    level: int | None = None  # the level used: chosen, or stated in the programme
    level_source: str = ""  # "chosen", "stated in the title", "stated in the text" or ""
    discounted: frozenset[int] = frozenset()  # standard levels discounted for this programme
    hidden: int = 0  # standards that cannot be applied against, left out above the last one shown
    dense_weight: float = DENSE_WEIGHT  # 0 when the model is unavailable


# Every programme page develops its learners' skills: the verb and "development" say nothing of the
# subject (left in, they made Software developer a hub for unrelated pages); "developer" still counts.
FORM_VERBS = frozenset(["develop", "develops", "developed", "developing", "development", "developments"])


def subject_terms(text: str) -> list[str]:
    """Return the stemmed terms of a text without the words that name the form of study."""
    return [t for t in (stem(w) for w in words(text) if w not in FORM_VERBS) if t not in FORM_WORDS]


def title_terms(title: str) -> list[str]:
    """Return the subject terms of a title; none when it only names the kind of document or qualification."""
    found = subject_terms(title)
    return found if any(t not in GENERIC_TITLE_WORDS for t in found) else []


def subject_text(text: str) -> str:
    """Return a text's words without the words that name the form of study (what the model reads of a title)."""
    return " ".join(w for w in words(text) if stem(w) not in GENERIC_TITLE_WORDS)


def stated_level(title: str, text: str = "") -> tuple[int | None, str]:
    """Return the level 4 or 5 a programme states (title first, then text) and where; None when
    it states none or both. A title without subject words ("FdSc", "HNC") is ignored like the rest of it."""
    for part, where in ((title if title_terms(title) else "", "stated in the title"), (text, "stated in the text")):
        found = {_LEVEL_WORD[m.group(1).lower()] for m in _LEVEL.finditer(part)}
        found |= {level for pattern, level in _QUALIFICATION_LEVEL if pattern.search(part)}
        if len(found) == 1:
            return found.pop(), where
        if found:
            return None, ""
    return None, ""


def is_apprenticeship(programme: Programme) -> bool:
    """Return whether the programme calls itself an apprenticeship (then its level is its standard's)."""
    return bool(_APPRENTICESHIP.search(f"{programme.title}\n{programme.text}"))


def discounted_levels(level: int | None, apprenticeship: bool) -> frozenset[int]:
    """Return the standard levels discounted for a programme at `level`.

    An apprenticeship is at its standard's level, so the other level is discounted. A qualification
    is not: a level 5 HTQ may align to a level 4 standard (178 of the 268 level 5 HTQs in the
    snapshot do), so nothing is discounted; a level 4 one needs Skills England's agreement before
    aligning to a level 5 standard, so level 5 is.
    """
    if level not in HTQ_LEVELS:
        return frozenset()
    if apprenticeship:
        return frozenset(HTQ_LEVELS) - {level}
    return frozenset(x for x in HTQ_LEVELS if x > level)


def level_note(result: Result) -> str:
    """Return, in words, how the programme's level was used."""
    if not result.level:
        return ""
    where = "chosen on the page" if result.level_source == "chosen" else result.level_source
    if not result.discounted:
        return (
            f"Level {result.level} ({where}): a level 5 qualification may align to a level 4 or a level 5 "
            "standard, so neither was discounted."
        )
    others = " and ".join(f"level {x}" for x in sorted(result.discounted))
    return f"Level {result.level} ({where}): {others} standards were discounted by {1 - OTHER_LEVEL:.0%}."


def _lexical_doc(occ: Occupation) -> dict[str, str]:
    return {
        "title": " ".join(x for x in (occ.title, occ.standard_title or "") if x),
        "job_titles": " ; ".join(occ.job_titles),
        "keywords": " ; ".join(occ.keywords),
        "summary": " ".join(x for x in (occ.overview or "", occ.summary or "") if x),
    }


def _pieces(text: str) -> list[str]:
    """Return a text's lines, long ones cut at sentence ends."""
    out: list[str] = []
    for line in re.split(r"[\r\n]+", text):
        out += embeddings.split_sentences(line)
    return out


def passages(text: str, count_tokens, limit: int = PASSAGE_TOKENS) -> list[str]:
    """Return the text packed into passages of at most `limit` word pieces (a longer sentence stands alone)."""
    out: list[str] = []
    current: list[str] = []
    size = 0
    for piece in _pieces(text):
        n = count_tokens(piece)
        if current and size + n > limit:
            out.append(" ".join(current))
            current, size = [], 0
        current.append(piece)
        size += n
    if current:
        out.append(" ".join(current))
    return out


@dataclass
class MatchIndex:
    """Everything matching needs, built once from a snapshot and read-only afterwards."""

    occupations: list[Occupation]
    fields: dict[str, FieldIndex]
    precedent: FieldIndex
    htqs: list[tuple[str, str, int | None, tuple[str, ...]]]  # code, title, level, occupation codes
    distinctive: frozenset[str]
    embedder: ContextualEmbedder | None
    vectors: embeddings.StandardVectors | None
    notice: str = ""  # why meaning is not used, when it is not
    verdicts: list[Eligibility] = field(default_factory=list)  # per occupation
    position: dict[str, int] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)  # per occupation: its standard (or its own code)

    @classmethod
    def build(
        cls,
        snapshot: Snapshot,
        levels: Sequence[int] = HTQ_LEVELS,
        hold_out: Iterable[str] = (),
        embedder: ContextualEmbedder | None | bool = True,
        folder: Path | None | bool = True,
    ) -> MatchIndex:
        """Return the index over the snapshot's occupations at `levels`.

        `hold_out` names lexical fields left empty (for evaluation); `embedder=True` loads the
        contextual model (False: words only); `folder=True` keeps the standards' vectors in the
        snapshot's folder (None: in memory only).
        """
        held = set(hold_out)
        occupations = [o for o in snapshot.data.occupations if o.level in levels]
        docs = [{k: ("" if k in held else v) for k, v in _lexical_doc(o).items()} for o in occupations]
        fields = {
            f: FieldIndex([{f: d[f]} for d in docs], {f: FieldSpec(1.0)}, analyse=subject_terms) for f in FIELD_WEIGHTS
        }
        df: Counter[str] = Counter()
        for d in docs:
            df.update(set(subject_terms(" ".join(d.values()))))
        distinctive = frozenset(t for t, n in df.items() if n <= DISTINCTIVE_SHARE * max(1, len(docs)) and len(t) > 2)
        by_code: dict[str, tuple[str, int | None, list[str]]] = {}
        for occ in occupations:
            for h in occ.htqs:
                by_code.setdefault(h.code, (h.title, h.level, []))[2].append(occ.code)
        htqs = [(code, t, lvl, tuple(occs)) for code, (t, lvl, occs) in sorted(by_code.items())]
        precedent = FieldIndex(
            [{"title": t} for _, t, _, _ in htqs], {"title": FieldSpec(1.0, b=0.5)}, analyse=subject_terms
        )
        notice = ""
        model: ContextualEmbedder | None = None
        if embedder is True:
            model, reason = load_contextual()
            if model is None:
                notice = (
                    f"Similar meaning is not used: {reason}. Standards are ranked on words in common "
                    "and approved-HTQ precedent alone, which is less accurate on real programme text."
                )
        elif embedder:
            model = embedder
        vectors = None
        if model is not None:
            place = snapshot.path if folder is True else (folder or None)
            vectors = embeddings.current(occupations, snapshot.data.content, model, place)
        return cls(
            occupations,
            fields,
            precedent,
            htqs,
            distinctive,
            model,
            vectors,
            notice,
            [assess_eligibility(o) for o in occupations],
            {o.code: i for i, o in enumerate(occupations)},
            [o.reference or o.code for o in occupations],
        )

    def lexical_raw(self, query: list[str]) -> np.ndarray:
        """Return the weighted BM25 of every occupation for stemmed query terms."""
        out = np.zeros(len(self.occupations))
        for f, w in FIELD_WEIGHTS.items():
            out += w * self.fields[f].scores(query)
        return out


def _minmax(x: np.ndarray) -> np.ndarray:
    lo, hi = float(x.min(initial=0.0)), float(x.max(initial=0.0))
    return (x - lo) / (hi - lo) if hi > lo else np.zeros_like(x)


def _programme_query(programme: Programme) -> list[str]:
    return title_terms(programme.title) * TITLE_REPEAT + subject_terms(programme.text)


def lexical_scores(index: MatchIndex, programme: Programme) -> np.ndarray:
    """Return words-in-common evidence per occupation, 0..1 (min-max over the candidates)."""
    return _minmax(index.lexical_raw(_programme_query(programme)))


def programme_passages(index: MatchIndex, programme: Programme, shown: bool = False) -> list[str]:
    """Return what the model reads of a programme: passages of its text, the title (if it names a
    subject) leading the first, so the title is read as one more line of the programme, not a voice
    of its own. `shown=True` gives the same passages as the programme wrote them (for explanations)."""
    return _read_passages(index, programme)[1 if shown else 0]


def _read_passages(index: MatchIndex, programme: Programme) -> tuple[list[str], list[str]]:
    """Return the passages the model reads and the same passages as written."""
    if index.embedder is None:
        return [], []
    out = passages(programme.text, index.embedder.token_count)
    read, shown = list(out), list(out)
    if title_terms(programme.title):
        model_title, typed = subject_text(programme.title), programme.title.strip()
        read = [f"{model_title}. {out[0]}", *out[1:]] if out else [model_title]
        shown = [f"{typed}. {out[0]}", *out[1:]] if out else [typed]
    keep = [k for k, p in enumerate(read) if p.strip()]
    if len(keep) > MAX_PASSAGES:  # a long programme: passages spread evenly from first to last
        keep = [keep[round(j * (len(keep) - 1) / (MAX_PASSAGES - 1))] for j in range(MAX_PASSAGES)]
    return [read[k] for k in keep], [shown[k] for k in keep]


def _dense(index: MatchIndex, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return the passages' vectors and the best cosine of each occupation over the passages."""
    assert index.embedder is not None and index.vectors is not None
    vecs = index.embedder.embed_many(texts)
    cos = vecs @ index.vectors.documents.T
    return vecs, cos.max(axis=0)


def semantic_scores(index: MatchIndex, programme: Programme) -> np.ndarray:
    """Return similar-meaning evidence per occupation, 0..1 (min-max over the candidates)."""
    texts = programme_passages(index, programme)
    if not texts:
        return np.zeros(len(index.occupations))
    return _minmax(_dense(index, texts)[1])


def precedent_scores(
    index: MatchIndex, programme: Programme, exclude: Iterable[str] = ()
) -> tuple[np.ndarray, list[Precedent]]:
    """Return per-occupation precedent evidence (0..1) and the HTQs that gave it, most similar first."""
    excluded = set(exclude)
    query = title_terms(programme.title)
    per_occ = np.zeros(len(index.occupations))
    if not query:
        return per_occ, []
    raw = index.precedent.scores(query)
    # Evidence is the HTQ's score as a share of the query's information (sum of idf), which keeps
    # the order among close titles; people are shown it scaled so a title with every query term
    # once reads as 1.0 (BM25 gives such a title about sum(idf) / (1 + k1)).
    ceiling = sum(index.precedent.idf(t) for t in set(query)) or 1.0
    found: list[Precedent] = []
    for i in np.argsort(-raw, kind="stable"):
        if raw[i] <= 0:
            break
        code, title, level, occs = index.htqs[i]
        if code in excluded:
            continue
        evidence = float(raw[i]) / ceiling
        found.append(Precedent(code, title, level, min(1.0, evidence * (1 + index.precedent.k1)), occs))
        for occ in occs:
            pos = index.position.get(occ)
            if pos is not None and evidence > per_occ[pos]:
                per_occ[pos] = evidence
    return per_occ, found


def level_fit(programme_level: int | None, standard_level: int) -> str:
    """Return how a programme's level fits a standard's level, in words."""
    if programme_level is None:
        return "programme level not given"
    if programme_level == standard_level:
        return "same level"
    if programme_level == 5 and standard_level == 4:
        return "level 5 programme, level 4 standard: allowed"
    if programme_level == 4 and standard_level == 5:
        return "level 4 programme, level 5 standard: contact Skills England first"
    return f"level {programme_level} programme, level {standard_level} standard: outside the HTQ rules"


def candidate_confidence(lead: float, best_cosine: float | None) -> str:
    """Return the confidence band of a first candidate from its lead over the next standard and,
    where the model ran, how close in meaning its best passage is (bench/match_quality.py)."""
    close = best_cosine is None or best_cosine >= MIN_COSINE
    if lead >= HIGH_LEAD and close:
        return HIGH
    if lead >= MEDIUM_LEAD and close:
        return MEDIUM
    return LOW


def confidence_words(band: str) -> str:
    """Return what a band means, in words, with how often it was right on real course pages."""
    right, n = BAND_RECORD[band]
    record = (
        f" When the first candidate of a real course page was given this band in our tests, it was right "
        f"{right} times in {n}."
        if n
        else ""
    )
    meaning = {
        HIGH: "High confidence: this standard stands clearly ahead of the next one.",
        MEDIUM: "Medium confidence: this standard leads, but others are close; read the next few too.",
        LOW: "Low confidence: several standards fit about as well, or none fits closely; check each candidate.",
    }[band]
    return meaning + record


def segments(text: str) -> list[str]:
    """Return the parts of a programme text worth matching on their own (lines of a few words or more)."""
    parts = [p.strip(" \t-•*·") for p in re.split(r"[\r\n]+", text)]
    return [p for p in parts if len(words(p)) >= MIN_SEGMENT_WORDS]


def _part_evidence(index: MatchIndex, parts: list[str]) -> np.ndarray:
    """Return (parts x occupations) content evidence, each part on its own."""
    lexical = np.vstack([_minmax(index.lexical_raw(subject_terms(p))) for p in parts])
    if index.embedder is None or index.vectors is None:
        return lexical
    dense = np.vstack([_minmax(row) for row in index.embedder.embed_many(parts) @ index.vectors.documents.T])
    return (1 - DENSE_WEIGHT) * lexical + DENSE_WEIGHT * dense


def _progression(
    index: MatchIndex, programme: Programme, shortlist: list[int], score: np.ndarray
) -> Progression | None:
    """Return the first candidate and another standard when the programme's parts divide between them.

    Each part (a line of a few words: a module, an outcome) goes to the shortlisted standard it
    matches best, if clearly; a pair is suggested when the second standard wins at least a quarter
    of the parts, and scores at least 60% of the first overall.
    """
    parts = segments(programme.text)[:MAX_PROGRESSION_PARTS]
    if len(parts) < 4 or len(shortlist) < 2:
        return None
    first = shortlist[0]
    evidence = _part_evidence(index, parts)
    winners: dict[int, list[str]] = {}
    for part, row in zip(parts, evidence, strict=True):
        best, runner_up = sorted(shortlist, key=lambda i: -row[i])[:2]
        if row[best] > PART_MIN_EVIDENCE and row[best] - row[runner_up] > PART_MIN_MARGIN:
            winners.setdefault(best, []).append(part)
    others = sorted(((i, p) for i, p in winners.items() if i != first), key=lambda kv: -len(kv[1]))
    if not others or first not in winners:
        return None
    second, second_parts = others[0]
    counted = sum(len(v) for v in winners.values())
    if (
        index.keys[first] == index.keys[second]
        or len(second_parts) < 2
        or len(second_parts) / counted < PROGRESSION_SHARE
        or score[second] < PROGRESSION_MIN_SCORE * score[first]
    ):
        return None
    return Progression(
        index.occupations[first].code, index.occupations[second].code, tuple(winners[first]), tuple(second_parts)
    )


def precedent_weight(programme: Programme) -> float:
    """Return how much precedent counts for this programme: less once its own text says enough."""
    return PRECEDENT_WEIGHT_RICH if len(subject_terms(programme.text)) >= RICH_TEXT_TERMS else PRECEDENT_WEIGHT


def _group(index: MatchIndex, score: np.ndarray) -> list[list[int]]:
    """Return the occupations grouped by standard, best standard first, each group's options best first."""
    groups: dict[str, list[int]] = {}
    for i in np.argsort(-score, kind="stable"):
        if score[i] > 0:
            groups.setdefault(index.keys[int(i)], []).append(int(i))
    return list(groups.values())


def _distinct(index: MatchIndex, members: list[int]) -> dict[int, tuple[str, ...]]:
    """Return, per option, the job titles the other options of its standard do not share."""
    titles = {i: set(index.occupations[i].job_titles) for i in members}
    out = {}
    for i in members:
        others = set().union(*(titles[j] for j in members if j != i))
        out[i] = tuple(t for t in index.occupations[i].job_titles if t not in others)[:4]
    return out


def _shared_title(titles: list[str]) -> str:
    """Return the standard's name its options share ("Cyber security technologist - Cyber Risk Analyst" ...)."""
    heads = {t.split(" - ", 1)[0].strip() for t in titles}
    return heads.pop() if len(heads) == 1 else titles[0]


def _passage_matches(index: MatchIndex, i: int, texts: list[str], vecs: np.ndarray | None) -> tuple[PassageMatch, ...]:
    """Return up to two (programme passage, standard sentence) pairs closest in meaning, distinct passages."""
    if vecs is None or index.vectors is None or not len(index.vectors.sentence_vectors[i]):
        return ()
    sims = vecs @ index.vectors.sentence_vectors[i].T
    out, used = [], set()
    for flat in np.argsort(-sims, axis=None):
        p, s = np.unravel_index(int(flat), sims.shape)
        if p in used:
            continue
        used.add(p)
        out.append(PassageMatch(_excerpt(texts[p]), index.vectors.sentence_text[i][s], float(sims[p, s])))
        if len(out) == 2:
            break
    return tuple(out)


def _excerpt(text: str, limit: int = 240) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _reasons(index: MatchIndex, i: int, query: set[str], forms: dict[str, str]) -> tuple[SharedWords, ...]:
    out = []
    for f in FIELD_WEIGHTS:
        hits = [
            t
            for t in index.fields[f].matched_terms(query, i).get(f, [])
            if t in index.distinctive and t not in GENERIC_WORDS
        ]
        if hits:
            out.append(SharedWords(FIELD_LABELS[f], tuple(dict.fromkeys(forms.get(t, t) for t in hits))[:8]))
    return tuple(out)


def rank(
    index: MatchIndex,
    programme: Programme,
    top: int = 10,
    precedents: bool = True,
    exclude_htqs: Iterable[str] = (),
    eligible_only: bool = True,
) -> Result:
    """Return the best `top` standards for a programme, best first, with reasons, options, precedents
    and HTQ eligibility; standards that cannot be applied against are left out unless `eligible_only`
    is False (then they are listed, labelled)."""
    query = _programme_query(programme)
    if not query:
        return Result(
            (), None, ("The programme has no subject words to match on: add its title, overview or modules.",)
        )
    warnings: list[str] = []
    lexical = _minmax(index.lexical_raw(query))
    texts, shown = _read_passages(index, programme)
    vecs, best_cos = None, None
    if texts:
        vecs, raw_cos = _dense(index, texts)
        semantic = _minmax(raw_cos)
        best_cos = raw_cos
    else:
        semantic = np.zeros_like(lexical)
    dense_weight = DENSE_WEIGHT if texts else 0.0
    content = (1 - dense_weight) * lexical + dense_weight * semantic
    weight = precedent_weight(programme) if precedents else 0.0
    if precedents:
        prec, found = precedent_scores(index, programme, exclude_htqs)
        # Divide by what the best precedent allows, so a programme no HTQ resembles is scored on content.
        scale = (1 - weight) + weight * float(prec.max(initial=0.0))
        score = ((1 - weight) * content + weight * prec) / scale
    else:
        prec, found, scale = np.zeros_like(content), [], 1.0
        score = content
    level, level_source = (
        (programme.level, "chosen") if programme.level else stated_level(programme.title, programme.text)
    )
    discounted = discounted_levels(level, is_apprenticeship(programme))
    if discounted:
        score = np.where(np.isin([o.level for o in index.occupations], list(discounted)), score * OTHER_LEVEL, score)
    if programme.route:
        in_route = np.array([o.route == programme.route for o in index.occupations])
        if in_route.any():
            score = np.where(in_route, score, -1.0)
        else:
            warnings.append(f"No level 4 or 5 standard is in the route “{programme.route}”; all routes were searched.")
    groups = _group(index, score)
    hidden = 0
    if eligible_only:
        shown_groups = []
        for g in groups:
            if any(index.verdicts[j].eligible for j in g):
                shown_groups.append([j for j in g if index.verdicts[j].eligible])
            elif len(shown_groups) < top:
                hidden += 1
        groups = shown_groups
    lead = float(score[groups[0][0]] - (score[groups[1][0]] if len(groups) > 1 else 0.0)) if groups else 0.0
    forms = surface_forms(f"{programme.title}\n{programme.text}")
    qset = set(query)
    out = []
    for r, members in enumerate(groups[:top]):
        i = members[0]
        occ = index.occupations[i]
        distinct = _distinct(index, members) if len(members) > 1 else {}
        options = (
            tuple(
                Option(index.occupations[j].code, index.occupations[j].title, float(score[j]), distinct[j])
                for j in members
            )
            if len(members) > 1
            else ()
        )
        codes = {index.occupations[j].code for j in members}
        title = _shared_title([index.occupations[j].title for j in members]) if options else occ.title
        out.append(
            Candidate(
                rank=r + 1,
                reference=index.keys[i],
                occupation=occ.code,
                title=title,
                level=occ.level,
                route=occ.route,
                score=float(score[i]),
                # Bands were calibrated on first candidates; a later one has no lead, so it is at most "low".
                confidence=candidate_confidence(
                    lead if r == 0 else 0.0, None if best_cos is None else float(best_cos[i])
                ),
                level_fit=level_fit(level, occ.level),
                reasons=_reasons(index, i, qset, forms),
                precedents=tuple(p for p in found if codes & set(p.occupations))[:3],
                lexical=float(lexical[i]),
                semantic=float(semantic[i]),
                precedent=float(prec[i]),
                options=options,
                passages=_passage_matches(index, i, shown, vecs),
                eligibility=index.verdicts[i].verdict,
                eligibility_notes=tuple(r.text for r in index.verdicts[i].reasons if r.kind in (BLOCKS, CAUTION)),
            )
        )
    progression = _progression(index, programme, [g[0] for g in groups[:5]], score)
    return Result(
        tuple(out),
        progression,
        tuple(warnings),
        scale,
        weight,
        level,
        level_source if level else "",
        discounted,
        hidden,
        dense_weight,
    )


CANDIDATE_COLUMNS = [
    "Rank",
    "Standard",
    "Occupation",
    "Title",
    "Level",
    "Route",
    "Score",
    "Confidence",
    "Level fit",
    "HTQ eligibility",
    "Eligibility notes",
    "Occupational map",
    "Options",
    "Lexical evidence",
    "Semantic evidence",
    "Precedent evidence",
    "Matched words",
    "Closest passage",
    "Standard's sentence",
    "Precedent HTQs",
]


def candidates_frame(result: Result) -> pd.DataFrame:
    """Return the candidates as a table for people (and for CSV/Excel downloads)."""
    import pandas as pd

    rows = [
        (
            c.rank,
            c.reference,
            c.occupation,
            c.title,
            c.level,
            c.route or "unknown",
            round(c.score, 3),
            c.confidence,
            c.level_fit,
            c.eligibility,
            " ".join(c.eligibility_notes),
            catalogue.map_url(c.occupation),
            "; ".join(f"{o.occupation} {o.title}" for o in c.options),
            round(c.lexical, 3),
            round(c.semantic, 3),
            round(c.precedent, 3),
            "; ".join(f"{e.field}: {', '.join(e.terms)}" for e in c.reasons),
            c.passages[0].passage if c.passages else "",
            c.passages[0].sentence if c.passages else "",
            "; ".join(f"{p.code} {p.title}" for p in c.precedents),
        )
        for c in result.candidates
    ]
    return pd.DataFrame(rows, columns=CANDIDATE_COLUMNS)


def contributions(candidate: Candidate, result: Result) -> dict[str, float]:
    """Return how much each kind of evidence added to a candidate's score (they sum to the score)."""
    factor = OTHER_LEVEL if candidate.level in result.discounted else 1.0
    content_share = factor * (1 - result.precedent_weight) / result.scale
    return {
        "Words in common": content_share * (1 - result.dense_weight) * candidate.lexical,
        "Similar meaning": content_share * result.dense_weight * candidate.semantic,
        "Approved HTQ precedent": factor * result.precedent_weight * candidate.precedent / result.scale,
    }
