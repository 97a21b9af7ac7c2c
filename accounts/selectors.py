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


def branches_below(region: Region) -> dict[int, Region]:
    """Every region under ``region`` (by id) mapped to the region directly below ``region`` that it lies in: for
    宁波市, 镇海区 and the regions under it map to 镇海区. One query, whatever the depth (at most four levels)."""
    below = {row.pk: row for row in Region.objects.within(region).exclude(pk=region.pk)}
    branches = {}
    for pk, row in below.items():
        top = row
        while top.parent_id != region.pk:
            top = below[top.parent_id]
        branches[pk] = top
    return branches
