"""Shared fixtures: tiny indexes built in temporary directories from articles the tests own."""
from __future__ import annotations

import pytest

from tests.helpers import article, build_index
from webui import create_app

# Eight short articles: different countries (named in the text, found at index time), dates and sources;
# one undated, one with markup in its headline.
NEWS = [
    article("hoi-dam-trung-quoc", "Thủ tướng hội đàm với Thủ tướng Trung Quốc",
            "Chiều 5/3, tại Hà Nội, Thủ tướng Việt Nam hội đàm với Thủ tướng Trung Quốc.\n"
            "Hai bên nhất trí thúc đẩy thương mại và đầu tư.",
            date="2025-03-05", source="Báo Thế giới", url="https://example.vn/hoi-dam-trung-quoc"),
    article("hoi-dam-nga", "Bộ trưởng Ngoại giao hội đàm với Ngoại trưởng Nga",
            "Tại Moskva, Bộ trưởng Ngoại giao Việt Nam hội đàm với Ngoại trưởng Nga về hợp tác năng lượng.",
            date="2024-11-20", source="Báo Quốc tế"),
    article("nga-trung-quoc", "Nga và Trung Quốc ký thỏa thuận khí đốt",
            "Sau cuộc hội đàm ở Bắc Kinh, Nga và Trung Quốc ký thỏa thuận cung cấp khí đốt dài hạn.",
            date="2025-01-15", source="Báo Kinh tế"),
    article("nhat-ban-dau-tu", "Nhật Bản tăng đầu tư vào Việt Nam",
            "Các doanh nghiệp Nhật Bản mở thêm nhà máy ở Bắc Ninh, tạo việc làm cho người lao động Việt Nam.",
            date="2025-06-12", source="Báo Kinh tế"),
    article("phap-bong-da", "Đội tuyển Pháp thắng trận giao hữu",
            "Đội tuyển Pháp thắng 2-0 trong trận giao hữu tối qua trước đông đảo khán giả.",
            date="2023-09-01", source="Báo Thể thao"),
    article("thuong-dinh-my", '<script>alert("xss")</script> Hội nghị thượng đỉnh tại Hoa Kỳ',
            "Lãnh đạo nhiều nước hội đàm bên lề hội nghị thượng đỉnh tại Hoa Kỳ.",
            date="2022-05-01", source="Báo <b>Mạng</b>", url="javascript:alert(1)"),
    article("mua-lon", "Mưa lớn kéo dài ở miền Trung",
            "Mưa lớn khiến nhiều tuyến đường ở miền Trung Việt Nam bị ngập sâu."),
    article("bao-so-3", "Bão số 3 đổ bộ vào Quảng Ninh",
            "Bão số 3 đổ bộ vào Quảng Ninh, hàng nghìn người dân Việt Nam được sơ tán.",
            date="2024-09-07", source="Báo Thời tiết", url="https://example.vn/bao-so-3"),
]


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory):
    """The news above, indexed once per test session."""
    return build_index(tmp_path_factory.mktemp("webui"), NEWS)


@pytest.fixture
def app(index_dir):
    """The app over the session's index; its search service is closed afterwards."""
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)})
    yield app
    app.extensions["search"].close()


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()
