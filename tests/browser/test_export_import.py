"""An Excel export downloaded and imported back, in a real browser (Debian's chromium driven by Playwright).

The office filters the project library to one unit and downloads 导出 Excel: the workbook holds exactly the listed
projects under the import's headers. It edits one project's 建设内容 in the file and uploads it on the projects
import page: the preview shows that one update and nothing else; confirming applies it, with history under the
office's user. The official tables' page is photographed on the way. No page fetches anything from outside the
server, logs a console error or gets a 4xx/5xx answer.
Skipped where chromium is missing, unless REQUIRE_BROWSER is set (CI sets it, so a missing browser fails there).
"""

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from accounts.models import User
from projects.models import Project

from .support import assert_no_problems, log_in, requires_browser, screenshot

pytestmark = requires_browser

NEW_DESCRIPTION = "建设全区统一的工业经济数据库，接入规模以上企业能耗与产值数据（浏览器测试导入）。"


@pytest.mark.django_db(transaction=True)
def test_office_exports_and_imports_projects(browser_page, live_server, settings, tmp_path):
    settings.DEBUG = True  # demo accounts are created only in debug mode
    call_command("load_demo", verbosity=0)
    settings.DEBUG = False
    page, base = browser_page, live_server.url
    unit = User.objects.get(username="liaison").organization
    codes = sorted(Project.objects.filter(lead_org=unit).values_list("code", flat=True))
    assert len(codes) >= 2

    log_in(page, base, "zhenhai")  # the office of the unit's region: it writes the region's projects
    page.goto(f"{base}/projects/")
    screenshot(page, "project-list", scroll_to=".list-totals")
    page.goto(f"{base}/projects/?lead_org={unit.pk}")
    assert int(page.locator("#total-count").inner_text()) == len(codes)

    # The download: the listed projects, under the import's headers.
    with page.expect_download() as download_info:
        page.click("a:has-text('导出 Excel')")
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename.endswith(".xlsx")
    exported = tmp_path / download.suggested_filename
    download.save_as(exported)
    workbook = load_workbook(exported)
    sheet = workbook.active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header_at = next(number for number, row in enumerate(rows) if "项目编号" in row and "项目名称" in row)
    header = rows[header_at]
    data = [row for row in rows[header_at + 1 :] if any(value not in (None, "") for value in row)]
    code_column, name_column, description_column = (header.index(h) for h in ("项目编号", "项目名称", "建设内容"))
    assert sorted(row[code_column] for row in data) == codes
    names = dict(Project.objects.filter(lead_org=unit).values_list("code", "name"))
    assert all(row[name_column] == names[row[code_column]] for row in data)

    # One project's 建设内容 edited in the file; the rest left as exported.
    edited = data[0][code_column]
    sheet.cell(row=header_at + 2, column=description_column + 1, value=NEW_DESCRIPTION)
    assert sheet.cell(row=header_at + 2, column=code_column + 1).value == edited
    upload = tmp_path / "项目库（修改）.xlsx"
    workbook.save(upload)

    # The preview: that one update, nothing else, and nothing written yet.
    page.goto(f"{base}/imports/")
    screenshot(page, "imports")
    page.goto(f"{base}/imports/projects/")
    page.set_input_files("#id_file", upload)
    page.click("button:has-text('预览')")
    page.wait_for_selector("#count-updated")
    counts = {kind: page.locator(f"#count-{kind}").inner_text() for kind in ("created", "updated", "skipped", "errors")}
    assert counts == {"created": "0", "updated": "1", "skipped": str(len(codes) - 1), "errors": "0"}
    preview = page.locator("#import-rows tbody tr")
    assert preview.count() == 1
    assert edited in preview.inner_text() and NEW_DESCRIPTION in preview.inner_text()
    assert Project.objects.get(code=edited).description != NEW_DESCRIPTION
    screenshot(page, "import-preview")

    # The confirm applies it, as the office's user.
    page.click("button:has-text('确认导入')")
    page.wait_for_selector(".alert-success")
    assert "1" in page.locator(".alert-success").inner_text()
    project = Project.objects.get(code=edited)
    assert project.description == NEW_DESCRIPTION
    assert project.history.latest().history_user.username == "zhenhai"
    screenshot(page, "import-done")

    # The official tables, each a link to its download.
    page.goto(f"{base}/reports/exports/")
    screenshot(page, "official-tables")

    assert_no_problems(page)
