"""The standards' contextual vectors: embedded once per snapshot and model, kept beside the snapshot.

For each level 4/5 occupation the file holds one vector of its document (title, job titles,
keywords, overview and summary) and one vector per sentence of its overview, summary, KSBs and
duties (the "standard's sentences" that explanations quote). The file records the model's name
and checksum and a digest of the texts it embedded; a changed model or snapshot rebuilds it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from htq.embed import ContextualEmbedder
from htq.model import HTQ_LEVELS, Occupation, StandardContent
from htq.snapshot import Snapshot

FILE_NAME = "embeddings.npz"
FORMAT = 2
MAX_SENTENCES = 80  # per occupation: enough for every KSB of the largest standard we hold
MIN_SENTENCE_WORDS = 4

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z0-9(“\"'])|\n+")


def split_sentences(text: str) -> list[str]:
    """Return the sentences (or lines) of a text, stripped, in order."""
    return [s.strip(" \t-•*·") for s in _SENTENCE_END.split(text or "") if s.strip(" \t-•*·")]


def document(occ: Occupation) -> str:
    """Return the text embedded for one occupation: names first, so the model's token limit cuts prose."""
    parts = [f"{occ.title}."]
    if occ.job_titles:
        parts.append(f"Job titles: {'; '.join(occ.job_titles)}.")
    if occ.keywords:
        parts.append(f"Keywords: {'; '.join(occ.keywords)}.")
    parts += [occ.overview or "", occ.summary or ""]
    return " ".join(p for p in parts if p)


def sentences(occ: Occupation, content: StandardContent | None) -> list[str]:
    """Return the standard's sentences that explanations may quote (overview, summary, KSBs, duties)."""
    found = split_sentences(occ.overview or "") + split_sentences(occ.summary or "")
    if content is not None:
        found += [f"{k.code}: {k.text}" for k in content.ksbs] + [f"{d.code}: {d.text}" for d in content.duties]
    unique = list(dict.fromkeys(s for s in found if len(s.split()) >= MIN_SENTENCE_WORDS))
    return unique[:MAX_SENTENCES]


@dataclass(frozen=True)
class StandardVectors:
    """Per occupation: its document's vector and its sentences' vectors, all unit length."""

    codes: tuple[str, ...]
    documents: np.ndarray  # (n, d)
    sentence_text: tuple[tuple[str, ...], ...]
    sentence_vectors: tuple[np.ndarray, ...]  # one (m_i, d) array per occupation
    model: str
    model_sha256: str
    digest: str
    items: tuple[str, ...] = ()  # per occupation: the digest of its texts


def occupations_for(occupations: Sequence[Occupation]) -> list[Occupation]:
    """Return the occupations matching ranks (levels 4 and 5), in snapshot order."""
    return [o for o in occupations if o.level in HTQ_LEVELS]


def _texts(occupations: Sequence[Occupation], content: dict[str, StandardContent]) -> tuple[list[str], list[list[str]]]:
    docs = [document(o) for o in occupations]
    sents = [sentences(o, content.get(o.reference or "")) for o in occupations]
    return docs, sents


def _item_digest(code: str, doc: str, sents: Sequence[str]) -> str:
    h = hashlib.sha256()
    for part in (code, doc, *sents):
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()


def _digest(items: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(items).encode()).hexdigest()


def digest_for(occupations: Sequence[Occupation], content: dict[str, StandardContent]) -> str:
    """Return the digest of the texts these occupations would be embedded from."""
    docs, sents = _texts(occupations, content)
    return _digest([_item_digest(o.code, d, ss) for o, d, ss in zip(occupations, docs, sents, strict=True)])


