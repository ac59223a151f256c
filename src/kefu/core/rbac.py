"""Roles, named rights and the principal a request acts as.

A role is a bundle of named rights; routes ask for rights, never for roles. Scope is a
separate axis: a principal sees customers in the subtree of its scope org unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    """Why: the seed's job families in a service center; each maps to a set of rights."""

    AGENT = "agent"
    BACK_OFFICE = "back_office"
    TEAM_LEAD = "team_lead"
    QA = "qa"
    ACCOUNT_MANAGER = "account_manager"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    AUDITOR = "auditor"
    INTEGRATION = "integration"  # a PBX, SMS gateway or BOSS calling kefu with a token


class Right(StrEnum):
    """Why: named rights keep permission checks readable and roles configurable."""

    CUSTOMER_READ = "customer.read"
    CUSTOMER_WRITE = "customer.write"
    CUSTOMER_UNMASK = "customer.unmask"
    PII_VIEW = "pii.view"
    CUSTOMER_EXPORT = "customer.export"
    TIER_OVERRIDE = "tier.override"
    STAFF_READ = "staff.read"
    STAFF_WRITE = "staff.write"
    ORG_WRITE = "org.write"
    AUDIT_READ = "audit.read"
    SCOPE_ALL = "scope.all"
    POLICY_WRITE = "policy.write"
    ORDER_READ = "order.read"
    ORDER_WRITE = "order.write"  # create, work on, reply to orders
    ORDER_DISPATCH = "order.dispatch"  # dispatch, transfer, escalate, triage, cancel
    ORDER_EXPORT = "order.export"  # the orders as a spreadsheet, with a reason, audited
    CATEGORY_WRITE = "category.write"
    INCIDENT_MANAGE = "incident.manage"  # confirm, dismiss and resolve emergencies
    ORDER_SUPERVISE = "order.supervise"  # press an order's holder from above (督办)
    KNOWLEDGE_READ = "knowledge.read"
    KNOWLEDGE_WRITE = "knowledge.write"  # articles, scripts, cases; drafts are theirs to see
    INTERACTION_READ = "interaction.read"
    INTERACTION_WRITE = "interaction.write"  # wrap up contacts, open orders from them
    IVR_MANAGE = "ivr.manage"  # edit, publish and roll back flows; IVR figures
    INTAKE_MANAGE = "intake.manage"  # the SMS and e-mail keyword rules
    TELEPHONY = "telephony"  # the PBX's webhook and intake calls
    CALLS_TAKE = "calls.take"  # sign in to the ACD and take calls
    QUEUES_MONITOR = "queues.monitor"  # the wallboard: live queues and agents
    ANALYTICS_READ = "analytics.read"  # KPIs, drivers, forecasts and staffing plans
    SURVEY_WRITE = "survey.write"  # record survey answers (return visits, channels)
    CHURN_READ = "churn.read"  # the churn warning list (own customers without analytics.read)
    REFUND_APPROVE = "refund.approve"  # approve refunds up to the team lead's limit
    REFUND_APPROVE_LARGE = "refund.approve_large"  # … and up to the center's ceiling
    NOTICE_SEND = "notice.send"  # write and send notices of planned work to big customers
    # how a team comes to its orders (taking in turn, 按序取单); its leads start any order
    TEAM_RULES = "team.rules"


