"""The information model. Importing this package registers every table on SQLModel.metadata."""

from app.models.accounts import (
    AuditEntry,
    Invitation,
    LoginAttempt,
    LoginSession,
    Membership,
    OutboxMessage,
    Role,
    User,
)
from app.models.choice import ChoiceGuide
from app.models.data_version import DataVersion
from app.models.embeds import EmbedOrigin
from app.models.indicators import Indicator, IndicatorValue, Level, ReferenceValue
from app.models.ingest_runs import IngestRun
from app.models.places import Area, Kommun, PostalCode, ServiceType
from app.models.presentation_edits import (
    DraftKind,
    DraftStatus,
    FigureComment,
    PresentationDraft,
)
from app.models.providers import Organisation, Provider, ProviderArea, ProviderSourceId
from app.models.vocab import Direction, Driftsform, Section, SourceKind, Unit, ValueStatus

__all__ = [
    "Area",
    "AuditEntry",
    "ChoiceGuide",
    "DataVersion",
    "Direction",
    "DraftKind",
    "DraftStatus",
    "Driftsform",
    "EmbedOrigin",
    "FigureComment",
    "Indicator",
    "IndicatorValue",
    "IngestRun",
    "Invitation",
    "Kommun",
    "Level",
    "LoginAttempt",
    "LoginSession",
    "Membership",
    "Organisation",
    "OutboxMessage",
    "PostalCode",
    "PresentationDraft",
    "Provider",
    "ProviderArea",
    "ProviderSourceId",
    "ReferenceValue",
    "Role",
    "Section",
    "ServiceType",
    "SourceKind",
    "Unit",
    "User",
    "ValueStatus",
]
