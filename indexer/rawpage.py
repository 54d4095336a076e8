"""Reading a raw scraped news page: headline, date, source, category and body, with the page chrome dropped.

A page is read by the shape of its lines, not by site: chrome and menu words before the headline, a header
(date stamp, outlet, repeated headline) up to the first paragraph, the body, and from the first section marker
("Tin liên quan", "Đọc nhiều", "Tags:" ...) on, the site's lists, which are not the article.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from indexer.article import Article, Rejection
from indexer.dates import Stamp, publication_stamp, stamp

MIN_HEADLINE_WORDS = 4   # shorter title-shaped lines may be menu words, so a longer one is preferred
MAX_HEADLINE_CHARS = 300
MIN_SENTENCE_WORDS = 8   # a line this long that ends a sentence is a paragraph
MIN_RUNNING_WORDS = 30   # a line this long is a paragraph however it ends
MIN_CAPTION_WORDS = 4
MAX_NAME_WORDS = 5       # bylines and credits are short
MAX_OUTLET_WORDS = 8     # 'Đài Truyền hình Thành phố Hồ Chí Minh'
MAX_CRUMB_WORDS = 4

# Whole lines of page chrome: sign-in, menus, share buttons (compared as lowercase words, punctuation ignored).
MENU_WORDS = frozenset("""
sign in|sign up|sign out|log in|login|log out|register|đăng nhập|đăng ký|đăng kí|đăng xuất|tài khoản|trang chủ
|tin tức|menu|danh mục|chuyên mục|tìm kiếm|search|chia sẻ|share|facebook|twitter|zalo|email|in|in bài|bản in
|lưu|lưu bài|lưu tin|theo dõi|thích|like|tweet|copy link|sao chép liên kết|quay lại|trở về|về đầu trang
|lên đầu trang|liên hệ|quảng cáo|rss|english|tiếng việt|cỡ chữ|a|nghe|nghe bài viết|đóng|close|mới nhất
|video|videos|ảnh|photo|podcast|emagazine|e magazine|longform|multimedia|infographic|infographics|clip
|ảnh minh họa|ảnh minh hoạ|ảnh internet|bình luận|gửi bình luận|xem|xem tiếp|tiếp|trước|sau|top
|thời sự|chính trị|thế giới|kinh tế|xã hội|văn hóa|văn hoá|thể thao|giải trí|pháp luật|giáo dục|sức khỏe
|sức khoẻ|đời sống|du lịch|khoa học|công nghệ|số hóa|xe|bất động sản|quốc phòng|an ninh|nhịp sống|bạn đọc
|góc nhìn|tâm sự|kinh doanh|tài chính|doanh nghiệp|việc làm|lao động|địa phương|quốc tế|ngoại giao|media
""".replace("\n", "").split("|"))

_LONGEST_MENU_ENTRY = max(len(entry.split()) for entry in MENU_WORDS)

# Section headings after which a page lists other articles, comments or tags: the article is over.
END_MARKERS = frozenset("""
tin bài liên quan|tin liên quan|bài liên quan|bài viết liên quan|tin cùng chuyên mục|bài cùng chuyên mục
|tin bài cùng chuyên mục|cùng chuyên mục|tin cùng sự kiện|theo dòng sự kiện|dòng sự kiện|tin khác|các tin khác
|tin bài khác|các tin bài khác|bài khác|các bài khác|bài viết khác|đọc nhiều|đọc nhiều nhất|tin đọc nhiều
|xem nhiều|xem nhiều nhất|tin xem nhiều|đọc thêm|xem thêm|đề xuất|có thể bạn quan tâm|bạn có thể quan tâm
|tin mới|tin mới nhất|tin mới cập nhật|tin nổi bật|tin nóng|tin hot|tin tiêu điểm|bình luận|ý kiến bạn đọc
|ý kiến|gửi bình luận|tag|tags|từ khóa|từ khoá|chủ đề|file đính kèm|tệp đính kèm|tài liệu đính kèm
""".replace("\n", "").split("|"))

# How an outlet's name begins, longest first: 'Báo' then a capital, 'Đài truyền hình' then a capital.
OUTLET_KINDS = ("báo điện tử", "tạp chí điện tử", "cổng thông tin điện tử", "trang thông tin điện tử", "tuần báo",
                "nhật báo", "báo", "tạp chí", "thông tấn xã", "đài truyền hình", "đài tiếng nói", "đài phát thanh",
                "cổng thông tin", "trang thông tin", "kênh")

# Headings of media lists: the article is over only if no paragraph follows (a lone "Video" may be an embed).
MEDIA_MARKERS = frozenset({"video", "videos", "multimedia", "infographic", "infographics", "ảnh", "photo",
                           "podcast", "emagazine", "e magazine", "longform", "clip"})

_WHITESPACE = re.compile(r"\s+")
_MARKUP = re.compile(r"!\[[^\]]*\]\([^)]*\)|<img\b[^>]*>|^#+\s+", re.I)
_HAS_TEXT = re.compile(r"\w")
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"\w+")
_LETTERS = re.compile(r"[^\W\d_]+")
_SENTENCE_END = re.compile(r"(?:[.!?…]|/\.)[\"”’'»)\]]*$")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_BREADCRUMB = re.compile(r"\s[>»›/]\s")
_TAGS = re.compile(r"(?:tags?|từ kho[áa])\s*:", re.I)
_MEDIA_LINK = re.compile(r"\[(?:video|infographic|photo|ảnh|clip|podcast|e-?magazine|longform|multimedia)\]", re.I)
_RELATED_LINK = re.compile(r"(?:(?:xem|đọc) thêm|(?:tin|bài)(?: viết)? liên quan)\s*:\s*\S|>>", re.I)
_PHOTO_CREDIT = re.compile(r"(?:ảnh|nguồn ảnh|photo)\s*:\s*\S.{0,40}", re.I)
_CREDIT = re.compile(r"\(?(?:theo|nguồn)\s*:?\s+(?P<name>[^()]{2,60}?)\)?\.?", re.I)
_DATELINE = re.compile(r"\((?P<name>[^()\d]{2,30})\)\s*[-–—]")
_PARENTHESIS_AT_END = re.compile(r"\s*\([^()]*\)$")
_NAME_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def read_raw_page(path: Path) -> Article | Rejection:
    """The article of one raw page file (UTF-8), or a Rejection saying why it holds none."""
    try:
        data = path.read_bytes()
    except OSError as err:
        return Rejection(str(path), None, f"cannot read the file: {err.strerror or err}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return Rejection(str(path), data.count(b"\n", 0, err.start) + 1, f"not UTF-8 (byte {err.start} of the file)")
    if not text.strip():
        return Rejection(str(path), None, "empty file")
    try:
        return parse_raw_page(text, path.stem)
    except ValueError as err:
        return Rejection(str(path), None, str(err))


def parse_raw_page(text: str, article_id: str) -> Article:
    """The article in a raw page's text; ValueError with the reason when there is none."""
    lines = [_clean(line) for line in unicodedata.normalize("NFC", text).splitlines()]
    if not any(lines):
        raise ValueError("empty page: no text")
    top = _headline_index(lines)
    lead = _next_paragraph(lines, top + 1)
    end = _end_of_article(lines, top, lead)
    lead = min(lead, end)
    header, rest = lines[:lead], lines[lead:end]
    found = _publication(lines, top, lead)
    title = _text(lines[top])
    body, credit = _body(title, lines[top + 1:lead], rest)
    if not body:
        raise ValueError("no article text after the headline")
    source = _outlet(header[:top] + header[top + 1:]) or credit or _dateline(rest)
    return Article(id=article_id, title=title, body="\n\n".join(body), date=found.date if found else None,
                   source=source, category=_category(header[:top], found))


