"""Rank the standards a programme could align to, with the evidence that put each one there.

Three kinds of evidence, each on a 0..1 scale (measured in bench/match_quality.py):

- lexical: a field-weighted BM25 over each occupation's title, job titles, keywords, SOC and map
  names, summary and, where known, KSBs and duties, as a share of the most the query could score;
- semantic: the cosine between the programme and the occupation in a static word-piece vector
  space distilled from all-MiniLM-L6-v2 (htq.embed), so "computing" finds "software developer";
- precedent: approved HTQs whose titles resemble the programme's point at the standards they were
  approved against.

content = mean of lexical and semantic; score = 0.4 content + 0.6 precedent, rescaled so that a
programme with no precedent at all is scored on content alone.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from htq.embed import StaticEmbedder
from htq.model import HTQ_LEVELS, Occupation, StandardContent
from htq.snapshot import Snapshot
from htq.text import FieldIndex, FieldSpec, stem, surface_forms, terms, words

if TYPE_CHECKING:
    import pandas as pd

# Words that name the kind of qualification, its level or its awarding body, not its subject.
QUALIFICATION_WORDS = frozenset(stem(w) for w in """
    fdsc fda fdeng fd foundation degree degrees certificate certificates cert certhe certification
    diploma diplomas diphe dip hnc hnd higher national education he level levels england pearson btec
    ncfe cache cmi ncc highfield biiab nocn cskills cpcab aat sfj pal awards award science arts
    programme modular technical practice integrated professional professionals course
    qualification qualifications applied studies general""".split())
# Words every programme page uses whatever its subject.
PROGRAMME_WORDS = frozenset(stem(w) for w in """
    module modules credit credits student students learner learners course courses university college
    year years semester semesters week weeks hour hours assessment assessments coursework exam exams
    examination examinations entry requirement requirements ucas tuition fee fees graduate graduates
    career careers employability teaching taught lecture lectures seminar seminars tutorial tutorials
    campus compulsory optional""".split())

CONTENT_FIELDS = {
    "title": FieldSpec(weight=5.0, b=0.3),
    "job_titles": FieldSpec(weight=2.5, b=0.5),
    "keywords": FieldSpec(weight=2.0, b=0.5),
    "soc": FieldSpec(weight=1.0, b=0.3),
    "map": FieldSpec(weight=1.0, b=0.3),
    "summary": FieldSpec(weight=1.0, b=0.75),
    "ksbs": FieldSpec(weight=1.0, b=0.75),
}
PRECEDENT_FIELDS = {"title": FieldSpec(weight=1.0, b=0.5)}
FIELD_LABELS = {"title": "title", "job_titles": "job titles", "keywords": "keywords",
                "soc": "occupation (SOC)", "map": "route, pathway and cluster", "summary": "summary",
                "ksbs": "KSBs and duties"}

SEMANTIC_WEIGHT = 0.5
PRECEDENT_WEIGHT = 0.6
# Precedent rests on the title alone; once the programme's own text has this many subject words,
# the precedent weight is halved so that what the programme teaches decides.
RICH_TEXT_TERMS = 20
COSINE_FLOOR, COSINE_CEILING = 0.2, 0.8  # cosines below the floor mean nothing here; above the ceiling, a match
LEXICAL_FULL_MARKS = 0.5
TITLE_REPEAT = 3
LEVEL_UP_PENALTY = 0.9
HIGH, MEDIUM, LOW = "high", "medium", "low"
MIN_SEGMENT_WORDS = 3
PROGRESSION_SHARE = 0.25


@dataclass(frozen=True)
class Programme:
    """A programme to match: its title, level (4, 5 or None), free text and optional route."""

    title: str
    text: str = ""
    level: int | None = None
    route: str | None = None


@dataclass(frozen=True)
class Evidence:
    """Programme words that matched one part of a standard."""

    field: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Precedent:
    """An approved HTQ whose title resembles the programme's, and the standards it aligns to."""

    code: str
    title: str
    level: int | None
    similarity: float
    occupations: tuple[str, ...]


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
    reasons: tuple[Evidence, ...] = ()
    precedents: tuple[Precedent, ...] = ()
    lexical: float = 0.0
    semantic: float = 0.0
    precedent: float = 0.0

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
            "evidence": {"lexical": round(self.lexical, 4), "semantic": round(self.semantic, 4),
                         "precedent": round(self.precedent, 4)},
            "reasons": [{"field": e.field, "terms": list(e.terms)} for e in self.reasons],
            "precedents": [{"code": p.code, "title": p.title, "level": p.level,
                            "similarity": round(p.similarity, 3), "occupations": list(p.occupations)}
                           for p in self.precedents],
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
        return (f"The programme reads as occupational progression: {len(self.first_parts)} part(s) align best "
                f"with {titles.get(self.first, self.first)} and {len(self.second_parts)} with "
                f"{titles.get(self.second, self.second)}. An HTQ drawing KSBs from both standards may fit better "
                "than either alone.")


