import pytest

from indexer.request import BadRequest, SearchRequest


def test_parameters_are_read_and_validated():
    params = {"q": ["hoi dam"], "country": ["cn", "RU", "CN"], "from": ["2025-01-01"], "to": ["2025-12-31"],
              "date": ["2025-03"], "sort": ["date"], "page": ["2"], "per_page": ["20"]}
    assert SearchRequest.from_params(params) == SearchRequest(
        q="hoi dam", countries=("CN", "RU"), date_from="2025-01-01", date_to="2025-12-31", date="2025-03",
        sort="date", page=2, per_page=20)


def test_defaults():
    assert SearchRequest.from_params({}) == SearchRequest()


@pytest.mark.parametrize("params, message", [
    ({"page": ["0"]}, "'page' must be from 1 to 10,000, not 0"),
    ({"page": ["1000000000"]}, "'page' must be a whole number from 1 to 10,000, not '1000000000'"),
    ({"page": ["x"]}, "'page' must be a whole number from 1 to 10,000, not 'x'"),
    ({"per_page": ["1000000"]}, "'per_page' must be from 1 to 100, not 1,000,000"),
    ({"per_page": ["101"]}, "'per_page' must be from 1 to 100, not 101"),
    ({"page": ["200"], "per_page": ["100"]}, "page 200 is beyond the first 10,000 results; narrow the search"),
    ({"from": ["2025-13-45"]}, "'from' must be a date as YYYY-MM-DD, not '2025-13-45'"),
    ({"to": ["5/3/2025"]}, "'to' must be a date as YYYY-MM-DD, not '5/3/2025'"),
    ({"from": ["2025-02-01"], "to": ["2025-01-01"]}, "'from' (2025-02-01) is after 'to' (2025-01-01)"),
    ({"country": ["XX"]}, "unknown country code 'XX': use ISO 3166-1 alpha-2 codes such as VN, CN, RU"),
    ({"sort": ["random"]}, "'sort' must be one of relevance, date, not 'random'"),
    ({"date": ["2025-13"]}, "'date' must be a year (2025), a month (2025-03) or 'undated', not '2025-13'"),
])
def test_bad_parameters_say_what_is_wrong(params, message):
    with pytest.raises(BadRequest) as caught:
        SearchRequest.from_params(params)
    assert str(caught.value) == message
