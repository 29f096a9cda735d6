"""The applications app's models, one module per model family; import them from here."""

from .access import AccessCheckRun, MemberAccess
from .amendments import Amendment, AmendmentReview, ProjectVersion
from .application import Application, ReferenceCounter
from .catalogue import Catalogue, CatalogueDataset, CatalogueTable, CatalogueVariable
from .conditions import ApprovalCondition
from .delegation import DelegationSettings
from .department_reviews import DepartmentReview
from .events import ApplicationEvent
from .forms import VariableRequestForm
from .outputs import ClosureReturn, ProjectOutput
from .queries import Query
from .queues import QUEUE_ORDERS, department_queue, joined, queue_stage, split
from .team import TeamMember

__all__ = [
    "QUEUE_ORDERS",
    "AccessCheckRun",
    "Amendment",
    "AmendmentReview",
    "Application",
    "ApplicationEvent",
    "ApprovalCondition",
    "Catalogue",
    "CatalogueDataset",
    "CatalogueTable",
    "CatalogueVariable",
    "ClosureReturn",
    "DelegationSettings",
    "DepartmentReview",
    "MemberAccess",
    "ProjectOutput",
    "ProjectVersion",
    "Query",
    "ReferenceCounter",
    "TeamMember",
    "VariableRequestForm",
    "department_queue",
    "joined",
    "queue_stage",
    "split",
]
