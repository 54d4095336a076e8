"""The NumPy scorer and the bitmap sets must give what Whoosh itself gives: same documents, same scores."""
import pytest
from whoosh import index as whoosh_index

from indexer import store
from indexer.docsets import DocSets, to_ids
from indexer.query import parse
from indexer.ranking import to_whoosh
from indexer.scoring import VectorScorer
from indexer.vocabulary import Vocabulary
from tests.helpers import article, whoosh_written_index

NEWS = [
    article("a", "Thủ tướng hội đàm với Thủ tướng Nga", "Hai bên hội đàm tại Moskva về năng lượng và thương mại."),
    article("b", "Hội nghị thượng đỉnh", "Thủ tướng dự hội nghị; bà Lan, ông Ba và bá chủ cùng đàm đạo."),
    article("c", "Giá xăng tăng", "Giá xăng dầu tăng mạnh, người dân lo lắng. Thủ kho nói vị tướng đã đến."),
    article("d", "Bão lũ miền Trung", "Bão số 5 gây lũ lớn ở miền Trung; Thủ tướng chỉ đạo cứu hộ."),
    article("e", "Hoà bình và hợp tác", "Việt Nam và Nga hợp tác vì hòa bình, hội đàm cấp cao."),
]
QUERIES = ["thu tuong", "thủ tướng", "hoi dam", '"hoi dam"', '"thu tuong" nga', "bà", "ba", "nga OR xang",
           "thu tuong -nga", "title:hoi", "hoà bình", "mien trung bao", "khong co gi"]


@pytest.fixture(scope="module")
def opened(tmp_path_factory):
    root = whoosh_written_index(tmp_path_factory.mktemp("scoring"), NEWS)  # Whoosh scores from its own postings
    generation = store.current_generation(root)
    searcher = whoosh_index.open_dir(str(generation)).searcher()
    yield searcher, Vocabulary.load(generation), generation
    searcher.close()


@pytest.mark.parametrize("decoded", [True, False], ids=["decoded files", "whoosh blocks"])
@pytest.mark.parametrize("q", QUERIES)
def test_same_documents_and_scores_as_whoosh(opened, q, decoded):
    searcher, vocabulary, generation = opened
    query = to_whoosh(parse(q), vocabulary)
    sets = DocSets(searcher, generation if decoded else None)
    assert all((segment is not None) == decoded for _r, _o, segment in sets.postings.leaves)
    expected = {hit.docnum: round(hit.score, 6) for hit in searcher.search(query, limit=None)}
    scores = VectorScorer(searcher, sets).scores(query)
    docs = to_ids(sets.of(query))
    assert {d: round(float(scores[d]), 6) for d in docs} == expected


def test_whooshs_own_ranking_path_gives_the_same_hits(tmp_path):
    """Without the NumPy scorer (another weighting, say) the service ranks with Whoosh's collectors: same page."""
    from indexer.search import SearchRequest, SearchService

    news = [article(f"x{i}", f"Tin {i}", "Thủ tướng nói. " + "thêm " * i, date=f"2025-01-{i % 28 + 1:02d}")
            for i in range(40)]  # lengths all differ, so do scores: the page does not depend on tie-breaking
    service = SearchService(whoosh_written_index(tmp_path, news + NEWS))
    requests = [SearchRequest(q="thu tuong", per_page=5), SearchRequest(q="thủ tướng", per_page=5, page=3),
                SearchRequest(q="thu tuong", date_from="2025-01-05", date_to="2025-01-09")]
    vectorized = [service.search(r)["hits"] for r in requests]
    service._opened.scorer = None
    assert [service.search(r)["hits"] for r in requests] == vectorized
    service.close()
