"""What each role may do with the reports' own models, registered with ``accounts.roles`` when the app loads.

The district assessment is the smart-city office's: its staff keep the year's rules and additions and deductions
(of their own region only, ``User.can``), leaders read them. Units' liaisons and signers and the CPPCC committee do
not take part in it.
"""

from accounts.choices import Role
from accounts.roles import ALL_ACTIONS

ASSESSMENT_MODELS = ["reports.assessmentrule", "reports.assessmentadjustment"]

REPORT_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.OFFICE: dict.fromkeys(ASSESSMENT_MODELS, ALL_ACTIONS),
    Role.LEADER: dict.fromkeys(ASSESSMENT_MODELS, ("view",)),
}
