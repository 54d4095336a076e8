from indexer.highlight import mark_all, snippet

LONG = ("Mở đầu bài viết với nhiều thông tin không liên quan đến chủ đề chính của câu chuyện hôm nay. " * 4
        + "Thủ tướng hội đàm với Tổng thống tại Tashkent. "
        + "Phần còn lại của bài viết nói về thời tiết và giao thông trong thành phố vào cuối tuần. " * 4)


def test_matched_syllables_are_marked_as_one_word_on_the_accented_text():
    assert snippet("Thủ tướng hội đàm tại Tashkent.", {"hoi", "dam"}) == "Thủ tướng <mark>hội đàm</mark> tại Tashkent."


def test_everything_but_the_marks_is_escaped():
    assert snippet('<script>alert("x")</script> hội đàm & <b>', {"hoi"}) == (
        '&lt;script&gt;alert("x")&lt;/script&gt; <mark>hội</mark> đàm &amp; &lt;b&gt;')


def test_a_fragment_cut_out_of_a_long_text_has_ellipses_and_keeps_closing_punctuation():
    cut = snippet(LONG, {"tashkent"})
    assert cut.startswith("… ") and cut.endswith(" …") and "<mark>Tashkent</mark>." in cut
    assert len(cut) < 300


def test_no_match_gives_the_opening_of_the_text():
    assert snippet(LONG, {"kyrgyzstan"}) == LONG[:LONG.rfind(" ", 0, 240)] + " …"


def test_mark_all_keeps_line_breaks_and_marks_every_match():
    assert mark_all("Hội đàm.\nHai bên hội đàm & ký kết.", {"hoi", "dam"}) == (
        "<mark>Hội đàm</mark>.\nHai bên <mark>hội đàm</mark> &amp; ký kết.")
    assert mark_all("a < b", set()) == "a &lt; b"


def test_words_are_found_in_any_case_and_accent_and_numbers_only_whole():
    assert mark_all("Ông Nguyễn 26,5 và 26 người. VIỆT NAM! Đà Nẵng, dạ.", {"viet", "nam", "26", "nguoi", "da"}) == (
        "Ông Nguyễn 26,5 và <mark>26 người</mark>. <mark>VIỆT NAM</mark>! <mark>Đà</mark> Nẵng, <mark>dạ</mark>.")


def test_fragments_shown_side_by_side_never_repeat_text():
    text = " ".join(["Hà Nội"] + ["chữ"] * 30 + ["Hà Nội"] + ["từ"] * 30 + ["Hà Nội"])
    plain = snippet(text, {"ha", "noi"}).replace("<mark>", "").replace("</mark>", "")
    assert plain.count("chữ") <= 30 and plain.count("từ") <= 30


def test_a_word_is_marked_only_where_it_starts_a_word_or_number_as_the_index_splits_them():
    assert mark_all("Hội xhội hội 2.200 200 1,5 5", {"hoi", "200", "5"}) == (
        "<mark>Hội</mark> xhội <mark>hội</mark> 2.200 <mark>200</mark> 1,5 <mark>5</mark>")
