"""The sentence model: installed from the requirements, checksum verified, tokenizer ids, fallbacks."""

from dataclasses import replace

import numpy as np
import pytest

from htq import embed, embeddings


@pytest.fixture(scope="module")
def model():
    return embed.ContextualEmbedder()


def test_the_model_comes_from_its_package_and_passes_its_checksum(model):
    assert model.checksum == embed.MINILM_INT8.sha256
    assert embed.model_file(embed.MINILM_INT8).name == "model.onnx"
    assert model.dimensions == 384


def test_vectors_are_unit_length_and_mean_what_they_say(model):
    v = model.embed_many(
        [
            "software developer writing web applications",
            "programming and coding apps",
            "a nurse caring for patients on a hospital ward",
        ]
    )
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2


def test_texts_without_pieces_get_zero_vectors_and_order_is_kept(model):
    v = model.embed_many(["", "nursing", "   "])
    assert not v[0].any() and not v[2].any() and v[1].any()
    assert np.allclose(model.embed_many(["nursing"])[0], v[1], atol=1e-5)


def test_long_texts_are_cut_to_the_model_limit(model):
    ids = model.ids("word " * 1000)
    assert len(ids) == embed.MINILM_INT8.max_tokens and ids[0] == model.tokenizer.ids["[CLS]"]
    assert ids[-1] == model.tokenizer.ids["[SEP]"]


def test_wordpiece_gives_the_model_vocabulary_ids(model):
    tok = model.tokenizer
    assert tok.encode("Hello world") == [7592, 2088]  # bert-base-uncased ids
    assert tok.encode("Café") == tok.encode("cafe")  # accents stripped, lower-cased
    assert [tok.ids["una"], tok.ids["##ffa"], tok.ids["##ble"]] == tok.encode("unaffable")  # the BERT paper's example
    assert tok.encode("x" * 150) == [tok.unk]


def test_a_file_failing_its_checksum_is_refused(tmp_path):
    bad = tmp_path / "model.onnx"
    bad.write_bytes(b"not a model")
    with pytest.raises(embed.ModelUnavailable, match="checksum"):
        embed.ContextualEmbedder(embed.MINILM_INT8, path=bad)


def test_a_missing_package_is_reported_not_raised():
    spec = replace(embed.MINILM_INT8, package="no_such_model_package_here")
    model, reason = embed.load_contextual(spec)
    assert model is None and "not installed" in reason


def test_stored_vectors_are_reused_until_model_or_texts_change(snap, model, tmp_path):
    occs = embeddings.occupations_for(snap.data.occupations)[:5]
    first = embeddings.current(occs, snap.data.content, model, tmp_path)
    stored = embeddings.read(tmp_path)
    assert stored is not None and stored.model == model.name and stored.model_sha256 == model.checksum
    assert stored.digest == first.digest and stored.codes == tuple(o.code for o in occs)
    assert np.allclose(stored.documents, first.documents, atol=2e-3)  # float16 on disk
    changed = [replace(occs[0], overview="Something else entirely."), *occs[1:]]
    again = embeddings.current(changed, snap.data.content, model, tmp_path)
    assert again.digest != first.digest and embeddings.read(tmp_path).digest == again.digest


def test_the_shipped_snapshot_carries_its_standards_vectors(snap, model):
    stored = embeddings.read(snap.path)
    assert stored is not None, "data/ should ship embeddings.npz (python -m htq build-snapshot makes it)"
    occs = embeddings.occupations_for(snap.data.occupations)
    assert stored.codes == tuple(o.code for o in occs) and stored.model_sha256 == model.checksum
    assert embeddings.digest_for(occs, snap.data.content) == stored.digest, (
        "the shipped vectors are stale: rebuild the snapshot"
    )


def test_the_fast_ascii_split_equals_the_full_basic_tokenizer(snap, model):
    texts = [
        f"{o.title}. {o.overview or ''} {o.summary or ''} {'; '.join(o.job_titles)}"
        for o in snap.data.occupations
        if o.level in (4, 5)
    ]
    texts += [f"{k.code}: {k.text}" for c in snap.data.content.values() for k in c.ksbs]
    texts += ["C++ & C#, e.g. 'SQL'/NoSQL\tdata\x01sets (50%) [v1.2] {x} ~y~ `z` a_b"]
    ascii_texts = [t for t in texts if t.isascii()]
    assert len(ascii_texts) > 250
    for t in ascii_texts:
        assert model.tokenizer._words(t) == model.tokenizer._words_unicode(t), t[:80]


@pytest.mark.parametrize(
    "text, pieces",
    [  # what bert-base-uncased's own tokenizer gives for each (its basic split, then WordPiece)
        ("don't", ["don", "'", "t"]),
        ("C++ and C#", ["c", "+", "+", "and", "c", "#"]),
        ("3D-printing", ["3d", "-", "printing"]),
        ("Naïve  CAFÉ\tsociété", ["naive", "cafe", "societe"]),
        ("日本", ["日", "本"]),  # CJK characters are split one by one
        ("", []),
    ],
)
def test_wordpiece_splits_as_the_model_was_trained(model, text, pieces):
    tok = model.tokenizer
    vocab = {i: piece for piece, i in tok.ids.items()}
    assert [vocab[i] for i in tok.encode(text)] == pieces
