"""Choices of the org tree and its people, with the meaning each carries."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    DISTRICT = "district", _("District / development zone")
    DEPARTMENT = "department", _("Department")
    STREET = "street", _("Street / town")
    COMMUNITY = "community", _("Community")
    VILLAGE = "village", _("Village")
    GRID = "grid", _("Grid")
    PARTY_WORKING_COMMITTEE = "party_working_committee", _("Party working committee")
    PARTY_COMMITTEE = "party_committee", _("Party committee")
    PARTY_BRANCH = "party_branch", _("Party branch")
    ENTERPRISE = "enterprise", _("Enterprise / institution")


class Role(models.TextChoices):
    """A role is held at an org and reaches that org's whole subtree."""

    # 三员分立: the system administrator keeps accounts, the org tree and settings; the
    # security administrator gives and takes roles; the audit administrator reads the
    # audit log. None of the three acts on items, and none does another's part.
    ADMIN = "admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")
    SUPERVISOR = "supervisor", _("Supervisor")
    LEADER = "leader", _("Leader")
    CLERK = "clerk", _("Unit clerk")
    MEMBER = "member", _("Party member")
    INSPECTOR = "inspector", _("Inspector")


class MemberCategory(models.TextChoices):
    """How a party member is reached for study and outreach (分类施策)."""

    IN_SERVICE = "in_service", _("In service")
    OUTFLOW = "outflow", _("Outflow")
    ELDERLY = "elderly", _("Elderly or frail")
    SCATTERED = "scattered", _("Scattered")
    NEW_EMPLOYMENT = "new_employment", _("New employment group")


# Roles whose holders may read every item in their subtree; members only see their own
# part (their wishes, study) which the apps that own those items decide. The system
# administrator reads items but acts on none (三员分立); the security and audit
# administrators read no items at all.
READING_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.LEADER, Role.CLERK, Role.INSPECTOR})
# Roles that enter and update the work's items (problems, visits, classes, imports) in
# their subtree: a unit's clerk, its leader, a supervisor; never an administrator.
ENTERING_ROLES = frozenset({Role.SUPERVISOR, Role.LEADER, Role.CLERK})
# Roles that may change the org tree and accounts in their subtree.
ACCOUNT_MANAGING_ROLES = frozenset({Role.ADMIN})
# Roles that may add and edit people (not grants) in their subtree.
PEOPLE_EDITING_ROLES = frozenset({Role.ADMIN, Role.CLERK})
# Roles that give and take roles at orgs in their subtree: the security administrator
# alone, so that whoever keeps the accounts cannot also hand out rights.
ROLE_GRANTING_ROLES = frozenset({Role.SECURITY_ADMIN})
# Roles that list people (name, org, roles) in their subtree: the readers, and the
# security administrator, who must see whom it grants roles to (but reads no items).
PEOPLE_LISTING_ROLES = READING_ROLES | ROLE_GRANTING_ROLES
# The three separated administrator duties; one person holds at most one of them.
ADMIN_DUTY_ROLES = frozenset({Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# Roles that may export personal data (names, phones) in full; others get it masked.
PERSONAL_EXPORT_ROLES = frozenset({Role.SUPERVISOR, Role.LEADER, Role.CLERK, Role.INSPECTOR})
