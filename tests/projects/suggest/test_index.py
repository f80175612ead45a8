from hypothesis import given, settings
from hypothesis import strategies as st

from projects.suggest.index import Member, SimilarityIndex


def keys(hits):
    return [[m.key for m in hit.members] for hit in hits]


def test_identical_texts_are_one_entry_with_every_member():
    index = SimilarityIndex(
        [(Member(1, 2020), "监督检测"), (Member(2, 2021), "监督检测"), (Member(3, 2021), "绿化养护")]
    )
    assert (len(index), index.entries) == (3, 2)
    assert keys(index.search("监督检测", limit=5)) == [[1, 2]]


def test_search_ranks_by_similarity_and_excludes():
    index = SimilarityIndex(
        [(Member(1, 2020), "建设工程监督检测"), (Member(2, 2020), "建设工程安全管控"), (Member(3, 2020), "绿化养护")]
    )
    assert keys(index.search("建设工程监督", limit=5)) == [[1], [2]]
    assert keys(index.search("建设工程监督", limit=5, exclude=frozenset({1}))) == [[2]]


def test_search_leaves_out_later_years():
    index = SimilarityIndex([(Member(1, 2020), "监督检测"), (Member(2, 2022), "监督检测")])
    assert keys(index.search("监督检测", limit=5, max_year=2021)) == [[1]]


def test_add_and_discard_keep_the_index_current():
    index = SimilarityIndex([(Member(1, 2020), "监督检测")])
    index.add(Member(2, 2020), "绿化养护管理")
    index.add(Member(1, 2020), "绿化养护")  # a reference whose text changed moves
    index.discard(2)
    assert keys(index.search("绿化养护", limit=5)) == [[1]]
    assert index.search("监督检测", limit=5) == []


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.text(alphabet="监督检测绿化养护工程安全质量培训管理", min_size=2, max_size=12), min_size=1, max_size=8)
)
def test_a_text_finds_itself_first(texts):
    index = SimilarityIndex((Member(i, 2020), text) for i, text in enumerate(texts))
    for i, text in enumerate(texts):
        hits = index.search(text, limit=len(texts))
        best = [m.key for hit in hits if hit.score > hits[0].score - 1e-4 for m in hit.members]
        assert abs(hits[0].score - 1.0) < 1e-4
        assert i in best
