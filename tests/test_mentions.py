"""Country extraction: false friends, journalists' aliases, the seeds, the labelled set."""
from __future__ import annotations

import unicodedata

import pytest

from bench.country_eval import evaluate
from indexer.countries import is_country_code
from indexer.mentions import extract_countries, find_mentions


def countries(text: str) -> tuple[str, ...]:
    return extract_countries("", text)


FALSE_FRIENDS = [
    # Anh: pronoun, given name, English language, hero, pound sterling
    ("Anh ấy cho biết sẽ về quê ăn Tết.", ()),
    ("Anh cho biết đã làm nghề này mười năm.", ()),
    ("Anh trai của nạn nhân đã trình báo công an.", ()),
    ("Tiền vệ Nguyễn Tuấn Anh trở lại tập luyện.", ()),
    ("Chị Lan Anh bán hàng ở chợ Bến Thành.", ()),
    ("Em học tiếng Anh từ lớp ba.", ()),
    ("Ông được phong tặng danh hiệu Anh hùng Lao động.", ()),
    ("Bản hợp đồng trị giá 60 triệu bảng Anh.", ()),
    ("Anh và Pháp phản đối quyết định này.", ("FR", "GB")),
    ("Anh, Pháp và Đức triệu tập đại sứ.", ("DE", "FR", "GB")),
    ("Người dân nước Anh đi bỏ phiếu.", ("GB",)),
    ("Thủ tướng Anh Theresa May phát biểu.", ("GB",)),
    ("Cầu thủ này thi đấu ở giải Ngoại hạng Anh.", ("GB",)),
    # Đức: places, people, religion, the country
    ("Khu cảnh quan thác Bản Giốc - Đức Thiên đón nhiều du khách.", ()),
    ("Ông Nguyễn Minh Đức phát biểu tại hội nghị.", ()),
    ("Minh Đức cho biết anh sẽ cố gắng hơn.", ()),
    ("Người dân Thủ Đức phản ánh tình trạng ngập.", ()),
    ("Huyện Đức Phổ ra quân dọn rác.", ()),
    ("Nông dân xã Đức Hòa trồng rau sạch.", ()),
    ("Nguyên Chủ tịch nước Trần Đức Lương dự lễ.", ()),
    ("Phường Đức Giang có mật độ dân cư cao.", ()),
    ("Ông Đức cho biết gia đình đã đồng ý.", ()),
    ("Bầu Đức đầu tư cho bóng đá trẻ.", ()),
    ("Phật tử hướng về Đức Phật dịp Vu Lan.", ()),
    ("Đức tin giúp họ vượt qua khó khăn.", ()),
    ("Nhà thờ Đức Bà đông nghịt người.", ()),
    ("Bệnh viện Việt Đức tiếp nhận bệnh nhân.", ()),
    ("Thủ tướng Đức Angela Merkel điện đàm.", ("DE",)),
    ("Sinh viên sang nước Đức du học.", ("DE",)),
    ("CHLB Đức hỗ trợ đào tạo nghề.", ("DE",)),
    ("Cộng hòa Liên bang Đức là đối tác lớn.", ("DE",)),
    ("Phát xít Đức xâm lược Ba Lan năm 1939.", ("DE", "PL")),
    # ý / Ý
    ("Theo ý kiến của chuyên gia, giá sẽ tăng.", ()),
    ("Ngày lễ có ý nghĩa đặc biệt.", ()),
    ("Người dân cần chú ý phòng bệnh.", ()),
    ("Ý kiến này được nhiều đại biểu đồng tình.", ()),
    ("Ý tưởng đến từ một nhóm sinh viên.", ()),
    ("Cô bé Như Ý năm nay sáu tuổi.", ()),
    ("Huyện Ý Yên thuộc tỉnh Nam Định.", ()),
    ("Nước Ý là điểm đến hấp dẫn.", ("IT",)),
    ("Thủ tướng Ý tuyên bố phong tỏa.", ("IT",)),
    ("Đội tuyển Italy vô địch Euro.", ("IT",)),
    # mỹ / Mỹ
    ("Thị trường mỹ phẩm tăng trưởng mạnh.", ()),
    ("Bệnh viện thẩm mỹ bị đình chỉ.", ()),
    ("Triển lãm mỹ thuật khai mạc hôm qua.", ()),
    ("Giá thanh long ở Mỹ Tho giảm.", ()),
    ("Trận đấu diễn ra trên sân Mỹ Đình.", ()),
    ("Ca sĩ Mỹ Linh biểu diễn tối nay.", ()),
    ("Thánh địa Mỹ Sơn đón khách.", ()),
    ("Giá vàng tăng khi đô la Mỹ suy yếu.", ()),
    ("Các nước Nam Mỹ chống dịch.", ()),
    ("Các nước Mỹ Latinh nối lại quan hệ.", ()),
    ("Tổng thống Mỹ Donald Trump ký sắc lệnh.", ("US",)),
    ("Mỹ và Trung Quốc đạt thỏa thuận.", ("CN", "US")),
    # places and regions that contain a country word
    ("Mưa lũ gây sạt lở ở Lào Cai.", ()),
    ("Bão hình thành trên Ấn Độ Dương.", ()),
    ("Chiến lược Ấn Độ - Thái Bình Dương được công bố.", ()),
    ("Nông dân Thái Bình thu hoạch lúa.", ()),
    ("Chè Thái Nguyên được giá.", ()),
    ("Căng thẳng ở Trung Đông leo thang.", ()),
    ("Miền Trung hứng chịu mưa lũ.", ()),
    ("Trung tâm Dự báo cảnh báo mưa lớn.", ()),
    ("Nam thanh niên bị bắt giữ.", ()),
    ("Khu tự trị Tân Cương thiếu nước.", ()),
    ("Tình hình bán đảo Triều Tiên căng thẳng.", ()),
    ("Du khách dạo bộ dọc sông Hàn.", ()),
    ("Chủ Nhật tuần này trời chuyển lạnh.", ()),
    ("Lễ hội Áo dài khai mạc tại TP.HCM.", ()),
    ("Báo Pháp Luật TP.HCM phản ánh vụ việc.", ()),
    ("Huyện Nga Sơn nổi tiếng với chiếu cói.", ()),
    ("Chị Nga bán rau ở chợ.", ()),
    ("Học sinh học tiếng Việt.", ()),
    ("Trung Quốc công bố số liệu.", ("CN",)),
    ("Nam Phi là nền kinh tế lớn.", ("ZA",)),
    ("Hà Lan xuất khẩu hoa tulip.", ("NL",)),
    ("Ba Lan tiếp nhận người tị nạn.", ("PL",)),
    ("Biểu tình tiếp diễn ở Hồng Kông.", ("HK",)),
    ("Việt Nam và Lào ký hiệp định.", ("LA", "VN")),
    ("Thương chiến Mỹ - Trung leo thang.", ("CN", "US")),
    ("Tổng thống Georgia thăm Pháp.", ("FR", "GE")),
    ("Một vụ xả súng ở bang Georgia.", ()),
    ("Michael Jordan ghi 40 điểm.", ()),
]


