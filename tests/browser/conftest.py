import pytest

from .support import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, watch


@pytest.fixture
def browser_page(live_server, monkeypatch):
    """A chromium page at a laptop's size, in Chinese, whose problems (requests outside the test server, console
    errors, 4xx/5xx answers) are recorded on ``page.problems`` for ``support.assert_no_problems``."""
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # Reduced motion: no smooth scrolling or transitions (Bootstrap's), so a page is still when it is looked at.
        page = browser.new_page(viewport=VIEWPORT, locale="zh-CN", reduced_motion="reduce", accept_downloads=True)
        watch(page, live_server.url)
        yield page
        browser.close()
