"""Text analysis and a field-weighted BM25 index, shared by search and matching."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import snowballstemmer

_WORD = re.compile(r"[a-z0-9]+(?:[+#][a-z0-9+#]*)?")
_STEMMER = snowballstemmer.stemmer("english")

STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "etc",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "may",
        "me",
        "more",
        "most",
        "must",
        "my",
        "no",
        "nor",
        "not",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "use",
        "used",
        "using",
        "very",
        "via",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "within",
        "would",
        "you",
        "your",
        "e",
        "g",
        "eg",
        "ie",
        "including",
        "include",
        "includes",
        "level",
        "non",
    ]
)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Return the Snowball (Porter2) stem of one lower-case word."""
    return _STEMMER.stemWord(word)


def words(text: str) -> list[str]:
    """Return the lower-case words of a text, stop words removed, in order."""
    return [w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS and len(w) > 1]


def terms(text: str) -> list[str]:
    """Return the stemmed terms of a text, in order (case and plurals folded)."""
    return [stem(w) for w in words(text)]


def surface_forms(text: str) -> dict[str, str]:
    """Return, for each stem in a text, the first word that produced it, as written (for explanations)."""
    forms: dict[str, str] = {}
    for m in _WORD.finditer(text.lower()):
        word = m.group(0)
        if word not in STOP_WORDS and len(word) > 1:
            forms.setdefault(stem(word), text[m.start() : m.end()])
    return forms


@dataclass(frozen=True)
class FieldSpec:
    """How much one field counts in BM25F and how strongly its length is normalised."""

    weight: float
    b: float = 0.75


class FieldIndex:
    """A field-weighted BM25 (BM25F) index over a fixed list of documents.

    Built once, read-only afterwards: safe to share between sessions.
    """

    def __init__(
        self,
        docs: Sequence[Mapping[str, str]],
        fields: Mapping[str, FieldSpec],
        k1: float = 1.2,
        analyse: Callable[[str], list[str]] = terms,
    ) -> None:
        self.fields = dict(fields)
        self.analyse = analyse
        self.k1 = k1
        self.n_docs = len(docs)
        self._field_terms: list[dict[str, Counter[str]]] = []
        lengths: dict[str, list[int]] = {f: [] for f in fields}
        for doc in docs:
            per_field = {}
            for f in fields:
                counts = Counter(analyse(doc.get(f) or ""))
                per_field[f] = counts
                lengths[f].append(sum(counts.values()))
            self._field_terms.append(per_field)
        avg = {f: (sum(v) / len(v) if v and sum(v) else 1.0) for f, v in lengths.items()}

        combined: dict[str, dict[int, float]] = defaultdict(dict)
        for i, per_field in enumerate(self._field_terms):
            for f, counts in per_field.items():
                spec = self.fields[f]
                norm = 1.0 - spec.b + spec.b * (lengths[f][i] / avg[f])
                for term, tf in counts.items():
                    combined[term][i] = combined[term].get(i, 0.0) + spec.weight * tf / norm
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._idf: dict[str, float] = {}
        for term, docs_tf in combined.items():
            ids = np.fromiter(docs_tf.keys(), dtype=np.int32, count=len(docs_tf))
            weights = np.fromiter(docs_tf.values(), dtype=np.float64, count=len(docs_tf))
            self._postings[term] = (ids, weights / (self.k1 + weights))
            n_with = len(docs_tf)
            self._idf[term] = math.log(1.0 + (self.n_docs - n_with + 0.5) / (n_with + 0.5))

    def idf(self, term: str) -> float:
        """Return the inverse document frequency of a stemmed term (0 when unseen)."""
        return self._idf.get(term, 0.0)

    def scores(self, query_terms: Iterable[str]) -> np.ndarray:
        """Return the BM25F score of every document for the given stemmed query terms.

        A term repeated in the query counts once per occurrence, damped by a square root so a
        long programme text does not drown in its most repeated word.
        """
        out = np.zeros(self.n_docs, dtype=np.float64)
        counts = Counter(query_terms)
        for term, qtf in counts.items():
            posting = self._postings.get(term)
            if posting is None:
                continue
            ids, sat = posting
            w = math.sqrt(qtf)
            np.add.at(out, ids, w * self._idf[term] * sat)
        return out

    def search(self, query: str, limit: int | None = None) -> list[tuple[int, float]]:
        """Return (document position, score) pairs with a positive score, best first."""
        s = self.scores(self.analyse(query))
        hits = np.nonzero(s > 0)[0]
        order = hits[np.lexsort((hits, -s[hits]))]
        if limit is not None:
            order = order[:limit]
        return [(int(i), float(s[i])) for i in order]

    def matched_terms(self, query_terms: Iterable[str], doc: int) -> dict[str, list[str]]:
        """Return, per field, the query terms found in that field of one document (best first)."""
        wanted = set(query_terms)
        out: dict[str, list[str]] = {}
        for f, counts in self._field_terms[doc].items():
            hit = [t for t in counts if t in wanted]
            if hit:
                out[f] = sorted(hit, key=lambda t: (-self._idf.get(t, 0.0), t))
        return out