@dataclass(frozen=True)
class Result:
    """The ranked candidates, an occupational-progression suggestion where one fits, and warnings."""

    candidates: tuple[Candidate, ...]
    progression: Progression | None = None
    warnings: tuple[str, ...] = ()
    scale: float = 1.0  # what the weighted evidence was divided by to give the scores
    precedent_weight: float = 0.0


def match_terms(text: str) -> list[str]:
    """Return the stemmed subject terms of a text: qualification and programme-page words dropped."""
    return [t for t in terms(text) if t not in QUALIFICATION_WORDS and t not in PROGRAMME_WORDS]


def subject_text(text: str) -> str:
    """Return the text's words with qualification and programme-page words removed."""
    return " ".join(w for w in words(text) if stem(w) not in QUALIFICATION_WORDS and stem(w) not in PROGRAMME_WORDS)


def _occupation_doc(occ: Occupation, content: StandardContent | None) -> dict[str, str]:
    soc = " ".join([occ.soc2020_title or ""] + [s[1] for s in occ.soc_subgroups])
    ksb_text = ""
    if content is not None:
        ksb_text = " ".join([k.text for k in content.ksbs] + [d.text for d in content.duties])
    return {
        "title": " ".join(x for x in (occ.title, occ.standard_title or "") if x),
        "job_titles": " ; ".join(occ.job_titles),
        "keywords": " ; ".join(occ.keywords),
        "soc": soc,
        "map": " ; ".join(x for x in (occ.route, occ.pathway, occ.cluster) if x),
        "summary": " ".join(x for x in (occ.overview or "", occ.summary or "") if x),
        "ksbs": ksb_text,
    }


def _semantic_doc(occ: Occupation, held: set[str]) -> str:
    parts = [f"{occ.title}.", occ.overview or ""]
    if "job_titles" not in held:
        parts.append(f"Job titles: {'; '.join(occ.job_titles)}.")
    if "keywords" not in held:
        parts.append(f"Keywords: {'; '.join(occ.keywords)}.")
    return " ".join(parts)


@dataclass
class MatchIndex:
    """Everything matching needs, built once from a snapshot and read-only afterwards."""

    occupations: list[Occupation]
    content: FieldIndex
    precedent: FieldIndex
    htqs: list[tuple[str, str, int | None, tuple[str, ...]]]  # code, title, level, occupation codes
    embedder: StaticEmbedder
    vectors: np.ndarray  # one unit vector per occupation
    position: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(cls, snapshot: Snapshot, levels: Sequence[int] = HTQ_LEVELS,
              hold_out: Iterable[str] = ()) -> MatchIndex:
        """Return the index over the snapshot's occupations at `levels` (fields in `hold_out` left out)."""
        held = set(hold_out)
        occupations = [o for o in snapshot.data.occupations if o.level in levels]
        docs = []
        for occ in occupations:
            doc = _occupation_doc(occ, snapshot.data.content.get(occ.reference or ""))
            docs.append({k: ("" if k in held else v) for k, v in doc.items()})
        content = FieldIndex(docs, CONTENT_FIELDS, analyse=match_terms)
        by_code: dict[str, tuple[str, int | None, list[str]]] = {}
        for occ in occupations:
            for h in occ.htqs:
                by_code.setdefault(h.code, (h.title, h.level, []))[2].append(occ.code)
        htqs = [(code, t, lvl, tuple(occs)) for code, (t, lvl, occs) in sorted(by_code.items())]
        precedent = FieldIndex([{"title": t} for _, t, _, _ in htqs], PRECEDENT_FIELDS, analyse=match_terms)
        embedder = StaticEmbedder.for_occupations(snapshot.data.occupations)
        vectors = embedder.embed_many([_semantic_doc(o, held) for o in occupations])
        return cls(occupations, content, precedent, htqs, embedder, vectors,
                   {o.code: i for i, o in enumerate(occupations)})


def _lexical_share(index: MatchIndex, query: list[str]) -> np.ndarray:
    """Return each occupation's BM25F score as a share of the most this query could score."""
    if not query:
        return np.zeros(len(index.occupations))
    ceiling = sum(math.sqrt(n) * index.content.idf(t) for t, n in Counter(query).items())
    return index.content.scores(query) / ceiling if ceiling > 0 else np.zeros(len(index.occupations))