@pytest.mark.parametrize("text, expected", FALSE_FRIENDS, ids=[t for t, _ in FALSE_FRIENDS])
def test_false_friend(text: str, expected: tuple[str, ...]) -> None:
    assert countries(text) == expected


ALIASES = [
    ("Mỹ", "US"), ("Hoa Kỳ", "US"), ("Anh", "GB"), ("Vương quốc Anh", "GB"), ("Liên bang Nga", "RU"),
    ("Bắc Triều Tiên", "KP"), ("Triều Tiên", "KP"), ("Hàn Quốc", "KR"), ("Nam Triều Tiên", "KR"), ("Liên Xô", "SU"),
    ("Trung Hoa", "CN"), ("Đài Loan", "TW"), ("Nhật", "JP"), ("Nhật Bản", "JP"), ("Pháp", "FR"), ("Đức", "DE"),
    ("Ý", "IT"), ("Italy", "IT"), ("Italia", "IT"), ("Tây Ban Nha", "ES"), ("Ấn Độ", "IN"), ("Úc", "AU"),
    ("Australia", "AU"), ("Ô-xtrây-li-a", "AU"), ("Campuchia", "KH"), ("Cam-pu-chia", "KH"), ("Lào", "LA"),
    ("Thái Lan", "TH"), ("Myanmar", "MM"), ("Mianma", "MM"), ("Philippines", "PH"), ("Philippin", "PH"),
    ("Indonesia", "ID"), ("In-đô-nê-xi-a", "ID"), ("Malaysia", "MY"), ("Ma-lai-xi-a", "MY"), ("Singapore", "SG"),
    ("Xinh-ga-po", "SG"), ("Kyrgyzstan", "KG"), ("Cư-rơ-gư-xtan", "KG"), ("Uzbekistan", "UZ"),
    ("U-dơ-bê-ki-xtan", "UZ"), ("Ukraine", "UA"), ("Ucraina", "UA"), ("U-crai-na", "UA"), ("Belarus", "BY"),
    ("Iran", "IR"), ("Israel", "IL"), ("Cuba", "CU"), ("Venezuela", "VE"), ("Thuỵ Điển", "SE"), ("Thụy Sĩ", "CH"),
    ("Cộng hoà Séc", "CZ"), ("Ả Rập Xê-út", "SA"), ("UAE", "AE"), ("Việt Nam", "VN"), ("Vietnam", "VN"),
    ("Miến Điện", "MM"), ("Germany", "DE"), ("Kazakhstan", "KZ"), ("Brazil", "BR"), ("Ai Cập", "EG"),
]


