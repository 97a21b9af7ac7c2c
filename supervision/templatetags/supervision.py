from django import template
from django.urls import reverse

from proposals.models import Proposal

from ..selectors import commitments_for, instructions_for, notices_for
from ..steps import may_instruct, may_issue, may_record_promise

register = template.Library()


@register.filter
def mask_mobile(mobile: str) -> str:
    """138****1234: a proposer's number as lists show it."""
    return f"{mobile[:3]}****{mobile[-4:]}" if mobile else ""


@register.inclusion_tag("supervision/includes/subject_panel.html", takes_context=True)
def supervision_panel(context, subject):
    """A project's or a proposal's notices, instructions (and a proposal's promises), with the buttons to add one."""
    user = context["request"].user
    kind = "proposal" if isinstance(subject, Proposal) else "project"
    lookup = {kind: subject}
    panel = {
        "subject": subject,
        "kind": kind,
        "notices": notices_for(user).filter(**lookup).select_related("unit").order_by("-issued_at", "-pk"),
        "instructions": instructions_for(user).filter(**lookup).select_related("leader").order_by("-given_on", "-pk"),
        "issue_url": f"{reverse('notice-create')}?{kind}={subject.pk}" if may_issue(user, subject) else "",
        "instruct_url": f"{reverse('instruction-create')}?{kind}={subject.pk}" if may_instruct(user, subject) else "",
        "commitments": [],
        "promising_replies": [],
    }
    if kind == "proposal":
        panel["commitments"] = (
            commitments_for(user).filter(reply__proposal=subject).select_related("unit").order_by("due_date", "pk")
        )
        replies = subject.replies.select_related("unit", "result_class", "proposal__session")
        panel["promising_replies"] = [reply for reply in replies if may_record_promise(user, reply)]
    return panel