def lexical_scores(index: MatchIndex, programme: Programme) -> np.ndarray:
    """Return lexical evidence per occupation, 0..1.

    The query is the title's terms three times plus the text's. Occupations keep their BM25F
    order; the best one scores its share of the most the query could score, counted in full
    from half (no standard explains every word of a long programme text).
    """
    share = _lexical_share(index, match_terms(programme.title) * TITLE_REPEAT + match_terms(programme.text))
    best = float(share.max(initial=0.0))
    return share / best * min(1.0, best / LEXICAL_FULL_MARKS) if best > 0 else share


def _query_vector(index: MatchIndex, title: str, text: str) -> np.ndarray | None:
    vec = index.embedder.embed(subject_text(title))
    if text.strip():
        vec = vec + index.embedder.embed(subject_text(text))
    norm = float(np.linalg.norm(vec))
    return vec / norm if norm > 0 else None


def semantic_scores(index: MatchIndex, programme: Programme) -> np.ndarray:
    """Return semantic evidence per occupation, 0..1, from the cosine to the programme (title and text)."""
    query = _query_vector(index, programme.title, programme.text)
    if query is None:
        return np.zeros(len(index.occupations))
    cosine = index.vectors @ query
    return np.clip((cosine - COSINE_FLOOR) / (COSINE_CEILING - COSINE_FLOOR), 0, 1)


def precedent_scores(index: MatchIndex, programme: Programme,
                     exclude: Iterable[str] = ()) -> tuple[np.ndarray, list[Precedent]]:
    """Return per-occupation precedent evidence (0..1) and the HTQs that gave it, most similar first."""
    excluded = set(exclude)
    query = match_terms(programme.title)
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


def confidence(score: float, margin: float) -> str:
    """Return the confidence band of a candidate from its score and its lead over the next standard.

    Thresholds read off bench/match_quality.py, which prints how often each band's first
    candidate is right on the evaluation sets.
    """
    if score >= 0.6 and margin >= 0.1:
        return HIGH
    if score >= 0.4:
        return MEDIUM
    return LOW


def segments(text: str) -> list[str]:
    """Return the parts of a programme text worth matching on their own (lines of a few words or more)."""
    parts = [p.strip(" \t-•*·") for p in re.split(r"[\r\n]+", text)]
    return [p for p in parts if len(words(p)) >= MIN_SEGMENT_WORDS]


def _progression(index: MatchIndex, programme: Programme, shortlist: list[int], score: np.ndarray) -> Progression | None:
    """Return the first candidate and another standard when the programme's parts divide between them.

    Each part (a line of a few words: a module, an outcome) goes to the shortlisted standard it
    matches best, if clearly; a pair is suggested when the second standard wins at least a quarter
    of the parts the first does not, and scores at least 60% of the first overall.
    """
    parts = segments(programme.text)
    if len(parts) < 4 or len(shortlist) < 2:
        return None
    first = shortlist[0]
    winners: dict[int, list[str]] = {}
    for part in parts:
        lexical = np.clip(_lexical_share(index, match_terms(part)) / LEXICAL_FULL_MARKS, 0, 1)
        vec = _query_vector(index, part, "")
        semantic = np.zeros_like(lexical) if vec is None else np.clip(
            (index.vectors @ vec - COSINE_FLOOR) / (COSINE_CEILING - COSINE_FLOOR), 0, 1)
        evidence = 0.5 * lexical + 0.5 * semantic
        best, runner_up = sorted(shortlist, key=lambda i: -evidence[i])[:2]
        if evidence[best] > 0.25 and evidence[best] - evidence[runner_up] > 0.05:
            winners.setdefault(best, []).append(part)
    others = sorted(((i, p) for i, p in winners.items() if i != first), key=lambda kv: -len(kv[1]))
    if not others or first not in winners:
        return None
    second, second_parts = others[0]
    counted = sum(len(v) for v in winners.values())
    same_standard = index.occupations[first].reference and (
        index.occupations[first].reference == index.occupations[second].reference)
    if (same_standard or len(second_parts) < 2 or len(second_parts) / counted < PROGRESSION_SHARE
            or score[second] < 0.6 * score[first]):
        return None
    return Progression(index.occupations[first].code, index.occupations[second].code,
                       tuple(winners[first]), tuple(second_parts))


def precedent_weight(programme: Programme) -> float:
    """Return how much precedent counts for this programme: less once its own text says enough."""
    return PRECEDENT_WEIGHT / 2 if len(match_terms(programme.text)) >= RICH_TEXT_TERMS else PRECEDENT_WEIGHT


def _lead(index: MatchIndex, score: np.ndarray, order: list[int]) -> float:
    """Return the first candidate's lead over the next *other* standard (options of one standard score alike)."""
    if not order:
        return 0.0
    key = lambda i: index.occupations[i].reference or index.occupations[i].code  # noqa: E731
    following = next((float(score[j]) for j in order[1:] if key(j) != key(order[0])), 0.0)
    return float(score[order[0]]) - following


