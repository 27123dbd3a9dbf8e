"""The built site, checked in a real browser (Debian's headless Chromium via Playwright).

Run by ``nox -s site`` after ``nox -s docs``; excluded from the default test run by the
``browser`` marker. Every request that leaves 127.0.0.1 is blocked, so a page that
needs the network fails here.
"""

from __future__ import annotations

import functools
import html.parser
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


LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def _new_page(browser, viewport):
    """A page in a fresh context that lets only requests to 127.0.0.1 through."""
    context = browser.new_context(viewport=viewport)
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
    return page


@pytest.fixture
def page(browser):
    page = _new_page(browser, LAPTOP)
    yield page
    page.context.close()


@pytest.fixture
def phone(browser):
    page = _new_page(browser, PHONE)
    yield page
    page.context.close()


def _all_pages() -> list[str]:
    return sorted(
        str(p.relative_to(SITE))
        for p in SITE.rglob("*.html")
        if not SKIP.match(str(p.relative_to(SITE)))
    )


def _api_module(name: str) -> str | None:
    """``hw1.bench.tables`` for ``generated/hw1.bench.tables.case_table.html``; else None.

    A dotted name is a module page when it names a module or package of the source
    tree (``generated/hw1.bench.tables.html``); otherwise its last part is a member.
    """
    match = re.fullmatch(r"generated/(hw1(?:\.[A-Za-z_]\w*)*)\.html", name)
    if not match:
        return None
    dotted = match.group(1)
    if (ROOT / Path(*dotted.split("."))).with_suffix(".py").is_file() or (
        ROOT / Path(*dotted.split(".")) / "__init__.py"
    ).is_file():
        return dotted
    return dotted.rpartition(".")[0]


def _pages() -> list[str]:
    """Every page but the API ones, plus one module page and one member page per module.

    The ~140 API pages come from two autosummary templates; loading them all in the
    browser would triple this check's time. They are all checked statically below
    (``test_every_api_page_references_only_local_files``).
    """
    pages, seen = [], {}
    for name in _all_pages():
        module = _api_module(name)
        if module is None:
            pages.append(name)
        elif name == f"generated/{module}.html" or seen.setdefault(module, name) == name:
            pages.append(name)
    return pages


