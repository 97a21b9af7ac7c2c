"""Form data as a browser posts it: a form's current values (hidden fields included), then a test's changes."""

from projects.forms import MilestoneFormSet, ProjectForm


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
