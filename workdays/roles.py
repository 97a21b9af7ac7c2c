"""What each role may do with the working-day calendar, registered with ``accounts.roles`` when the app loads: the
office keeps it, everyone reads it (deadlines are counted from it)."""

from accounts.choices import Role
from accounts.roles import ALL_ACTIONS

WORKDAY_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.OFFICE: {"workdays.specialday": ALL_ACTIONS},
    **{role: {"workdays.specialday": ("view",)} for role in (Role.LIAISON, Role.LEADER, Role.COMMITTEE, Role.SIGNER)},
}
