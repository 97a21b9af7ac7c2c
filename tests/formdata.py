"""Form data as a browser posts it: a form's current values (hidden fields included), then a test's changes."""

from projects.choices import ProjectStatus
from projects.forms import FundingFormSet, MilestoneFormSet, ProjectForm


def _post_value(value):
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return str(value)


def form_data(form) -> dict:
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False or value == []:
            continue
        data[form.add_prefix(name)] = _post_value(value)
    return data


def formset_data(formset) -> dict:
    data = {
        f"{formset.prefix}-TOTAL_FORMS": str(len(formset.initial_forms)),
        f"{formset.prefix}-INITIAL_FORMS": str(len(formset.initial_forms)),
    }
    for form in formset.initial_forms:
        data.update(form_data(form))
    return data


def project_post(project, **changes) -> dict:
    """The project's edit page as posted unchanged, with ``changes`` on top."""
    return {
        **form_data(ProjectForm(instance=project)),
        **formset_data(MilestoneFormSet(instance=project, prefix="milestones")),
        **changes,
    }


def new_project_data(w) -> dict:
    """A new project of ``w.unit`` in ``w.domain``, as the add form posts it."""
    return {
        **form_data(ProjectForm()),
        "code": "ZH-2026-099",
        "name": "智慧停车诱导系统",
        "domain": str(w.domain.pk),
        "tier": "key",
        "status": ProjectStatus.PLANNED,
        "lead_org": str(w.unit.pk),
        "investment_model": "government",
        "total_investment": "800",
        "planned_start": "2027-01-01",
        "planned_end": "2027-12-31",
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
    }


def funding_data(w) -> dict:
    """``w.own_project``'s funding table with the first row's planned amount changed."""
    data = formset_data(FundingFormSet(instance=w.own_project, prefix="fundings"))
    data["fundings-0-planned"] = "888.00"
    return data
