"""Every model of residents: households (personal data, docs/privacy.md), survey campaigns and their
answers, per-household contributions, complaints, and residents' section of a city policy."""

from .complaints import Complaint, ComplaintCounter
from .contributions import Contribution
from .households import Household
from .policy import ResidentPolicy
from .support import CompoundSupport
from .surveys import CategoryScore, SurveyCampaign, SurveyResponse

__all__ = [
    "CategoryScore", "Complaint", "ComplaintCounter", "CompoundSupport", "Contribution", "Household", "ResidentPolicy", "SurveyCampaign",
    "SurveyResponse",
]  # fmt: skip
