"""What the browser tests share: the chromium they drive, and logging the demo accounts in and out."""

import os
import shutil

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

# Skipped where chromium is missing, unless REQUIRE_BROWSER is set (CI sets it, so a missing browser fails there).
requires_browser = pytest.mark.skipif(
    not shutil.which(CHROMIUM) and not os.environ.get("REQUIRE_BROWSER"),
    reason="chromium is not installed (apt-get install chromium)",
)


def log_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{base_url}/")


def log_out(page):
    page.click("nav .dropdown-toggle >> nth=-1")
    page.click("text=退出登录")
