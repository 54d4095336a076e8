import pytest

from indexer.dates import Stamp, parse_date, publication_date, publication_stamp, stamp


@pytest.mark.parametrize("text, iso", [
    ("20:28 05/03/2025", "2025-03-05"),
    ("19:06, 29/09/2021", "2021-09-29"),
    ("Ngày đăng : 10/05/2025 ...", "2025-05-10"),
    ("2025-05-10", "2025-05-10"),
    ("ngày 5/3/2025", "2025-03-05"),
    ("Thứ Hai, 05/03/2025 20:28 (GMT+7)", "2025-03-05"),
    ("5-3-2025", "2025-03-05"),
    ("05.03.2025", "2025-03-05"),
    ("2025/3/5", "2025-03-05"),
    ("ngày 5 tháng 3 năm 2025", "2025-03-05"),
    ("29/02/2024", "2024-02-29"),
    ("01/01/1900", "1900-01-01"),
    ("31/12/2100", "2100-12-31"),
])
def test_each_written_form_is_read_as_iso(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize("text", [
    "", "không có ngày", "31/02/2025", "29/02/2023", "05/13/2025", "00/03/2025", "31/12/1899", "01/01/2101",
    "tháng 10/2024", "20:28", "25%/năm", "2025-05", "12345/03/2025", "05/03/20251",
])
def test_no_date_or_no_real_calendar_date_is_none(text):
    assert parse_date(text) is None


def test_the_first_real_date_in_a_text_wins():
    assert [parse_date("Cập nhật 06/03/2025, đăng 05/03/2025"), parse_date("31/02/2025 hoặc 05/03/2025"),
            parse_date("từ ngày 3-4/3/2025")] == ["2025-03-06", "2025-03-05", "2025-03-04"]


@pytest.mark.parametrize("line, expected", [
    ("20:28 05/03/2025", Stamp("2025-03-05", None, bare=True)),
    ("Thứ Hai, 05/03/2025 20:28 (GMT+7)", Stamp("2025-03-05", None, bare=True)),
    ("Cập nhật lúc 20h28, 05-03-2025", Stamp("2025-03-05", None, bare=True)),
    ("Doanh nghiệp - Ngày đăng : 19:06, 29/09/2021", Stamp("2021-09-29", "Doanh nghiệp", bare=False)),
    ("Kinh tế - Xã hội | 08:00 01/10/2021", Stamp("2021-10-01", "Kinh tế - Xã hội", bare=False)),
    ("Hà Nội, ngày 12/4/2019", Stamp("2019-04-12", None, bare=False)),
])
def test_a_stamp_line_is_a_date_with_at_most_a_label(line, expected):
    assert stamp(line) == expected


@pytest.mark.parametrize("line", [
    "Ngày 12/4/2019, Bộ trưởng Ngoại giao đã hội đàm với người đồng cấp tại Hà Nội.",
    "Kim ngạch thương mại năm 2024 đạt 42 tỷ USD, tăng 16,4% so với 01/01/2023 theo số liệu hải quan.",
    "Phối hợp chặt chẽ thúc đẩy quan hệ Việt Nam-Uzbekistan",
    "31/02/2025",
])
def test_a_sentence_or_a_line_without_a_real_date_is_no_stamp(line):
    assert stamp(line) is None


def test_the_publication_date_is_the_first_stamp_of_the_header():
    header = ["Sign In", "Doanh nghiệp - Ngày đăng : 19:06, 29/09/2021", "Cập nhật: 20:00 30/09/2021"]
    assert publication_stamp(header) == Stamp("2021-09-29", "Doanh nghiệp", bare=False)
    assert publication_date(header) == "2021-09-29"


def test_a_header_whose_only_date_is_in_a_sentence_has_no_publication_date():
    header = ["Tin tức", "Hai nước ký hiệp định hợp tác văn hóa",
              "Ngày 12/4/2019, hai Bộ trưởng đã ký hiệp định hợp tác văn hóa giai đoạn mới."]
    assert (publication_stamp(header), publication_date(header), publication_date([])) == (None, None, None)