_R = Right
ROLE_RIGHTS: dict[Role, frozenset[Right]] = {
    Role.AGENT: frozenset(
        {
            _R.CALLS_TAKE,
            _R.INTERACTION_READ,
            _R.INTERACTION_WRITE,
            _R.CUSTOMER_READ,
            _R.CUSTOMER_UNMASK,
            _R.ORDER_READ,
            _R.KNOWLEDGE_READ,
            _R.ORDER_WRITE,
        }
    ),
    # Back office calls customers back to resolve complaints, so numbers are shown.
    Role.BACK_OFFICE: frozenset(
        {
            _R.SURVEY_WRITE,
            _R.INTERACTION_READ,
            _R.INTERACTION_WRITE,
            _R.CUSTOMER_READ,
            _R.CUSTOMER_UNMASK,
            _R.PII_VIEW,
            _R.ORDER_READ,
            _R.KNOWLEDGE_READ,
            _R.ORDER_WRITE,
            _R.ORDER_DISPATCH,
        }
    ),
    Role.TEAM_LEAD: frozenset(
        {
            _R.TEAM_RULES,
            _R.REFUND_APPROVE,
            _R.CHURN_READ,
            _R.CALLS_TAKE,
            _R.QUEUES_MONITOR,
            _R.ANALYTICS_READ,
            _R.INTERACTION_READ,
            _R.INTERACTION_WRITE,
            _R.CUSTOMER_READ,
            _R.CUSTOMER_UNMASK,
            _R.STAFF_READ,
            _R.ORDER_READ,
            _R.KNOWLEDGE_READ,
            _R.KNOWLEDGE_WRITE,
            _R.ORDER_WRITE,
            _R.ORDER_DISPATCH,
        }
    ),
    # Quality staff keep the library: they see which answers work.
    Role.QA: frozenset(
        {
            _R.SURVEY_WRITE,
            _R.QUEUES_MONITOR,
            _R.ANALYTICS_READ,
            _R.INTERACTION_READ,
            _R.CUSTOMER_READ,
            _R.STAFF_READ,
            _R.ORDER_READ,
            _R.ORDER_EXPORT,
            _R.KNOWLEDGE_READ,
            _R.KNOWLEDGE_WRITE,
        }
    ),
    Role.ACCOUNT_MANAGER: frozenset(
        {
            _R.CHURN_READ,
            _R.CALLS_TAKE,
            _R.INTERACTION_READ,
            _R.INTERACTION_WRITE,
            _R.CUSTOMER_READ,
            _R.CUSTOMER_WRITE,
            _R.CUSTOMER_UNMASK,
            _R.PII_VIEW,
            _R.ORDER_READ,
            _R.KNOWLEDGE_READ,
            _R.ORDER_WRITE,
        }
    ),
    Role.SUPERVISOR: frozenset(
        {
            _R.TEAM_RULES,
            _R.REFUND_APPROVE,
            _R.REFUND_APPROVE_LARGE,
            _R.CHURN_READ,
            _R.SURVEY_WRITE,
            _R.CALLS_TAKE,
            _R.QUEUES_MONITOR,
            _R.ANALYTICS_READ,
            _R.IVR_MANAGE,
            _R.INTAKE_MANAGE,
            _R.INTERACTION_READ,
            _R.INTERACTION_WRITE,
            _R.CUSTOMER_READ,
            _R.CUSTOMER_WRITE,
            _R.CUSTOMER_UNMASK,
            _R.CUSTOMER_EXPORT,
            _R.ORDER_EXPORT,
            _R.TIER_OVERRIDE,
            _R.STAFF_READ,
            _R.ORDER_READ,
            _R.KNOWLEDGE_READ,
            _R.KNOWLEDGE_WRITE,
            _R.ORDER_WRITE,
            _R.ORDER_DISPATCH,
            _R.ORDER_SUPERVISE,
            _R.INCIDENT_MANAGE,
            _R.NOTICE_SEND,
        }
    ),
    Role.ADMIN: frozenset(
        {
            _R.TEAM_RULES,
            _R.CHURN_READ,
            _R.QUEUES_MONITOR,
            _R.ANALYTICS_READ,
            _R.IVR_MANAGE,
            _R.INTAKE_MANAGE,
            _R.INTERACTION_READ,
            _R.CUSTOMER_READ,
            _R.CUSTOMER_WRITE,
            _R.CUSTOMER_UNMASK,
            _R.TIER_OVERRIDE,
            _R.STAFF_READ,
            _R.STAFF_WRITE,
            _R.ORG_WRITE,
            _R.POLICY_WRITE,
            _R.ORDER_READ,
            _R.KNOWLEDGE_READ,
            _R.KNOWLEDGE_WRITE,
            _R.CATEGORY_WRITE,
        }
    ),
    # Auditors read the audit trail and masked records; they never see personal data.
    Role.AUDITOR: frozenset(
        {
            _R.INTERACTION_READ,
            _R.AUDIT_READ,
            _R.CUSTOMER_READ,
            _R.STAFF_READ,
            _R.ORDER_READ,
            _R.KNOWLEDGE_READ,
            _R.SCOPE_ALL,
        }
    ),
}


ROLE_RIGHTS[Role.INTEGRATION] = frozenset(
    # Telephony answers calls for any customer and opens their orders: scope is the center.
    {
        _R.TELEPHONY,
        _R.SCOPE_ALL,
        _R.CUSTOMER_READ,
        _R.ORDER_WRITE,
        _R.INTERACTION_WRITE,
        _R.SURVEY_WRITE,  # the channels that collect answers
    }
)


def rights_for(role: Role) -> frozenset[Right]:
    """The rights a role holds."""
    return ROLE_RIGHTS[role]


@dataclass(frozen=True)
class Principal:
    """Who a request acts as: identity, rights, scope and language."""

    staff_id: int
    username: str
    display_name: str
    role: Role
    org_unit_id: int
    scope_path: str
    language: str
    via: str = "session"
    ip: str | None = None
    csrf_token: str | None = None
    rights: frozenset[Right] = field(default_factory=frozenset)

    def has(self, right: Right) -> bool:
        """True when the principal holds the right."""
        return right in self.rights

    def scope_filter(self) -> str | None:
        """The org path prefix the caller's reads are limited to; None for the whole
        center (the right to see everything, or a place at the tree's root, "/1/")."""
        whole_center = self.has(Right.SCOPE_ALL) or self.scope_path.count("/") <= 2
        return None if whole_center else self.scope_path

    def sees_org_path(self, path: str) -> bool:
        """True when an object owned by the org unit at ``path`` is in scope."""
        return self.has(Right.SCOPE_ALL) or path.startswith(self.scope_path)
