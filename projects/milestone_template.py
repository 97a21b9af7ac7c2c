"""The usual milestones (节点) of a government IT project, in the order they fall due (DOMAIN.md): the project form
offers them as a template, and the demo plans its projects with them. Their weights add up to 100; each falls due
at its share of the project's planned span."""

import datetime
from typing import NamedTuple


class UsualMilestone(NamedTuple):
    name: str
    weight: int
    share: float  # of the planned span, from the planned start, at which it falls due


USUAL_MILESTONES = (
    UsualMilestone("方案编制", 10, 0.10),
    UsualMilestone("专家评审", 10, 0.18),
    UsualMilestone("招投标", 15, 0.28),
    UsualMilestone("开工建设", 15, 0.35),
    UsualMilestone("上线试运行", 25, 0.80),
    UsualMilestone("竣工验收", 25, 1.00),
)


def planned_date(milestone: UsualMilestone, start: datetime.date, end: datetime.date) -> datetime.date:
    """When ``milestone`` falls due in a project planned from ``start`` to ``end`` (static/js/formset.js reckons the
    same in the form)."""
    return start + datetime.timedelta(days=round(milestone.share * (end - start).days))
