"""Semantic text vectors with NumPy alone: static word-piece vectors distilled from all-MiniLM-L6-v2.

A text's vector is the weighted mean of its word pieces' vectors; rare pieces weigh more (smooth
inverse frequency, counted on the snapshot's own texts), so "nurse" pulls harder than "work".
The vectors and vocabulary live in htq/vectors/ (see its README for how they were made).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

VECTORS_DIR = Path(__file__).resolve().parent / "vectors"
MAX_PIECES_PER_WORD = 100
MAX_CACHED_WORDS = 200_000
SIF_A = 1e-3


class WordPiece:
    """BERT's uncased tokenizer (basic split, accent stripping, greedy longest-match word pieces)."""

    def __init__(self, vocab: Sequence[str]) -> None:
        self.ids = {piece: i for i, piece in enumerate(vocab)}
        self.unk = self.ids.get("[UNK]", 100)
        self._cache: dict[str, tuple[int, ...]] = {}

    @staticmethod
    def _words(text: str) -> list[str]:
        text = unicodedata.normalize("NFD", text.lower())
        out: list[str] = []
        current: list[str] = []
        for ch in text:
            cat = unicodedata.category(ch)
            if cat == "Mn":
                continue
            if ch.isspace() or cat.startswith("C"):
                if current:
                    out.append("".join(current))
                    current = []
            elif cat.startswith("P") or (ch.isascii() and not ch.isalnum()) or _is_cjk(ch):
                if current:
                    out.append("".join(current))
                    current = []
                out.append(ch)
            else:
                current.append(ch)
        if current:
            out.append("".join(current))
        return out

    def _pieces(self, word: str) -> tuple[int, ...]:
        found = self._cache.get(word)
        if found is None:
            if len(self._cache) > MAX_CACHED_WORDS:  # a long-running server sees endless new words
                self._cache.clear()
            found = self._cache[word] = self._split(word)
        return found

    def _split(self, word: str) -> tuple[int, ...]:
        if len(word) > MAX_PIECES_PER_WORD:
            return (self.unk,)
        out = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.ids:
                    found = self.ids[piece]
                    break
                end -= 1
            if found is None:
                return (self.unk,)
            out.append(found)
            start = end
        return tuple(out)

    def encode(self, text: str) -> list[int]:
        """Return the word-piece ids of a text (no [CLS]/[SEP])."""
        return [i for w in self._words(text) for i in self._pieces(w)]


def _is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x2FA1F


class StaticEmbedder:
    """Turns texts into unit vectors; built once (vectors plus corpus weights), read-only after."""

    def __init__(self, corpus: Iterable[str] = ()) -> None:
        vocab = (VECTORS_DIR / "vocab.txt").read_text(encoding="utf-8").splitlines()
        with np.load(VECTORS_DIR / "minilm_l6_static.npz") as data:
            self.vectors = data["vectors"].astype(np.float32) * data["scale"][:, None]
        if len(vocab) != len(self.vectors):
            raise ValueError(f"{VECTORS_DIR}: vocab.txt has {len(vocab)} pieces, the vectors {len(self.vectors)}")
        self.tokenizer = WordPiece(vocab)
        counts: Counter[int] = Counter()
        for text in corpus:
            counts.update(self.tokenizer.encode(text))
        total = sum(counts.values()) or 1
        freq = np.zeros(len(vocab), dtype=np.float64)
        for i, n in counts.items():
            freq[i] = n / total
        self.weights = (SIF_A / (SIF_A + freq)).astype(np.float32)
        self.weights[[self.tokenizer.ids.get(p, 0) for p in ("[UNK]", "[PAD]", "[CLS]", "[SEP]", "[MASK]")]] = 0.0

    @classmethod
    def for_occupations(cls, occupations: Iterable[Any]) -> StaticEmbedder:
        """Return an embedder weighted on the occupations' titles, overviews and summaries (what matching uses)."""
        return cls(f"{o.title} {o.overview or ''} {o.summary or ''}" for o in occupations)

    @property
    def dimensions(self) -> int:
        """Return the length of each vector."""
        return int(self.vectors.shape[1])

    def embed(self, text: str) -> np.ndarray:
        """Return the unit vector of one text (zeros when it has no known pieces)."""
        ids = self.tokenizer.encode(text)
        if not ids:
            return np.zeros(self.dimensions, dtype=np.float32)
        v = (self.vectors[ids] * self.weights[ids, None]).sum(axis=0)
        norm = float(np.linalg.norm(v))
        return v / norm if norm > 0 else v

    def embed_many(self, texts: Sequence[str]) -> np.ndarray:
        """Return one unit vector per text, stacked."""
        return np.vstack([self.embed(t) for t in texts]) if texts else np.zeros((0, self.dimensions), np.float32)
