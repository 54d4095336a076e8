import unicodedata
from pathlib import Path

import pytest

from indexer.article import Article, Rejection
from indexer.rawpage import parse_raw_page, read_raw_page

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def seed(name: str) -> Article:
    article = read_raw_page(SEEDS / f"{name}.txt")
    assert isinstance(article, Article), article
    return article


def seed_lines(name: str, first: int, last: int, without: tuple[int, ...] = ()) -> list[str]:
    """The seed's non-blank lines first..last (numbered from 1 as in an editor), caption bars stripped."""
    lines = (SEEDS / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return [lines[n - 1].strip("| ") for n in range(first, last + 1) if lines[n - 1].strip() and n not in without]


def paragraphs(article: Article) -> list[str]:
    return article.body.split("\n\n")


def page(*lines: str) -> str:
    return "\n".join(lines)


# The five seeds: what each page states, and its body exactly as the lines of the page that are article text.

def test_seed_000_dated_page_without_sign_in_tags_or_repeated_headline_alt_text():
    article = seed("000_03a148cfd9479fd5")
    assert (article.id, article.title, article.date, article.source, article.category, article.countries) == (
        "000_03a148cfd9479fd5",
        "Phối hợp chặt chẽ thúc đẩy quan hệ Việt Nam-Uzbekistan trên tất cả các lĩnh vực", "2025-03-05", None, None, ())
    body = paragraphs(article)
    assert body[0] == ("Nhận lời mời của Bộ Ngoại giao Uzbekistan, Thứ trưởng Ngoại giao Lê Thị Thu Hằng đã thăm "
                       "Uzbekistan từ ngày 3-4/3 để tiến hành Tham vấn chính trị.")
    assert body[-1] == ("Phía Uzbekistan bày tỏ mong muốn được kết nối với các doanh nghiệp của Việt Nam, khẳng định "
                        "sẽ có chính sách ưu đãi nhằm thu hút các nhà đầu tư Việt Nam.")
    assert body == seed_lines("000_03a148cfd9479fd5", 6, 64, without=(8, 41, 50, 57))  # 8, 41...: image alt text
    assert not {"Sign In", "20:28 05/03/2025", "Tag:", "File đính kèm", article.title} & set(body)


def test_seed_001_undated_page_without_its_menu_word():
    article = seed("001_a39f13ecf3fb9de6")
    assert (article.title, article.date, article.source, article.category) == (
        "Bộ trưởng Ngoại giao Lê Hoài Trung hội đàm với Chủ tịch Khu tự trị Quảng Tây (Trung Quốc) Vi Thao",
        None, None, None)
    body = paragraphs(article)
    assert body[0] == ("Bộ trưởng Ngoại giao Lê Hoài Trung đánh giá cao việc ông Vi Thao và nhiều lãnh đạo Quảng Tây"
                       " đã chọn thăm Việt Nam đầu tiên ngay sau khi đảm nhiệm cương vị mới, thể hiện nhất quán sự "
                       "coi trọng của Quảng Tây trong quan hệ với Việt Nam.")
    assert body[-1] == ("Tán thành với các đề xuất hợp tác của Bộ trưởng Lê Hoài Trung, Chủ tịch Quảng Tây Vi Thao "
                        "khẳng định Quảng Tây đặc biệt coi trọng quan hệ giao lưu hợp tác với các bộ, ngành và địa "
                        "phương của Việt Nam, sẵn sàng triển khai thực hiện tốt nhận thức chung của Lãnh đạo cấp cao "
                        "hai Đảng, hai nước, góp phần thiết thực vào việc tăng cường hơn nữa quan hệ Đối tác hợp tác "
                        "chiến lược toàn diện, thúc đẩy xây dựng Cộng đồng chia sẻ tương lai Việt Nam - Trung Quốc có"
                        " ý nghĩa chiến lược.")
    assert body == seed_lines("001_a39f13ecf3fb9de6", 3, 10)
    assert "Tin tức" not in body


def test_seed_002_related_most_read_and_multimedia_lists_are_dropped():
    article = seed("002_ceed042389cad03c")
    assert (article.title, article.date, article.source, article.category) == (
        "Mở rộng hợp tác Việt Nam-Kyrgyzstan trong các lĩnh vực tiềm năng", None, None, None)
    body = paragraphs(article)
    assert body[0] == "Thủ tướng Phạm Minh Chính hội đàm với Thủ tướng Kyrgyzstan Adylbek Kasimalyev."  # photo caption
    assert body[1] == ("Nhận lời mời của Thủ tướng Chính phủ Phạm Minh Chính, Thủ tướng Cộng hòa Kyrgyzstan Adylbek "
                       "Kasimalyev thăm chính thức Việt Nam từ ngày 5-7/3.")
    assert body[-1] == ("Thủ tướng Kyrgyzstan đã trân trọng mời Thủ tướng Chính phủ Phạm Minh Chính thăm chính thức "
                        "Kyrgyzstan để cùng trao đổi cụ thể các biện pháp thúc đẩy hợp tác trong thời gian tới. Thủ "
                        "tướng Chính phủ Phạm Minh Chính đã vui vẻ nhận lời và đề nghị Bộ Ngoại giao hai nước thu xếp "
                        "thời gian phù hợp.")
    assert body == seed_lines("002_ceed042389cad03c", 3, 27, without=(8, 15, 22))  # 8, 15, 22: image markup
    site_lists = seed_lines("002_ceed042389cad03c", 28, 78)
    assert not any(line in article.body for line in site_lists)
    assert "![]()" not in article.body and "|" not in article.body


def test_seed_003_category_date_and_outlet_from_the_header_without_the_byline():
    article = seed("003_6d57072761d595c9")
    assert (article.title, article.date, article.source, article.category) == (
        "Việt Nam là đối tác quan trọng trong chính sách đối ngoại của Nga", "2021-09-29", "BKTO", "Doanh nghiệp")
    body = paragraphs(article)
    assert body[0] == ("(BKTO) - Ngày 28/9, trong khuôn khổ chuyến thăm chính thức Liên bang Nga, Bộ trưởng Bộ Ngoại "
                       "giao Bùi Thanh Sơn đã có cuộc hội đàm với Bộ trưởng Ngoại giao Nga Sergei Lavrov.")
    assert body[-1] == ("Bộ trưởng Sergei Lavrov nhấn mạnh Việt Nam là thị trường quan trọng ở Đông Nam Á; ủng hộ các "
                        "đề xuất hợp tác của Việt Nam và đề nghị tăng cường hợp tác, giao lưu văn hóa và nhân dân, "
                        "trong đó có hoạt động của Viện Pushkin tại Việt Nam…../.")
    assert body == seed_lines("003_6d57072761d595c9", 3, 15)
    assert "DIỆU THIỆN" not in article.body and "Ngày đăng" not in article.body


def test_seed_004_iso_date_and_outlet_line_without_the_suggestions():
    article = seed("004_ec99982f26183d59")
    title = "Tổng Bí thư Tô Lâm thăm chính thức các nước Trung Á: Củng cố quan hệ, mở ra những cơ hội hợp tác mới"
    assert (article.title, article.date, article.source, article.category) == (
        title, "2025-05-10", "Báo Quân đội Nhân dân", None)
    body = paragraphs(article)
    assert body[0] == ("Tổng Bí thư Tô Lâm thăm chính thức các nước Kazakhstan, Azerbaijan, Belarus: Đẩy mạnh quan "
                       "hệ song phương")  # the page's subtitle
    assert body[1] == ("Trong chuyến thăm chính thức và làm việc tại Kazakhstan, Azerbaijan và Belarus vừa qua, Tổng"
                       " Bí thư Tô Lâm đã có những cuộc hội đàm, gặp gỡ quan trọng với lãnh đạo các nước, góp phần "
                       "củng cố và làm sâu sắc hơn nữa quan hệ đối tác toàn diện giữa Việt Nam và các quốc gia Trung"
                       " Á. Chuyến công du này không chỉ khẳng định vai trò tích cực của Việt Nam trong việc thúc "
                       "đẩy hợp tác khu vực mà còn mở ra những cơ hội hợp tác mới, hứa hẹn mang lại lợi ích thiết "
                       "thực cho cả hai bên.")  # the lead
    assert body[-1] == ("Chuyến công du của Tổng Bí thư Tô Lâm đã thể hiện rõ quyết tâm của Việt Nam trong việc đa "
                        "dạng hóa và làm sâu sắc hơn nữa quan hệ đối tác với các nước trên thế giới, đặc biệt là các "
                        "nước Trung Á. Những kết quả đạt được trong chuyến thăm hứa hẹn sẽ góp phần quan trọng vào "
                        "việc thúc đẩy sự phát triển kinh tế - xã hội của Việt Nam và củng cố vị thế của Việt Nam "
                        "trên trường quốc tế. Đồng thời, cũng mở ra những cơ hội mới cho doanh nghiệp và người dân "
                        "Việt Nam trong việc hợp tác và phát triển kinh doanh tại các nước Trung Á.")
    assert body == seed_lines("004_ec99982f26183d59", 7, 25)
    assert not {title, "2025-05-10", "Báo Quân đội Nhân dân", "Đề xuất"} & set(body)


# Hand-made pages in the shapes of the same sites, with other words.

def test_a_page_like_003_with_other_words():
    text = page(
        "Kiểm toán Nhà nước làm việc với Phòng Kiểm toán Liên bang Nga",
        "Quốc tế - Ngày đăng : 08:15, 02/10/2021",
        "(BKTO) - Ngày 1/10, Tổng Kiểm toán Nhà nước đã tiếp đoàn công tác của Phòng Kiểm toán Liên bang Nga.",
        "Tổng Kiểm toán Nhà nước tiếp đoàn công tác. Ảnh: KTNN |",
        "Hai cơ quan nhất trí ký kế hoạch hợp tác giai đoạn 2022-2024 vào dịp sớm nhất./.",
        "MINH ANH")
    assert parse_raw_page(text, "ktnn") == Article(
        id="ktnn", title="Kiểm toán Nhà nước làm việc với Phòng Kiểm toán Liên bang Nga",
        body="(BKTO) - Ngày 1/10, Tổng Kiểm toán Nhà nước đã tiếp đoàn công tác của Phòng Kiểm toán Liên bang Nga."
             "\n\nTổng Kiểm toán Nhà nước tiếp đoàn công tác. Ảnh: KTNN"
             "\n\nHai cơ quan nhất trí ký kế hoạch hợp tác giai đoạn 2022-2024 vào dịp sớm nhất./.",
        date="2021-10-02", source="BKTO", category="Quốc tế")


def test_a_page_like_000_with_other_words():
    text = page(
        "Sign In", "",
        "Việt Nam và Kazakhstan tăng cường hợp tác giáo dục", "",
        "09:10 12/06/2024",
        "Ngày 11/6, Thứ trưởng Ngoại giao đã tiếp Đại sứ Kazakhstan nhân dịp kết thúc nhiệm kỳ công tác.", "",
        "Việt Nam và Kazakhstan tăng cường hợp tác giáo dục",
        "Thứ trưởng tiếp Đại sứ Kazakhstan.", "",
        "Hai bên nhất trí thúc đẩy trao đổi sinh viên và giảng dạy tiếng Việt tại Kazakhstan.", "",
        "Tag:", "", "File đính kèm")
    assert parse_raw_page(text, "kz") == Article(
        id="kz", title="Việt Nam và Kazakhstan tăng cường hợp tác giáo dục",
        body="Ngày 11/6, Thứ trưởng Ngoại giao đã tiếp Đại sứ Kazakhstan nhân dịp kết thúc nhiệm kỳ công tác."
             "\n\nThứ trưởng tiếp Đại sứ Kazakhstan."
             "\n\nHai bên nhất trí thúc đẩy trao đổi sinh viên và giảng dạy tiếng Việt tại Kazakhstan.",
        date="2024-06-12")


def test_a_page_like_002_with_other_words_and_other_list_headings():
    text = page(
        "Thúc đẩy hợp tác Việt Nam-Mông Cổ trong lĩnh vực nông nghiệp",
        "![]() |",
        "| Bộ trưởng hai nước tại lễ ký kết. |",
        "Sáng 8/4, tại Hà Nội, Bộ trưởng Nông nghiệp hai nước đã ký Bản ghi nhớ hợp tác về chăn nuôi và thú y.",
        "![ảnh](https://example.vn/anh.jpg) |",
        "| |",
        "Hai bên nhất trí sớm tổ chức diễn đàn doanh nghiệp nông nghiệp Việt Nam-Mông Cổ trong năm nay.",
        "Tin liên quan",
        "Mông Cổ mong muốn nhập khẩu gạo Việt Nam",
        "Đọc nhiều",
        "Hà Nội đón 28 triệu lượt khách du lịch trong mười tháng đầu năm.",
        "Multimedia",
        "[Infographic] Quan hệ Việt Nam-Mông Cổ",
        "[Video] Lễ hội Naadam tại Hà Nội")
    assert parse_raw_page(text, "mn") == Article(
        id="mn", title="Thúc đẩy hợp tác Việt Nam-Mông Cổ trong lĩnh vực nông nghiệp",
        body="Bộ trưởng hai nước tại lễ ký kết."
             "\n\nSáng 8/4, tại Hà Nội, Bộ trưởng Nông nghiệp hai nước đã ký Bản ghi nhớ hợp tác về chăn nuôi và thú y."
             "\n\nHai bên nhất trí sớm tổ chức diễn đàn doanh nghiệp nông nghiệp Việt Nam-Mông Cổ trong năm nay.")


def test_a_page_like_004_with_other_words():
    text = page(
        "Chủ tịch nước thăm Lào: Vun đắp quan hệ đặc biệt", "",
        "2024-07-20",
        "Chủ tịch nước thăm Lào: Vun đắp quan hệ đặc biệt",
        "Báo Nhân Dân", "",
        "Chuyến thăm hữu nghị chính thức Lào", "",
        "Chuyến thăm góp phần vun đắp mối quan hệ hữu nghị vĩ đại, đoàn kết đặc biệt Việt Nam - Lào.", "",
        "Xem thêm",
        "Lào và Việt Nam ký 12 văn kiện hợp tác")
    assert parse_raw_page(text, "la") == Article(
        id="la", title="Chủ tịch nước thăm Lào: Vun đắp quan hệ đặc biệt",
        body="Chuyến thăm hữu nghị chính thức Lào"
             "\n\nChuyến thăm góp phần vun đắp mối quan hệ hữu nghị vĩ đại, đoàn kết đặc biệt Việt Nam - Lào.",
        date="2024-07-20", source="Báo Nhân Dân")


def test_dates_the_body_mentions_are_not_the_publication_date():
    text = page(
        "Tin tức",
        "Hai nước kỷ niệm 30 năm thiết lập quan hệ ngoại giao",
        "Ngày 12/4/2019, hai nước đã ký hiệp định về hợp tác văn hóa, mở đầu giai đoạn hợp tác mới.",
        "Hà Nội, ngày 12/4/2019",
        "Hiệp định có hiệu lực từ 01/01/2020 và được gia hạn đến năm 2030 theo thỏa thuận của hai bên.")
    article = parse_raw_page(text, "undated")
    assert (article.date, paragraphs(article)) == (None, [
        "Ngày 12/4/2019, hai nước đã ký hiệp định về hợp tác văn hóa, mở đầu giai đoạn hợp tác mới.",
        "Hà Nội, ngày 12/4/2019",
        "Hiệp định có hiệu lực từ 01/01/2020 và được gia hạn đến năm 2030 theo thỏa thuận của hai bên."])


def test_a_stamp_and_breadcrumb_above_the_headline_and_a_closing_credit():
    text = page(
        "Thế giới > Quân sự",
        "Thứ Hai, 05/03/2025 20:28 (GMT+7)",
        "Nga và Việt Nam diễn tập cứu hộ trên biển",
        "Hai nước đã tổ chức diễn tập tìm kiếm cứu nạn chung trên vùng biển quốc tế trong ba ngày.",
        "Cuộc diễn tập có sự tham gia của bốn tàu và hai máy bay trực thăng của hải quân hai nước.",
        "Theo TTXVN")
    assert parse_raw_page(text, "vne") == Article(
        id="vne", title="Nga và Việt Nam diễn tập cứu hộ trên biển",
        body="Hai nước đã tổ chức diễn tập tìm kiếm cứu nạn chung trên vùng biển quốc tế trong ba ngày."
             "\n\nCuộc diễn tập có sự tham gia của bốn tàu và hai máy bay trực thăng của hải quân hai nước.",
        date="2025-03-05", source="TTXVN", category="Quân sự")


def test_the_stamp_below_the_headline_wins_over_a_site_clock_and_links_and_embeds_go():
    text = page(
        "Thứ Năm, 28/11/2025",
        "Đăng nhập | Đăng ký",
        "Ấn Độ và Việt Nam mở đường bay thẳng mới",
        "Cập nhật: 10:00 01/11/2025",
        "Hãng hàng không hai nước sẽ mở thêm đường bay thẳng giữa Hà Nội và New Delhi từ tháng tới.",
        "Video",
        "Du khách hai nước được kỳ vọng tăng mạnh trong năm tới nhờ đường bay mới và chính sách thị thực.",
        "Xem thêm: Ấn Độ miễn thị thực cho du khách Việt Nam",
        "Hai bên cũng bàn về hợp tác du lịch và văn hóa trong khuôn khổ quan hệ đối tác chiến lược.",
        "Nguyễn Hồng Nhung",
        "Video",
        "[Video] Đường bay thẳng Hà Nội - New Delhi",
        "Khai trương đường bay mới")
    article = parse_raw_page(text, "in")
    assert (article.date, paragraphs(article)) == ("2025-11-01", [
        "Hãng hàng không hai nước sẽ mở thêm đường bay thẳng giữa Hà Nội và New Delhi từ tháng tới.",
        "Du khách hai nước được kỳ vọng tăng mạnh trong năm tới nhờ đường bay mới và chính sách thị thực.",
        "Hai bên cũng bàn về hợp tác du lịch và văn hóa trong khuôn khổ quan hệ đối tác chiến lược."])


def test_text_is_nfc_and_a_byte_order_mark_is_ignored(tmp_path):
    path = tmp_path / "nfc.txt"
    decomposed = unicodedata.normalize("NFD", page("Hòa bình và hợp tác trong khu vực",
                                                   "Hai nước cam kết gìn giữ hòa bình và ổn định ở khu vực."))
    path.write_bytes(b"\xef\xbb\xbf" + decomposed.encode("utf-8"))
    assert read_raw_page(path) == Article(id="nfc", title="Hòa bình và hợp tác trong khu vực",
                                          body="Hai nước cam kết gìn giữ hòa bình và ổn định ở khu vực.")


# Files with no article in them.

@pytest.mark.parametrize("content, reason", [
    (b"", "empty file"),
    (b"  \n\n\t\n", "empty file"),
    ("Sign In\nTrang chủ\nTin tức\nThời sự | Thế giới | Kinh tế\nĐăng nhập / Đăng ký\nVideo\n".encode(),
     "no headline: the page has no title line before its first paragraph"),
    ("Hai nước kỷ niệm 30 năm thiết lập quan hệ ngoại giao\nTin liên quan\nChia sẻ\n".encode(),
     "no article text after the headline"),
])
def test_a_page_without_an_article_is_rejected_with_the_reason(tmp_path, content, reason):
    path = tmp_path / "page.txt"
    path.write_bytes(content)
    assert read_raw_page(path) == Rejection(str(path), None, reason)


def test_undecodable_bytes_are_rejected_with_the_path_and_line(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Tiêu đề bài báo về hợp tác\n".encode() + b"H\xf4i \xf0\xe0m")  # Latin-1, not UTF-8
    assert read_raw_page(path) == Rejection(str(path), 2, "not UTF-8 (byte 39 of the file)")


def test_a_missing_file_is_rejected(tmp_path):
    path = tmp_path / "gone.txt"
    assert read_raw_page(path) == Rejection(str(path), None, "cannot read the file: No such file or directory")


def test_parse_raw_page_raises_value_error_when_there_is_no_article():
    with pytest.raises(ValueError, match="no headline"):
        parse_raw_page("Đăng nhập\nTrang chủ\n", "menu")
    with pytest.raises(ValueError, match="empty page"):
        parse_raw_page("\n \n", "blank")
