"""The page in Debian's chromium through Playwright: typing, facets, date filter, phone layout, screenshots."""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from werkzeug.serving import make_server

from webui import create_app

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@contextmanager
def served(index_dir):
    """The app over this index, served over HTTP on a free port in a background thread."""
    app = create_app({"INDEX_DIR": str(index_dir)})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        app.extensions["search"].close()


@pytest.fixture(scope="module")
def base_url(index_dir):
    with served(index_dir) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """Headless Debian chromium; a clear failure, never a skip, when it is missing."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="vi-VN")
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    yield context.new_page()
    context.close()


def hit_ids(page: Page) -> set[str]:
    hrefs = page.locator(".hit-title a").evaluate_all("links => links.map(a => a.pathname)")
    return {href.removeprefix("/articles/") for href in hrefs}


def facet_count(page: Page, facet: str, value: str) -> str:
    return page.locator(f'a[data-facet="{facet}"][data-value="{value}"] .facet-count').text_content()


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("() => document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth")


def test_accent_free_query_typed_in_the_box_shows_accented_highlights(desktop, base_url):
    desktop.goto(base_url)
    desktop.fill("#q", "hoi dam")
    desktop.press("#q", "Enter")
    expect(desktop.locator("#result-count")).to_contain_text("4 bài cho “hoi dam”")
    marks = desktop.locator(".snippet mark").all_inner_texts()
    assert "hội đàm" in marks and set(marks) <= {"hội đàm", "hội", "đàm"}  # the accented original, marked
    assert desktop.url.endswith("/?q=hoi+dam")
    assert desktop.locator('a[data-facet="country"][data-value="CN"]').is_visible()  # a sidebar, no toggle


def test_tapping_a_country_facet_narrows_results_and_counts(phone, base_url):
    phone.goto(f"{base_url}/?q=hoi+dam")
    assert len(hit_ids(phone)) == 4 and facet_count(phone, "country", "RU") == "2"
    facet = phone.locator('a[data-facet="country"][data-value="CN"]')
    assert not facet.is_visible()  # behind the toggle on a phone
    phone.locator(".filters > summary").tap()
    facet.tap()
    expect(phone.locator("#result-count")).to_contain_text("2 bài")
    assert hit_ids(phone) == {"hoi-dam-trung-quoc", "nga-trung-quoc"}
    assert "country=CN" in phone.url
    phone.locator(".filters > summary").tap()
    assert facet_count(phone, "country", "RU") == "1"
    expect(phone.locator('a[data-facet="country"][data-value="CN"]')).to_have_attribute("aria-current", "true")


def test_date_range_filter_narrows_results(desktop, base_url):
    desktop.goto(f"{base_url}/?q=hoi+dam")
    desktop.fill("#from", "2025-01-01")
    desktop.fill("#to", "2025-12-31")
    desktop.get_by_role("button", name="Lọc theo ngày").click()
    expect(desktop.locator("#result-count")).to_contain_text("2 bài")
    assert hit_ids(desktop) == {"hoi-dam-trung-quoc", "nga-trung-quoc"}
    assert "from=2025-01-01" in desktop.url and "to=2025-12-31" in desktop.url
    assert desktop.input_value("#q") == "hoi dam"


def test_phone_layout_has_no_horizontal_scrolling(phone, base_url):
    ARTIFACTS.mkdir(exist_ok=True)
    phone.goto(f"{base_url}/?q=hoi+dam")
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=ARTIFACTS / "results-phone.png", full_page=True)
    phone.locator(".filters > summary").tap()
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=ARTIFACTS / "results-phone-filters.png", full_page=True)
    phone.locator(".hit-title a").first.tap()
    expect(phone.locator(".article h1 mark")).to_have_text("hội đàm")
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=ARTIFACTS / "article-phone.png", full_page=True)
    phone.goto(f"{base_url}/?q=khung+long+bao+chua&country=CN")
    assert no_horizontal_scroll(phone)


def test_desktop_screenshot(desktop, base_url):
    ARTIFACTS.mkdir(exist_ok=True)
    desktop.goto(f"{base_url}/?q=hoi+dam")
    assert no_horizontal_scroll(desktop)
    desktop.screenshot(path=ARTIFACTS / "results-desktop.png", full_page=True)


XSS_NEWS = [
    {"id": "xss-1", "title": '<img src=x onerror="window.__pwned=1;alert(1)"> Hội đàm chống XSS',
     "body": ('<script>window.__pwned=2;alert(2)</script>Thủ tướng hội đàm về an ninh mạng.\n'
              '<svg onload="window.__pwned=3;alert(3)"></svg><b onmouseover="alert(4)">rê chuột</b> '
              '<a href="javascript:alert(5)">bấm vào đây</a> "><script>alert(6)</script> hội đàm xss'),
     "source": '<iframe src="javascript:alert(7)"></iframe>Báo Độc', "url": "javascript:alert(8)",
     "date": "2025-02-02"},
    {"id": "binh-thuong", "title": "Hội đàm bình thường", "body": "Hai bên hội đàm tại Hà Nội."},
]
NO_SCRIPT_RAN = """() => ({
    pwned: window.__pwned === undefined ? null : window.__pwned,
    scripts: document.scripts.length,
    handlers: [...document.querySelectorAll('*')].flatMap(el => [...el.attributes]
        .filter(a => a.name.startsWith('on')).map(a => el.tagName + ' ' + a.name)),
    foreign: [...document.querySelectorAll('img, svg, iframe, script, b, object, embed')].map(el => el.tagName),
    scriptLinks: [...document.querySelectorAll('a[href]')].map(a => a.href)
        .filter(href => href.toLowerCase().startsWith('javascript:')),
    violations: window.__cspViolations,
})"""


@pytest.fixture
def xss_url(tmp_path):
    """The app over an index holding an article made of script and event handlers."""
    from tests.helpers import build_index

    with served(build_index(tmp_path, XSS_NEWS)) as url:
        yield url


def test_an_article_made_of_script_and_event_handlers_runs_none_of_it(desktop, xss_url):
    dialogs: list[str] = []
    desktop.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    desktop.add_init_script("window.__cspViolations = []; document.addEventListener('securitypolicyviolation',"
                            " e => window.__cspViolations.push(e.violatedDirective));")
    desktop.goto(f"{xss_url}/?q=hoi+dam+xss")
    expect(desktop.locator("#result-count")).to_contain_text("1 bài cho “hoi dam xss”")
    title = desktop.locator(".hit-title a")
    expect(title).to_have_text('<img src=x onerror="window.__pwned=1;alert(1)"> Hội đàm chống XSS')
    title.hover()
    found = desktop.evaluate(NO_SCRIPT_RAN)
    assert found == {"pwned": None, "scripts": 0, "handlers": [], "foreign": [], "scriptLinks": [],
                     "violations": []}
    title.click()
    expect(desktop.locator(".article h1")).to_contain_text("<img src=x onerror=")
    body = desktop.locator(".article-body")
    expect(body).to_contain_text("<script>window.__pwned=2;alert(2)</script>Thủ tướng hội đàm về an ninh mạng.")
    expect(desktop.locator(".article .source")).to_have_text('<iframe src="javascript:alert(7)"></iframe>Báo Độc')
    desktop.get_by_text("rê chuột").hover()
    desktop.get_by_text("bấm vào đây").click()  # plain text: nothing to follow
    assert desktop.locator(".article-body mark").all_inner_texts() == ["hội đàm", "hội đàm xss"]
    found = desktop.evaluate(NO_SCRIPT_RAN)
    assert found == {"pwned": None, "scripts": 0, "handlers": [], "foreign": [], "scriptLinks": [],
                     "violations": []}
    assert dialogs == [] and "/articles/xss-1" in desktop.url