def _clean(line: str) -> str:
    """The line without image and heading markup or extra spaces; '' when nothing readable is left (empty cells)."""
    line = _WHITESPACE.sub(" ", _MARKUP.sub(" ", line)).strip()
    return line if _HAS_TEXT.search(line) else ""


def _text(line: str) -> str:
    """A line as article text: without the table bars of a caption cell."""
    return line.strip("| ")


def _key(line: str) -> str:
    """The line's words, lowercase, without punctuation or numbers: how chrome and markers are compared."""
    return " ".join(_LETTERS.findall(line.lower()))


def _words(line: str) -> list[str]:
    return _WORD.findall(line)


def _headline_index(lines: list[str]) -> int:
    """The title line: the first full-length one before the first paragraph, else a short one, else that paragraph."""
    first_paragraph = _next_paragraph(lines, 0)
    shaped = [n for n in range(first_paragraph) if _is_headline(lines[n])]
    full = [n for n in shaped if len(_words(lines[n])) >= MIN_HEADLINE_WORDS]
    if shaped:
        return (full or shaped)[0]
    if first_paragraph < len(lines) and _is_headline(lines[first_paragraph]):
        return first_paragraph  # a headline that reads as a sentence: 'HLV nói: "... thì kệ…"', '... hay học?'
    raise ValueError("no headline: the page has no title line before its first paragraph")


