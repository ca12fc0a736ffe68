"""Text analysis and the BM25F index."""

from htq.text import FieldIndex, FieldSpec, terms


def test_terms_fold_case_plurals_and_stop_words():
    assert terms("The Nurses and NURSING") == ["nurs", "nurs"]
    assert terms("C++ and C# developers") == ["c++", "c#", "develop"]


def test_field_weights_rank_a_title_match_first():
    docs = [
        {"title": "Data analyst", "text": "works with people"},
        {"title": "Care worker", "text": "keeps data on people and data systems"},
    ]
    index = FieldIndex(docs, {"title": FieldSpec(4.0), "text": FieldSpec(1.0)})
    assert [i for i, _ in index.search("data")] == [0, 1]
    assert index.matched_terms(terms("data people"), 1) == {"text": ["data", "peopl"]}


def test_unknown_terms_score_nothing():
    index = FieldIndex([{"title": "Baker"}], {"title": FieldSpec(1.0)})
    assert index.search("astronaut") == []
