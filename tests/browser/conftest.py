import pytest

from .support import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture
def browser_page(live_server, monkeypatch):
    """A chromium page that records every request going anywhere but the test server (``page.outside_requests``)."""
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        outside = []
        page.on(
            "request",
            lambda request: outside.append(request.url) if not request.url.startswith(live_server.url) else None,
        )
        page.outside_requests = outside
        yield page
        browser.close()
