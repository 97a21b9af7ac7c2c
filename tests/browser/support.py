"""What the browser tests share: the chromium they drive, the problems every page is watched for, screenshots, and
logging the demo accounts in and out."""

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "demo-2026"
# A laptop's screen: the pages are checked, and photographed, at this size.
VIEWPORT = {"width": 1366, "height": 768}
# Where the screenshots of the main pages go (git-ignored); SCREENSHOT_DIR names another folder.
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR") or Path(__file__).resolve().parents[2] / "build" / "screenshots")

# Skipped where chromium is missing, unless REQUIRE_BROWSER is set (CI sets it, so a missing browser fails there).
requires_browser = pytest.mark.skipif(
    not shutil.which(CHROMIUM) and not os.environ.get("REQUIRE_BROWSER"),
    reason="chromium is not installed (apt-get install chromium)",
)


# Each violation of the Content Security Policy the browser reports, whatever the page does with the console, in
# ``window.__violations`` (``page.add_init_script(RECORD_VIOLATIONS)``).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


def watch(page, base_url):
    """Record on ``page.problems`` what no page may do: fetch from another host (the intranet has no internet), log
    an error to the console, throw an uncaught error, or get a 4xx/5xx answer for itself or any of its resources."""
    server = urlsplit(base_url)[:2]
    problems = page.problems = {"outside requests": [], "console errors": [], "failed responses": []}

    def on_request(request):
        if urlsplit(request.url).scheme not in ("data", "blob") and urlsplit(request.url)[:2] != server:
            problems["outside requests"].append(request.url)

    def on_console(message):
        if message.type == "error":
            problems["console errors"].append(f"{message.text} ({message.location.get('url')}) on {page.url}")

    page.on("request", on_request)
    page.on("console", on_console)
    page.on("pageerror", lambda error: problems["console errors"].append(f"{error} on {page.url}"))
    page.on(
        "response",
        lambda response: (
            problems["failed responses"].append(f"{response.status} {response.request.method} {response.url}")
            if response.status >= 400
            else None
        ),
    )


def assert_no_problems(page):
    found = {kind: entries for kind, entries in page.problems.items() if entries}
    assert not found, "the browser saw problems:\n" + "\n".join(
        f"{kind}: {entry}" for kind, entries in found.items() for entry in entries
    )


def screenshot(page, name, *, full_page=False, scroll_to=None):
    """Photograph the page as a 1366×768 screen shows it as SCREENSHOT_DIR/name.png, once it has loaded: its top, or
    from the element ``scroll_to`` selects, or (``full_page``) its whole length."""
    page.wait_for_load_state("load")
    if scroll_to:
        page.locator(scroll_to).first.evaluate("(element) => element.scrollIntoView({behavior: 'instant'})")
    elif not full_page:
        page.evaluate("window.scrollTo({top: 0, behavior: 'instant'})")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOT_DIR / f"{name}.png", full_page=full_page, animations="disabled")


def log_in(page, base_url, username, *, shot=None):
    """Log in as a demo account from the login page (``shot``: photograph the filled-in login page first)."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    if shot:
        screenshot(page, shot)
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{base_url}/")


def log_out(page):
    page.click("nav .dropdown-toggle >> nth=-1")
    page.click("text=退出登录")


def printed(page) -> tuple[int, tuple[float, float]]:
    """Print the page as Chromium's print dialog would (print stylesheet, CSS page size): how many pages, and the
    first page's width and height in points."""
    page.emulate_media(media="print")
    try:
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    finally:
        page.emulate_media(media="screen")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    width, height = map(float, re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf).groups())
    return pages, (width, height)