@pytest.mark.parametrize("alias, code", ALIASES, ids=[a for a, _ in ALIASES])
def test_alias(alias: str, code: str) -> None:
    assert countries(f"Đoàn đại biểu {alias} thăm Hà Nội.") == (code,)


def test_old_and_new_tone_placement_and_nfd_input() -> None:
    assert countries("Thụy Điển và Thuỵ Sĩ") == ("CH", "SE")
    assert countries(unicodedata.normalize("NFD", "Đoàn đại biểu Việt Nam và Nhật")) == ("JP", "VN")


def test_title_counts_and_a_title_initial_anh_is_the_country() -> None:
    assert extract_countries("Anh rời Liên minh châu Âu", "Cuộc bỏ phiếu kết thúc hôm qua.") == ("GB",)
    assert extract_countries("", "Anh rời quê lên thành phố.") == ()


def test_a_word_read_as_a_name_needs_a_nation_context_elsewhere_in_the_article() -> None:
    feature = "Anh Nguyễn Minh Đức năm nay 30 tuổi. Đức kể anh đã bán hàng rong nhiều năm."
    assert countries(feature) == ()
    assert countries(feature + " Năm ngoái anh sang Đức học nghề.") == ("DE",)


def test_a_single_name_use_does_not_cancel_many_country_uses() -> None:
    story = ("Kỷ niệm Cách mạng Tháng Mười ở Nga. Lãnh đạo Nga phát biểu. Quân đội Nga diễu binh. "
             "Bà Nguyễn Thị Nga dự lễ.")
    assert countries(story) == ("RU",)


def test_find_mentions_explains_each_verdict() -> None:
    text = "Ông Đức sang nước Đức."
    verdicts = [(text[m.start - 1:m.end - 1], m.verdict) for m in find_mentions("", text)]  # offsets include "\n"
    assert verdicts == [("Đức", "name"), ("Đức", "ok")]


def test_extraction_reports_only_country_codes() -> None:
    text = "Liên minh châu Âu (EU), Liên hợp quốc, Đông Nam Á, Trung Á và Nam Cực."
    assert countries(text) == ()


