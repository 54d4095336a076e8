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
    ({"page": ["0"]}, "'page' phải từ 1 đến 10,000, không phải 0"),
    ({"page": ["1000000000"]}, "'page' phải là số nguyên từ 1 đến 10,000, không phải '1000000000'"),
    ({"page": ["x"]}, "'page' phải là số nguyên từ 1 đến 10,000, không phải 'x'"),
    ({"per_page": ["1000000"]}, "'per_page' phải từ 1 đến 100, không phải 1,000,000"),
    ({"per_page": ["101"]}, "'per_page' phải từ 1 đến 100, không phải 101"),
    ({"page": ["200"], "per_page": ["100"]}, "trang 200 vượt quá 10,000 kết quả đầu tiên; hãy thu hẹp tìm kiếm"),
    ({"from": ["2025-13-45"]}, "'from' phải là ngày dạng YYYY-MM-DD, không phải '2025-13-45'"),
    ({"to": ["5/3/2025"]}, "'to' phải là ngày dạng YYYY-MM-DD, không phải '5/3/2025'"),
    ({"from": ["2025-02-01"], "to": ["2025-01-01"]}, "'from' (2025-02-01) sau 'to' (2025-01-01): ngày bắt đầu phải trước ngày kết thúc"),
    ({"country": ["XX"]}, "không có mã quốc gia 'XX': dùng mã ISO 3166-1 hai chữ cái như VN, CN, RU"),
    ({"sort": ["random"]}, "'sort' phải là một trong relevance, date, không phải 'random'"),
    ({"date": ["2025-13"]}, "'date' phải là năm (2025), tháng (2025-03) hoặc 'undated', không phải '2025-13'"),
])
def test_bad_parameters_say_what_is_wrong(params, message):
    with pytest.raises(BadRequest) as caught:
        SearchRequest.from_params(params)
    assert str(caught.value) == message