class _Assets(html.parser.HTMLParser):
    """Collect the files a page loads: scripts, stylesheets, icons and images."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "img") and attrs.get("src"):
            self.urls.append(attrs["src"])
        elif tag == "link" and attrs.get("href") and attrs.get("rel") != "canonical":
            self.urls.append(attrs["href"])


def test_every_api_page_references_only_local_files():
    api = [n for n in _all_pages() if _api_module(n)]
    assert len(api) > len(_pages()) // 4, "expected the API reference among the pages"
    failures = {}
    for name in api:
        parser = _Assets()
        parser.feed((SITE / name).read_text(encoding="utf-8"))
        problems = []
        for url in parser.urls:
            parts = urlparse(url)
            if parts.scheme or parts.netloc:
                problems.append(f"external: {url}")
            elif not ((SITE / name).parent / parts.path).resolve().is_file():
                problems.append(f"missing: {url}")
        if problems:
            failures[name] = problems
    assert not failures, failures


def _wait_for_math(page) -> None:
    """Wait until MathJax (if the page loads it) has finished typesetting."""
    page.evaluate(
        "async () => { if (window.MathJax && MathJax.startup) await MathJax.startup.promise; }"
    )


TABS = 4  # pages loaded side by side: most of a load is waiting, not computing


def test_every_page_loads_offline_without_console_errors(server, browser):
    pages = _pages()
    assert "index.html" in pages
    tabs = [_new_page(browser, LAPTOP) for _ in range(TABS)]
    status: dict[str, int] = {}
    for tab in tabs:
        tab.on("response", lambda r: status.__setitem__(r.url, r.status))
    failures = {}
    try:
        for first in range(0, len(pages), TABS):
            batch = list(zip(tabs, pages[first : first + TABS], strict=False))
            for tab, name in batch:  # start every load, then wait for each
                tab.errors.clear()
                tab.blocked.clear()
                tab.evaluate("url => { window.location.href = url; }", f"{server}/{name}")
            for tab, name in batch:
                url = f"{server}/{name}"
                tab.wait_for_url(url, wait_until="load")
                _wait_for_math(tab)
                problems = []
                if status.get(url) != 200:
                    problems.append(f"status {status.get(url)}")
                problems += [f"console: {e}" for e in tab.errors]
                problems += [f"external request: {u}" for u in tab.blocked]
                broken = tab.evaluate(
                    "() => Array.from(document.images)"
                    ".filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
                )
                problems += [f"image not loaded: {src}" for src in broken]
                if problems:
                    failures[name] = problems
    finally:
        for tab in tabs:
            tab.context.close()
    assert not failures, failures


def _math_pages() -> list[str]:
    """Top-level pages with any math on them: the derivations, notation, data, ..."""
    return sorted(
        p.name
        for p in SITE.glob("*.html")
        if p.name not in {"genindex.html", "search.html", "py-modindex.html"}
        and 'class="math notranslate' in p.read_text(encoding="utf-8")
    )


def _derivation_pages() -> list[str]:
    return [n for n in _math_pages() if re.match(r"q\d", n)]


def test_math_is_typeset(server, page):
    pages = _math_pages()
    assert _derivation_pages(), "no derivation pages found"
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


# -- Folded solutions -------------------------------------------------------------

FOLDABLE = ".bd-article .admonition.toggle"


def _folded_ids(page) -> list[str]:
    return page.eval_on_selector_all(
        f"{FOLDABLE}.toggle-hidden", "els => els.map(e => e.id).filter(Boolean)"
    )


def _is_shown(page, selector: str) -> bool:
    """Whether the element has a layout box (folded content has none)."""
    return page.eval_on_selector(
        selector, "e => e.getClientRects().length > 0 && e.getBoundingClientRect().height > 0"
    )


def _open_all(page) -> None:
    control = page.locator("button.hw1-open-all")
    if control.count() and _folded_ids(page):
        control.click()
        assert not _folded_ids(page), "the control left solutions folded"


FOLDED_IN_HTML = re.compile(r'class="[^"]*\bsolution\b[^"]*\bdropdown\b')


def _pages_with_solutions() -> list[str]:
    return [n for n in _derivation_pages() if FOLDED_IN_HTML.search((SITE / n).read_text())]


def test_solutions_start_folded_and_open_on_click(server, page):
    pages = _pages_with_solutions()
    assert pages, "no derivation page has folded solutions"
    for name in pages:
        page.goto(f"{server}/{name}", wait_until="load")
        folded = _folded_ids(page)
        assert folded, f"{name}: no solution is folded on arrival"
        first = f"#{folded[0]}"
        body = f"{first} > :not(.admonition-title)"
        assert not _is_shown(page, body), f"{name}: folded solution {first} shows its body"
        page.click(f"{first} > .admonition-title .toggle-button")
        assert _is_shown(page, body), f"{name}: solution {first} did not open on click"
        assert folded[0] not in _folded_ids(page)


def test_one_control_opens_and_folds_all_solutions(server, page):
    for name in _pages_with_solutions():
        page.goto(f"{server}/{name}", wait_until="load")
        control = page.locator("button.hw1-open-all")
        assert control.count() == 1, f"{name}: {control.count()} open-all controls"
        total = page.locator(FOLDABLE).count()
        assert len(_folded_ids(page)) == total
        control.click()
        assert _folded_ids(page) == [], f"{name}: open-all left solutions folded"
        control.click()
        assert len(_folded_ids(page)) == total, f"{name}: fold-all left solutions open"
    page.goto(f"{server}/auto_examples/index.html", wait_until="load")
    assert page.locator("button.hw1-open-all").count() == 0


def _equations_in_solutions(page) -> list[str]:
    return page.eval_on_selector_all(f"{FOLDABLE} [id^='equation-']", "els => els.map(e => e.id)")


def test_a_link_into_a_folded_solution_opens_it(server, page):
    """Cross-page links, reloads with the hash, and in-page hash changes all land."""
    pages = _pages_with_solutions()
    assert pages, "no derivation page has folded solutions"
    targets = {}
    for name in pages:
        page.goto(f"{server}/{name}", wait_until="load")
        ids = _equations_in_solutions(page)
        if ids:
            targets[name] = ids
    assert targets, "no labelled equation inside a folded solution"

    # A real link from another page, when some page has one.
    followed = None
    for name in _math_pages():
        page.goto(f"{server}/{name}", wait_until="load")
        _open_all(page)
        for href in page.eval_on_selector_all(
            ".bd-article a[href*='#equation-']", "els => els.map(e => e.getAttribute('href'))"
        ):
            path, _, anchor = href.partition("#")
            if path and path != name and anchor in targets.get(path, []):
                page.click(f".bd-article a[href='{href}']")
                followed = (path, anchor)
                break
        if followed:
            break
    if followed:
        path, anchor = followed
        page.wait_for_url(f"**/{path}#{anchor}")
        _wait_for_math(page)
        assert _is_shown(page, f"#{anchor}"), f"link to {path}#{anchor} landed folded"
        assert page.evaluate(
            "id => { const r = document.getElementById(id).getBoundingClientRect();"
            " return r.top >= -1 && r.top < window.innerHeight; }",
            anchor,
        ), f"{path}#{anchor} opened but is not in view"

    for name, ids in targets.items():
        # Arriving with the hash (a bookmark, or a link typed by hand).
        page.goto(f"{server}/{name}#{ids[-1]}", wait_until="load")
        _wait_for_math(page)
        assert _is_shown(page, f"#{ids[-1]}"), f"{name}#{ids[-1]}: still folded"
        # A hash change on the same page (in-page link, back button).
        page.goto(f"{server}/{name}", wait_until="load")
        page.evaluate("id => { window.location.hash = id; }", ids[0])
        page.wait_for_function(
            "id => document.getElementById(id).getClientRects().length > 0", arg=ids[0]
        )


def test_search_finds_words_inside_folded_solutions(server, page):
    pages = _pages_with_solutions()
    assert pages, "no derivation page has folded solutions"
    name = pages[0]
    page.goto(f"{server}/{name}", wait_until="load")
    text = page.eval_on_selector(f"{FOLDABLE} > :not(.admonition-title)", "e => e.textContent")
    words = sorted(set(re.findall(r"\b[a-z]{9,}\b", text)), key=len, reverse=True)
    assert words, f"{name}: no long word in the first solution"
    word = words[0]
    page.goto(f"{server}/search.html?q={word}", wait_until="load")
    page.wait_for_selector("#search-results li", timeout=20000)
    hits = page.eval_on_selector_all(
        "#search-results li a", "els => els.map(e => e.getAttribute('href'))"
    )
    assert any(h.split("#")[0].split("?")[0].endswith(name) for h in hits), (word, hits)


# -- Layout -------------------------------------------------------------------------


def test_pages_without_sub_navigation_have_no_sidebar(server, page):
    for name in ["index.html", *_derivation_pages()]:
        page.goto(f"{server}/{name}", wait_until="load")
        sidebar = page.locator("#pst-primary-sidebar")
        assert not (sidebar.count() and sidebar.is_visible()), f"{name}: primary sidebar shown"
        width = page.eval_on_selector(".bd-article", "e => e.getBoundingClientRect().width")
        assert width >= 700, f"{name}: text column only {width:.0f} px wide"


def test_display_equations_fit_their_column(server, page):
    """At 1280x800, with every solution open, no display equation needs scrolling."""
    pages = _math_pages()
    assert _derivation_pages(), "no derivation pages found"
    too_wide, seen = {}, 0
    for name in pages:
        page.goto(f"{server}/{name}", wait_until="load")
        _open_all(page)
        _wait_for_math(page)
        widths = page.eval_on_selector_all(
            "mjx-container[display='true']",
            """els => els.map(e => {
                const svg = e.querySelector('svg');
                return [svg ? svg.getBoundingClientRect().width : 0, e.clientWidth,
                        e.closest('[id]') ? e.closest('[id]').id : ''];
            })""",
        )
        wide = [
            f"#{where}: {svg:.0f} px in {box} px" for svg, box, where in widths if svg > box + 1
        ]
        seen += len(widths)
        if wide:
            too_wide[name] = wide
    assert seen, "no display equation rendered on any page"
    assert not too_wide, too_wide


def _cut_off(page) -> list[str]:
    """Elements that stick out of a box that clips them, or of the screen, unscrollably."""
    return page.evaluate(
        """() => {
        const width = document.documentElement.clientWidth;
        const out = [];
        const selector = 'mjx-container, table, pre, img, svg, p, h1, h2, h3, li, dl, '
            + '.admonition, div.math, .sphx-glr-script-out, .highlight, button';
        for (const e of document.querySelector('.bd-article').querySelectorAll(selector)) {
            const r = e.getBoundingClientRect();
            if (r.width === 0 || r.height === 0) continue;
            let ok = false, clipped = null;
            for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
                const style = getComputedStyle(a);
                if (style.display.startsWith('inline')) continue;  // overflow does not apply
                const ox = style.overflowX;
                if (ox === 'auto' || ox === 'scroll') { ok = true; break; }
                if ((ox === 'hidden' || ox === 'clip')
                    && r.right > a.getBoundingClientRect().right + 1) { clipped = a; break; }
            }
            if (ok) continue;
            if (clipped || r.right > width + 1 || r.left < -1) {
                const id = e.id || (e.closest('[id]') || {}).id || '';
                out.push(`${e.tagName.toLowerCase()} in #${id}: ${Math.round(r.left)}..`
                    + `${Math.round(r.right)} px of ${width}`);
            }
        }
        return out;
    }"""
    )


def test_nothing_is_cut_off_on_a_phone(server, phone):
    """At 390x844 a wide equation or table may scroll in its own box, never be cut off."""
    pages = [
        *_math_pages(),
        "auto_examples/plot_q4a_initial_signals.html",
        "auto_examples/plot_q4d_training_and_depth.html",
    ]
    problems = {}
    for name in pages:
        if not (SITE / name).is_file():
            continue
        phone.goto(f"{server}/{name}", wait_until="load")
        _open_all(phone)
        _wait_for_math(phone)
        cut = _cut_off(phone)
        if cut:
            problems[name] = cut[:5]
    assert not problems, problems


# -- Tables and copy buttons ----------------------------------------------------------


class _VisibleCode(html.parser.HTMLParser):
    """Collect the text of the code blocks a reader sees (``div.highlight-Python pre``)."""

    def __init__(self):
        super().__init__()
        self.depth = 0  # > 0 inside a <pre> of a code block
        self.in_code_div = 0
        self.blocks: list[str] = []

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if tag == "div" and "highlight-Python" in classes:
            self.in_code_div += 1
        elif tag == "pre" and self.in_code_div:
            self.depth += 1
            self.blocks.append("")

    def handle_endtag(self, tag):
        if tag == "pre" and self.depth:
            self.depth -= 1
        elif tag == "div" and self.in_code_div and not self.depth:
            self.in_code_div -= 1

    def handle_data(self, data):
        if self.depth:
            self.blocks[-1] += data


def test_gallery_pages_show_no_assert_in_their_code():
    """Build checks sit in sphinx-gallery ignore blocks: they run, but readers see none."""
    pages = sorted((SITE / "auto_examples").rglob("plot_*.html"))
    assert len(pages) >= 9, "expected the gallery pages"
    shown = {}
    for path in pages:
        parser = _VisibleCode()
        parser.feed(path.read_text(encoding="utf-8"))
        assert parser.blocks, f"{path.name}: no code block found"
        hits = [line for block in parser.blocks for line in block.splitlines() if "assert " in line]
        if hits:
            shown[path.name] = hits
    assert not shown, shown


def test_q4_example_shows_its_results_as_html_tables(server, page):
    page.goto(f"{server}/auto_examples/plot_q4a_initial_signals.html", wait_until="load")
    shapes = page.eval_on_selector_all(
        ".bd-article table.dataframe",
        "els => els.map(t => [t.querySelectorAll('thead th').length,"
        " t.querySelectorAll('tbody tr').length])",
    )
    assert shapes, "the Q4 example shows no HTML table"
    assert all(heads >= 2 and rows >= 1 for heads, rows in shapes), shapes
    printed = page.eval_on_selector_all(
        ".sphx-glr-script-out pre", "els => els.map(e => e.textContent)"
    )
    rules = [t for t in printed if re.search(r"^ *-{3,}( +-{3,})+ *$", t, re.MULTILINE)]
    assert not rules, f"plain-text tables left in the output: {rules[:1]}"


def _copy(page, button) -> str:
    page.evaluate("() => navigator.clipboard.writeText('')")
    button.click()
    page.wait_for_function("async () => (await navigator.clipboard.readText()) !== ''")
    return page.evaluate("() => navigator.clipboard.readText()")


def test_copy_buttons_copy_code_only(server, page):
    """Code cells get a button that copies the code; printed output gets none.

    That prompts and doctest output are left out is checked on the configuration
    (tests/test_docs_config.py): no page here shows a ``>>>`` prompt.
    """
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{server}/auto_examples/plot_q4a_initial_signals.html", wait_until="load")
    page.wait_for_selector("button.copybtn", state="attached")
    code = page.locator(".bd-article div.highlight-Python pre")
    buttons = page.locator(".bd-article div.highlight-Python button.copybtn")
    assert code.count() > 0 and buttons.count() == code.count()
    assert page.locator(".sphx-glr-script-out button.copybtn").count() == 0
    block = code.first
    block.hover()
    assert _copy(page, buttons.first).strip() == block.inner_text().strip()


# -- Screenshots ----------------------------------------------------------------------


def test_screenshots(server, browser):
    """Home, a derivation folded and opened, and an example, on a laptop and a phone."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    derivations = _pages_with_solutions() or _derivation_pages()
    assert derivations, "no derivation pages found"
    # (label, page, open every solution, element scrolled to the top of the view)
    shots = [
        ("home", "index.html", False, None),
        ("derivation-folded", derivations[0], False, FOLDABLE),
        ("derivation-open", derivations[0], True, FOLDABLE),
        ("example", "auto_examples/plot_q4d_training_and_depth.html", False, "table.dataframe"),
    ]
    for device, viewport in (("laptop", LAPTOP), ("phone", PHONE)):
        page = _new_page(browser, viewport)
        try:
            for label, name, open_all, anchor in shots:
                page.goto(f"{server}/{name}", wait_until="load")
                if open_all:
                    _open_all(page)
                _wait_for_math(page)
                if anchor and page.locator(anchor).count():
                    page.eval_on_selector(
                        anchor,
                        "e => window.scrollTo(0, e.getBoundingClientRect().top"
                        " + window.scrollY - 120)",
                    )
                path = ARTIFACTS / f"screenshot-{label}-{device}.png"
                page.screenshot(path=str(path), full_page=False)
                assert path.stat().st_size > 10_000, f"{path} looks empty"
        finally:
            page.context.close()