# Excerpts of the seed pages' article text (not their related-news lists).
GUANGXI_TITLE = "Bộ trưởng Ngoại giao Lê Hoài Trung hội đàm với Chủ tịch Khu tự trị Quảng Tây (Trung Quốc) Vi Thao"
GUANGXI_BODY = (
    "Bộ trưởng Ngoại giao Lê Hoài Trung đánh giá cao việc ông Vi Thao và nhiều lãnh đạo Quảng Tây đã chọn thăm Việt "
    "Nam đầu tiên ngay sau khi đảm nhiệm cương vị mới.\n"
    "Bộ trưởng Lê Hoài Trung trân trọng cảm ơn sự chia sẻ của ông Vi Thao, đồng thời cảm ơn Chính phủ Trung Quốc vừa "
    "qua đã tuyên bố ủng hộ Việt Nam 500.000 USD để khắc phục hậu quả bão lũ.\n"
    "Bộ trưởng Lê Hoài Trung cũng đề nghị hai bên tiếp tục duy trì phối hợp chặt chẽ trong công tác quản lý biên giới "
    "trên đất liền; phối hợp vận hành an toàn, hiệu quả Khu cảnh quan thác Bản Giốc - Đức Thiên, thu hút ngày càng "
    "nhiều khách du lịch đến thắng cảnh tươi đẹp này."
)
KYRGYZ_TITLE = "Mở rộng hợp tác Việt Nam-Kyrgyzstan trong các lĩnh vực tiềm năng"
KYRGYZ_BODY = (
    "Nhận lời mời của Thủ tướng Chính phủ Phạm Minh Chính, Thủ tướng Cộng hòa Kyrgyzstan Adylbek Kasimalyev thăm "
    "chính thức Việt Nam từ ngày 5-7/3.\n"
    "Thủ tướng Phạm Minh Chính khẳng định Đảng, Nhà nước và nhân dân Việt Nam luôn coi trọng quan hệ hữu nghị truyền "
    "thống Việt Nam-Kyrgyzstan; không bao giờ quên sự ủng hộ và giúp đỡ quý báu mà nhân dân Liên Xô, trong đó có nhân "
    "dân Kyrgyzstan đã dành cho Việt Nam.\n"
    "Hai bên nhất trí tiếp tục phối hợp chặt chẽ tại các diễn đàn đa phương, nhất là tại Liên hợp quốc. Thủ tướng "
    "Phạm Minh Chính khẳng định Việt Nam sẵn sàng làm cầu nối để Kyrgyzstan tăng cường hợp tác với ASEAN, mong muốn "
    "Kyrgyzstan phát huy vai trò và kết nối Việt Nam với khu vực Trung Á; đề nghị Kyrgyzstan ủng hộ lập trường của "
    "Việt Nam và ASEAN trong vấn đề Biển Đông. Hai nước cần khai thác hơn nữa dư địa mà Hiệp định thương mại tự do "
    "giữa Việt Nam và Liên minh Kinh tế Á-Âu đem lại."
)
UZBEK_TITLE = "Phối hợp chặt chẽ thúc đẩy quan hệ Việt Nam-Uzbekistan trên tất cả các lĩnh vực"
UZBEK_BODY = (
    "Nhận lời mời của Bộ Ngoại giao Uzbekistan, Thứ trưởng Ngoại giao Lê Thị Thu Hằng đã thăm Uzbekistan từ ngày "
    "3-4/3 để tiến hành Tham vấn chính trị.\n"
    "Hai bên ghi nhận các thỏa thuận đạt được giữa Lãnh đạo cấp cao Việt Nam và Uzbekistan, nhất là tại cuộc gặp giữa "
    "Thủ tướng Chính phủ Phạm Minh Chính và Tổng thống Sh. Mirziyoyev dịp tham dự Hội nghị thượng đỉnh các nhà lãnh "
    "đạo BRICS mở rộng tại Kazan, Nga, tháng 10/2024."
)


def test_seed_guangxi_is_china_and_vietnam_not_germany() -> None:
    # "Đức" here is in the place name "Bản Giốc - Đức Thiên"; Quảng Tây is a region of China, not a country.
    assert extract_countries(GUANGXI_TITLE, GUANGXI_BODY) == ("CN", "VN")


def test_seed_kyrgyzstan_is_kyrgyzstan_the_soviet_union_and_vietnam() -> None:
    # Liên hợp quốc, ASEAN, Trung Á, Liên minh Kinh tế Á-Âu and Biển Đông are not countries.
    assert extract_countries(KYRGYZ_TITLE, KYRGYZ_BODY) == ("KG", "SU", "VN")


def test_seed_uzbekistan_talks_include_uzbekistan_and_vietnam() -> None:
    # The summit venue "Kazan, Nga" is a real mention of Russia.
    assert extract_countries(UZBEK_TITLE, UZBEK_BODY) == ("RU", "UZ", "VN")


def test_labelled_set_precision_and_recall() -> None:
    result = evaluate()
    assert result["snippets"] >= 200
    assert result["precision"] >= 0.95, result["errors"]
    assert result["recall"] >= 0.90, result["errors"]
