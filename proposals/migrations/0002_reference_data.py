"""The usual result classes and proposal categories, so that a new installation can work at once; the committee
edits them (some places use a fourth class)."""

from django.db import migrations

RESULT_CLASSES = [
    ("A", "解决或采纳", "问题已解决或基本解决，建议已采纳"),
    ("B", "列入计划拟解决", "正在解决或已列入计划"),
    ("C", "留作参考", "因条件限制暂时无法解决，留作参考"),
]
CATEGORIES = ["经济建设", "城市建设与管理", "科教文卫", "社会事业与民生", "政治法律", "农业农村", "其他"]


def add_reference_data(apps, schema_editor):
    ResultClass = apps.get_model("proposals", "ResultClass")
    Category = apps.get_model("proposals", "Category")
    for order, (code, name, description) in enumerate(RESULT_CLASSES, start=1):
        ResultClass.objects.get_or_create(code=code, defaults={"name": name, "description": description, "order": order})
    for order, name in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(name=name, defaults={"order": order})


class Migration(migrations.Migration):
    dependencies = [("proposals", "0001_initial")]

    operations = [migrations.RunPython(add_reference_data, migrations.RunPython.noop)]
