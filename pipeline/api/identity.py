"""Who is asking: a person of the centre (a session) or a downstream system (an API key).

Every route that acts for someone takes an :class:`Actor`. People have staff roles and sign
with their own keys; systems have API scopes and never sign as a person. The actor is
also what audit entries name (``who``, ``via``, ``auth``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pipeline.api.keys import Scope


class ActorKind(StrEnum):
    PERSON = "person"
    SYSTEM = "system"


class StaffRole(StrEnum):
    """What a person of the one-stop centre does (one person may hold several roles)."""

    #: Scanning staff: drops scans, sees the quarantine.
    SCANNER = "scanner"
    #: Confirms or corrects what was read.
    REVIEWER = "reviewer"
    #: Signs with their own personal key (their profiles name them as owner).
    OFFICIAL = "official"
    #: Records clerk (văn thư): applies the agency's seal and copy signatures.
    CLERK = "clerk"
    #: Manages accounts, grants and settings; signs nothing by that role alone.
    ADMIN = "admin"


#: How the roles read on pages and in the CLI.
ROLE_LABELS = {
    StaffRole.SCANNER: "nhân viên số hóa",
    StaffRole.REVIEWER: "người kiểm tra",
    StaffRole.OFFICIAL: "lãnh đạo ký số",
    StaffRole.CLERK: "văn thư",
    StaffRole.ADMIN: "quản trị viên",
}


@dataclass(frozen=True)
class Actor:
    """The caller of one request."""

    kind: ActorKind
    #: Username of a person, or the API client ID of a system.
    id: str
    #: Display name ("Nguyễn Văn An", "Cổng DVC tỉnh").
    name: str
    roles: frozenset[StaffRole] = frozenset()
    scopes: frozenset[Scope] = frozenset()
    #: The channel: ``session:<short id>``, ``api-key:<client id>`` or ``agent:<id>``.
    via: str = ""
    #: How the person or system proved who they are: ``password+totp``, ``oidc``,
    #: ``api-key``, ``agent-token``.
    auth: str = ""

    @property
    def is_person(self) -> bool:
        return self.kind is ActorKind.PERSON

    def has(self, role: StaffRole) -> bool:
        return self.is_person and role in self.roles

    def to_audit(self) -> dict[str, Any]:
        """What an audit entry records about the caller (never a secret)."""
        return {"kind": self.kind.value, "id": self.id, "name": self.name,
                "roles": sorted(r.value for r in self.roles), "via": self.via,
                "auth": self.auth}