def compute(
    occupations: Sequence[Occupation],
    content: dict[str, StandardContent],
    embedder: ContextualEmbedder,
    reuse: StandardVectors | None = None,
) -> StandardVectors:
    """Return the vectors of the occupations' documents and sentences, reusing those of `reuse` whose
    texts are unchanged (a refresh re-embeds only what changed; a few seconds per hundred standards)."""
    docs, sents = _texts(occupations, content)
    items = [_item_digest(o.code, d, ss) for o, d, ss in zip(occupations, docs, sents, strict=True)]
    known: dict[str, int] = {}
    if reuse is not None and reuse.model_sha256 == embedder.checksum:
        known = {item: k for k, item in enumerate(reuse.items)}
    todo = [k for k, item in enumerate(items) if item not in known]
    new_docs = embedder.embed_many([docs[k] for k in todo])
    flat = [s for k in todo for s in sents[k]]
    flat_vectors = embedder.embed_many(flat)
    doc_vectors = np.zeros((len(occupations), embedder.dimensions), dtype=np.float32)
    sentence_vectors: list[np.ndarray] = [np.zeros((0, embedder.dimensions), dtype=np.float32)] * len(occupations)
    start = 0
    for row, k in enumerate(todo):
        doc_vectors[k] = new_docs[row]
        sentence_vectors[k] = flat_vectors[start : start + len(sents[k])]
        start += len(sents[k])
    for k, item in enumerate(items):
        if item in known and reuse is not None:
            doc_vectors[k] = reuse.documents[known[item]]
            sentence_vectors[k] = reuse.sentence_vectors[known[item]]
    return StandardVectors(
        tuple(o.code for o in occupations),
        doc_vectors,
        tuple(tuple(ss) for ss in sents),
        tuple(sentence_vectors),
        embedder.name,
        embedder.checksum,
        _digest(items),
        tuple(items),
    )


def save(vectors: StandardVectors, folder: Path) -> Path:
    """Write the vectors into a snapshot folder atomically (float16) and return the file's path."""
    lengths = np.array([len(v) for v in vectors.sentence_vectors], dtype=np.int32)
    dims = vectors.documents.shape[1]
    stacked = (np.vstack(vectors.sentence_vectors) if lengths.sum() else np.zeros((0, dims))).astype(np.float16)
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        format=np.array(FORMAT),
        codes=np.array(vectors.codes),
        documents=vectors.documents.astype(np.float16),
        lengths=lengths,
        sentences=stacked,
        sentence_text=np.array([s for ss in vectors.sentence_text for s in ss]),
        model=np.array(vectors.model),
        model_sha256=np.array(vectors.model_sha256),
        digest=np.array(vectors.digest),
        items=np.array(vectors.items),
    )
    path = Path(folder) / FILE_NAME
    tmp = path.with_name(f".{FILE_NAME}.{secrets.token_hex(4)}")
    with open(tmp, "wb") as fh:
        fh.write(buffer.getvalue())
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return path


def read(folder: Path) -> StandardVectors | None:
    """Return the vectors stored in a snapshot folder, or None when there are none or they are unreadable."""
    path = Path(folder) / FILE_NAME
    try:
        with np.load(path, allow_pickle=False) as raw:
            if int(raw["format"]) != FORMAT:
                return None
            lengths = raw["lengths"].astype(int)
            flat = raw["sentences"].astype(np.float32)
            flat_text = [str(s) for s in raw["sentence_text"]]
            vectors, texts, start = [], [], 0
            for n in lengths:
                vectors.append(flat[start : start + n])
                texts.append(tuple(flat_text[start : start + n]))
                start += n
            return StandardVectors(
                tuple(str(c) for c in raw["codes"]),
                raw["documents"].astype(np.float32),
                tuple(texts),
                tuple(vectors),
                str(raw["model"]),
                str(raw["model_sha256"]),
                str(raw["digest"]),
                tuple(str(i) for i in raw["items"]),
            )
    except (OSError, KeyError, ValueError):
        return None


def current(
    occupations: Sequence[Occupation],
    content: dict[str, StandardContent],
    embedder: ContextualEmbedder,
    folder: Path | None,
    reuse: StandardVectors | None = None,
) -> StandardVectors:
    """Return vectors for these occupations: the stored ones when model and texts are unchanged, else
    new ones (re-embedding only changed standards, reusing `reuse`'s vectors where given), saved back to
    the folder when it is writable (a read-only install just keeps them in memory)."""
    stored = read(folder) if folder is not None else None
    if (
        stored is not None
        and stored.digest == digest_for(occupations, content)
        and stored.model_sha256 == embedder.checksum
    ):
        return stored
    fresh = compute(occupations, content, embedder, stored if stored is not None and stored.items else reuse)
    if folder is not None:
        with contextlib.suppress(OSError):
            save(fresh, folder)
    return fresh


def prepare(snap: Snapshot, reuse: StandardVectors | None = None) -> str:
    """Embed a newly written snapshot's standards into its folder (reusing `reuse`'s vectors for
    standards whose texts did not change); return a line saying what was done."""
    from htq.embed import load_contextual

    model, reason = load_contextual()
    if model is None:
        return f"Standards not embedded ({reason}); matching will use words alone until the model is installed."
    occupations = occupations_for(snap.data.occupations)
    current(occupations, snap.data.content, model, snap.path, reuse)
    return f"{len(occupations)} standards embedded with {model.name}."