def _is_headline(line: str) -> bool:
    """A line that could be the title: short enough, and not chrome, a breadcrumb, a date stamp or a caption."""
    return (bool(_words(line)) and len(line) <= MAX_HEADLINE_CHARS and not _is_caption(line)
            and not _is_menu(line) and not _is_breadcrumb(line) and stamp(line) is None and not _URL.fullmatch(line))


def _is_paragraph(line: str) -> bool:
    """Running text: a long line, or a sentence; caption cells are never paragraphs."""
    words = len(_words(line))
    return not _is_caption(line) and (
        words >= MIN_RUNNING_WORDS or (words >= MIN_SENTENCE_WORDS and bool(_SENTENCE_END.search(line))))


def _is_caption(line: str) -> bool:
    return line.startswith("|") or line.endswith("|")


def _is_menu(line: str) -> bool:
    """Sign-in, menu, section and share words, alone or several on a line: nothing else."""
    words = _key(line).split()
    at = 0
    while at < len(words):
        longest = min(len(words), at + _LONGEST_MENU_ENTRY)
        at = next((end for end in range(longest, at, -1) if " ".join(words[at:end]) in MENU_WORDS), -1)
        if at < 0:
            return False
    return bool(words)


def _next_paragraph(lines: list[str], start: int) -> int:
    return next((n for n in range(start, len(lines)) if _is_paragraph(lines[n])), len(lines))


def _end_of_article(lines: list[str], top: int, lead: int) -> int:
    """Where the site's lists begin: the first section marker after the lead paragraph (or the headline)."""
    for number in range(lead + 1 if lead < len(lines) else top + 1, len(lines)):
        key = _key(lines[number])
        if key in END_MARKERS or _TAGS.match(lines[number]):
            return number
        if key in MEDIA_MARKERS and not any(_is_paragraph(line) for line in lines[number + 1:]):
            return number
    return len(lines)


def _publication(lines: list[str], top: int, lead: int) -> Stamp | None:
    """The header stamp nearest the headline: below it, else the nearest above it (rather than a site's clock)."""
    above = lines[top - 1::-1] if top else []
    return publication_stamp(lines[top + 1:lead]) or publication_stamp(above)


def _body(title: str, header: list[str], rest: list[str]) -> tuple[list[str], str | None]:
    """The body paragraphs, and the source a closing credit line names ('Theo TTXVN')."""
    same_as_title = _key_words(title)
    kept = [_text(line) for line in header if _header_text(line, same_as_title)]
    kept += [_text(line) for line in rest if _body_text(line, same_as_title)]
    credit = None
    while kept:
        if name := _credit(kept[-1]):
            credit = credit or name
        elif not _is_byline(kept[-1]):
            break
        kept.pop()
    return kept, credit