def rank(index: MatchIndex, programme: Programme, top: int = 10, precedents: bool = True,
         exclude_htqs: Iterable[str] = ()) -> Result:
    """Return the best `top` candidates for a programme, best first, with reasons and precedents."""
    query = match_terms(programme.title) + match_terms(programme.text)
    if not query:
        return Result((), None, ("The programme has no subject words to match on: add its title, overview or "
                                 "modules.",))
    lexical = lexical_scores(index, programme)
    semantic = semantic_scores(index, programme)
    content = (1 - SEMANTIC_WEIGHT) * lexical + SEMANTIC_WEIGHT * semantic
    weight = precedent_weight(programme) if precedents else 0.0
    if precedents:
        prec, found = precedent_scores(index, programme, exclude_htqs)
        # Divide by what the best precedent allows, so a programme no HTQ resembles is scored on content.
        scale = (1 - weight) + weight * float(prec.max(initial=0.0))
        score = ((1 - weight) * content + weight * prec) / scale
    else:
        prec, found, scale = np.zeros_like(content), [], 1.0
        score = content
    if programme.level == 4:
        score = np.where(np.array([o.level for o in index.occupations]) == 5, score * LEVEL_UP_PENALTY, score)
    warnings = []
    if programme.route:
        in_route = np.array([o.route == programme.route for o in index.occupations])
        if in_route.any():
            score = np.where(in_route, score, -1.0)
        else:
            warnings.append(f"No level 4 or 5 standard is in the route “{programme.route}”; all routes were searched.")
    ranked = [int(i) for i in np.argsort(-score, kind="stable") if score[i] > 0]
    order = ranked[:top]
    forms = surface_forms(f"{programme.title}\n{programme.text}")
    qset = set(query)
    out = []
    lead = _lead(index, score, ranked)
    for r, i in enumerate(order):
        occ = index.occupations[i]
        hits = index.content.matched_terms(qset, i)
        reasons = tuple(Evidence(FIELD_LABELS[f], tuple(dict.fromkeys(forms.get(t, t) for t in ts))[:8])
                        for f, ts in hits.items())
        out.append(Candidate(
            rank=r + 1, reference=occ.reference or occ.code, occupation=occ.code, title=occ.title,
            level=occ.level, route=occ.route, score=float(score[i]),
            # Bands were calibrated on first candidates; a later one has no lead, so it is at most "medium".
            confidence=confidence(float(score[i]), lead if r == 0 else 0.0),
            level_fit=level_fit(programme.level, occ.level), reasons=reasons,
            precedents=tuple(p for p in found if occ.code in p.occupations)[:3],
            lexical=float(lexical[i]), semantic=float(semantic[i]), precedent=float(prec[i]),
        ))
    progression = _progression(index, programme, order[:5], score)
    return Result(tuple(out), progression, tuple(warnings), scale, weight)


def candidates_frame(result: Result) -> pd.DataFrame:
    """Return the candidates as a table for people (and for CSV/Excel downloads)."""
    import pandas as pd

    rows = []
    for c in result.candidates:
        rows.append({
            "Rank": c.rank, "Standard": c.reference, "Occupation": c.occupation, "Title": c.title,
            "Level": c.level, "Route": c.route or "unknown", "Score": round(c.score, 3),
            "Confidence": c.confidence, "Level fit": c.level_fit,
            "Lexical evidence": round(c.lexical, 3), "Semantic evidence": round(c.semantic, 3),
            "Precedent evidence": round(c.precedent, 3),
            "Matched words": "; ".join(f"{e.field}: {', '.join(e.terms)}" for e in c.reasons),
            "Precedent HTQs": "; ".join(f"{p.code} {p.title}" for p in c.precedents),
        })
    return pd.DataFrame(rows, columns=["Rank", "Standard", "Occupation", "Title", "Level", "Route", "Score",
                                       "Confidence", "Level fit", "Lexical evidence", "Semantic evidence",
                                       "Precedent evidence", "Matched words", "Precedent HTQs"])


def contributions(candidate: Candidate, result: Result) -> dict[str, float]:
    """Return how much each kind of evidence added to a candidate's score (they sum to the score
    before the level-4-to-5 discount)."""
    content_share = (1 - result.precedent_weight) / result.scale
    return {
        "Words in common": content_share * (1 - SEMANTIC_WEIGHT) * candidate.lexical,
        "Similar meaning": content_share * SEMANTIC_WEIGHT * candidate.semantic,
        "Approved HTQ precedent": result.precedent_weight * candidate.precedent / result.scale,
    }
