"""The built site, checked in a real browser (Debian's headless Chromium via Playwright).

Run by ``nox -s site`` after ``nox -s docs``; excluded from the default test run by the
``browser`` marker. Every request that leaves 127.0.0.1 is blocked, so a page that
needs the network fails here.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SITE = Path(os.environ.get("HW1_SITE", ROOT / "docs" / "_build" / "html"))
ARTIFACTS = Path(os.environ.get("HW1_ARTIFACTS", ROOT / "artifacts"))
CHROMIUM = os.environ.get("HW1_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Pages not worth loading one by one: generated source listings and search internals.
SKIP = re.compile(r"^(_modules|_sources|_static|_images|_downloads|\.doctrees)/")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    if not (SITE / "index.html").is_file():
        pytest.fail(f"no built site at {SITE}: run `nox -s docs` first")
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    blocked: list[str] = []

    def only_local(route):
        host = urlparse(route.request.url).hostname
        if host == "127.0.0.1":
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.errors = []  # console errors and uncaught exceptions
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.blocked = blocked
    yield page
    context.close()


def _pages() -> list[str]:
    return sorted(
        str(p.relative_to(SITE))
        for p in SITE.rglob("*.html")
        if not SKIP.match(str(p.relative_to(SITE)))
    )


def _wait_for_math(page) -> None:
    """Wait until MathJax (if the page loads it) has finished typesetting."""
    page.evaluate(
        "async () => { if (window.MathJax && MathJax.startup) await MathJax.startup.promise; }"
    )


def test_every_page_loads_offline_without_console_errors(server, page):
    pages = _pages()
    assert "index.html" in pages
    failures = {}
    for name in pages:
        response = page.goto(f"{server}/{name}", wait_until="load")
        _wait_for_math(page)
        problems = []
        if response is None or response.status != 200:
            problems.append(f"status {response and response.status}")
        problems += [f"console: {e}" for e in page.errors]
        problems += [f"external request: {u}" for u in page.blocked]
        broken = page.evaluate(
            "() => Array.from(document.images)"
            ".filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
        )
        problems += [f"image not loaded: {src}" for src in broken]
        if problems:
            failures[name] = problems
        page.errors.clear()
        page.blocked.clear()
    assert not failures, failures


def _math_pages() -> list[str]:
    names = [p.name for p in (SITE).glob("*.html")]
    return sorted(n for n in names if re.match(r"(notation|q\d.*)\.html$", n))


def test_math_is_typeset(server, page):
    pages = _math_pages()
    assert pages, "no derivation pages found"
    for name in pages:
        page.goto(f"{server}/{name}", wait_until="load")
        _wait_for_math(page)
        rendered = page.locator("mjx-container").count()
        assert rendered > 0, f"{name}: no MathJax output"
        text = page.locator("article").inner_text()
        assert "$$" not in text, f"{name}: raw $$ left in the page"
        assert "\\begin{" not in text, f"{name}: raw LaTeX left in the page"


def test_gallery_download_links_resolve(server, page):
    page.goto(f"{server}/auto_examples/index.html", wait_until="load")
    examples = page.eval_on_selector_all(
        "div.sphx-glr-thumbcontainer a", "els => els.map(e => e.href)"
    )
    examples = sorted({urlparse(u).path for u in examples if u.endswith(".html")})
    assert examples, "the gallery index lists no example"
    for path in examples:
        page.goto(f"{server}{path}", wait_until="load")
        links = page.eval_on_selector_all(
            "a.reference.download", "els => els.map(e => e.getAttribute('href'))"
        )
        suffixes = {Path(urlparse(link).path).suffix for link in links}
        assert {".py", ".ipynb"} <= suffixes, f"{path}: download links {links}"
        for link in links:
            url = page.evaluate("(href) => new URL(href, document.baseURI).href", link)
            response = page.request.get(url)
            assert response.status == 200, f"{path}: {link} -> {response.status}"
            assert response.body(), f"{path}: {link} is empty"


def test_home_page_deliverable_links_resolve(server, page):
    """The PDF and the notebook, when their sessions have put them beside the site."""
    page.goto(f"{server}/index.html", wait_until="load")
    for name in ("hw1-answers.pdf", "hw1-answers.ipynb"):
        if not (SITE / name).is_file():
            continue
        response = page.request.get(f"{server}/{name}")
        assert response.status == 200 and response.body(), name


def test_search_finds_a_word_from_a_derivation(server, page):
    page.goto(f"{server}/search.html?q=Hadamard", wait_until="load")
    page.wait_for_selector("#search-results li", timeout=20000)
    hits = page.eval_on_selector_all(
        "#search-results li a", "els => els.map(e => e.getAttribute('href'))"
    )
    assert any("notation" in h for h in hits), hits


def test_screenshots(server, page):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    targets = {"home": "index.html", "derivation": "notation.html"}
    derivations = [n for n in _math_pages() if n.startswith("q1")]
    if derivations:
        targets["derivation"] = derivations[0]
    for label, name in targets.items():
        page.goto(f"{server}/{name}", wait_until="load")
        _wait_for_math(page)
        path = ARTIFACTS / f"screenshot-{label}.png"
        page.screenshot(path=str(path), full_page=False)
        assert path.stat().st_size > 10_000, f"{path} looks empty"