def _key_words(line: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(line.lower()))


def _header_text(line: str, same_as_title: tuple[str, ...]) -> bool:
    """Header lines that are text (a subtitle, a caption): not the stamp, outlet, credit or a byline."""
    return (_body_text(line, same_as_title) and stamp(line) is None and not _is_outlet(line)
            and not _credit(line) and not _is_byline(line) and not _is_breadcrumb(line))


def _body_text(line: str, same_as_title: tuple[str, ...]) -> bool:
    """Body lines that are text: not chrome, links, image alt text repeating the headline, or a bare date stamp."""
    if not line or _is_menu(line) or _key_words(line) == same_as_title:
        return False
    if _MEDIA_LINK.match(line) or _RELATED_LINK.match(line) or _URL.fullmatch(line):
        return False
    if _PHOTO_CREDIT.fullmatch(_text(line)) or (_is_caption(line) and len(_words(line)) < MIN_CAPTION_WORDS):
        return False
    found = stamp(line)
    return not (found and found.bare)


def _is_byline(line: str) -> bool:
    """An author line: a short name in capitals ('DIỆU THIỆN') or in title case ('Minh Anh (tổng hợp)')."""
    name = _PARENTHESIS_AT_END.sub("", line)
    parts = re.split(r"\s*[-–,]\s*|\s+", name)
    if not name or len(parts) > MAX_NAME_WORDS or not all(_NAME_WORD.fullmatch(p) for p in parts):
        return False
    return name.isupper() or (len(parts) >= 2 and all(p[0].isupper() for p in parts))


def _credit(line: str) -> str | None:
    """The outlet of a credit line: 'Theo TTXVN', '(Nguồn: Báo Quốc tế)'."""
    match = _CREDIT.fullmatch(line)
    if not match or not match["name"][0].isupper() or len(_words(match["name"])) > MAX_NAME_WORDS:
        return None
    return match["name"].strip()


def _outlet(header: list[str]) -> str | None:
    """The outlet a header line names: 'Báo Quân đội Nhân dân', or a credit line."""
    for line in header:
        if _is_outlet(line):
            return _text(line)
        if credit := _credit(line):
            return credit
    return None


def _is_outlet(line: str) -> bool:
    """A short line naming a news outlet: a kind of outlet, then a capitalised name ('Báo Quốc tế')."""
    lower = line.lower()
    kind = next((kind for kind in OUTLET_KINDS if lower.startswith(kind + " ")), None)
    return (kind is not None and line[len(kind) + 1:][:1].isupper()
            and len(_words(line)) <= MAX_OUTLET_WORDS and not _SENTENCE_END.search(line))


def _dateline(rest: list[str]) -> str | None:
    """The outlet a lead paragraph opens with: '(BKTO) - Ngày 28/9, ...' names BKTO."""
    match = _DATELINE.match(rest[0]) if rest else None
    return match["name"].strip() if match else None


def _category(before_headline: list[str], found: Stamp | None) -> str | None:
    """The section a page states: before its date stamp ('Doanh nghiệp - Ngày đăng ...') or in a breadcrumb."""
    if found and found.label and not _is_person(found.label):
        return found.label
    crumbs = next((line for line in reversed(before_headline) if _is_breadcrumb(line)), None)
    return _BREADCRUMB.split(crumbs)[-1].strip() if crumbs else None


def _is_breadcrumb(line: str) -> bool:
    """A path of short section names: 'Thế giới > Quân sự', 'Trang chủ / Tin tức' (not '20.000 đồng / lít')."""
    crumbs = _BREADCRUMB.split(line)
    return len(crumbs) > 1 and all(0 < len(_words(c)) <= MAX_CRUMB_WORDS and not _DIGIT.search(c) for c in crumbs)


def _is_person(name: str) -> bool:
    """A name in title case, as authors sign ('Minh Anh'), unlike a section ('Doanh nghiệp', 'THỜI SỰ')."""
    return not name.isupper() and _is_byline(name)
