"""Reads about regions and units that several apps show."""

from .models import Region


def region_choices(within: Region | None = None) -> list[tuple[int, str]]:
    """Every region (or ``within`` one and those under it), each under its parent and indented by its depth (浙江省,
    宁波市, 　　镇海区)."""
    regions = (Region.objects.within(within) if within is not None else Region.objects).values_list(
        "pk", "name", "parent_id", "code"
    )
    top = {within.parent_id} if within is not None else {None}
    children: dict[int | None, list] = {}
    # Divisions by their codes, then the zones (which have none) by name.
    for pk, name, parent_id, _code in sorted(regions, key=lambda row: (not row[3], row[3], row[1])):
        children.setdefault(parent_id, []).append((pk, name))
    choices, stack = [], [(pk, name, 0) for parent in top for pk, name in reversed(children.get(parent, []))]
    while stack:
        pk, name, depth = stack.pop()
        choices.append((pk, "\u3000" * depth + name))
        stack.extend((child, child_name, depth + 1) for child, child_name in reversed(children.get(pk, [])))
    return choices
