"""Who may sign with what, and what a signature's audit entry says about who asked.

- A personal profile (role ``official``) is used by the person it names as ``owner`` and by
  nobody else: never by another official, never by a system whatever its key's scopes.
- The seal and copy profiles are the records clerks' (role ``clerk``); a copy profile may
  also be used by a system an administrator granted it by name (``sohoa grant``).
- Scanning staff, reviewers and administrators sign nothing by those roles.
"""

from __future__ import annotations

import getpass
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pipeline.api.identity import ROLE_LABELS, Actor, ActorKind, StaffRole
from pipeline.api.keys import Scope
from pipeline.errors import Forbidden
from pipeline.sign.profiles import Activation, Profile, Role
from pipeline.sign.state import Grants


@dataclass(frozen=True)
class Mandate:
    """Who asked for a batch, and what each document looked like when they were shown it."""

    actor: Actor
    #: Document ID → SHA-256 of the version the person was shown (the page sends it); a
    #: document whose current version differs is not signed.
    shown: Mapping[str, str] = field(default_factory=dict)
    request_id: str = ""

    def audit(self, profile: Profile) -> dict[str, Any]:
        """What a signature's audit entry records about the request (never a secret)."""
        return {"actor": self.actor.to_audit(), "via": self.actor.via,
                "activation": profile.activation.value, "request": self.request_id}


def refusal(actor: Actor, profile: Profile, granted: bool = False) -> str | None:
    """Why ``actor`` may not sign with ``profile`` (Vietnamese), or None if they may;
    ``granted``: an administrator granted this system this copy profile."""
    if profile.personal:
        if not actor.is_person:
            return (f"Hồ sơ ký cá nhân '{profile.name}' chỉ do chính người ký sử dụng; hệ thống "
                    f"“{actor.name}” không được ký thay, dù khóa truy cập có quyền gì.")
        if StaffRole.OFFICIAL not in actor.roles:
            return (f"Tài khoản “{actor.name}” không có vai trò "
                    f"{ROLE_LABELS[StaffRole.OFFICIAL]} nên không được ký.")
        if actor.id != profile.owner:
            return (f"Hồ sơ ký '{profile.name}' là hồ sơ cá nhân của người khác; mỗi người chỉ "
                    "ký bằng hồ sơ ký của chính mình.")
        return None
    if actor.is_person:
        if StaffRole.CLERK in actor.roles:
            return None
        return (f"Ký số của cơ quan và bản sao điện tử do {ROLE_LABELS[StaffRole.CLERK]} thực "
                f"hiện; tài khoản “{actor.name}” không có vai trò đó.")
    if profile.role is Role.COPY and granted and Scope.SIGN in actor.scopes:
        return None
    hint = (f" Quản trị viên có thể cấp quyền: sohoa grant {profile.name} --client {actor.id}."
            if profile.role is Role.COPY else "")
    return f"Hệ thống “{actor.name}” không được dùng hồ sơ ký '{profile.name}'.{hint}"


def is_granted(actor: Actor, profile: Profile, grants: Grants) -> bool:
    return (actor.kind is ActorKind.SYSTEM and profile.role is Role.COPY
            and grants.has(profile.name, actor.id))


def check(actor: Actor, profile: Profile, grants: Grants) -> None:
    """Raise :class:`~pipeline.errors.Forbidden` unless ``actor`` may use ``profile``."""
    reason = refusal(actor, profile, is_granted(actor, profile, grants))
    if reason is not None:
        raise Forbidden(reason)


def usable(actor: Actor, profiles: Iterable[Profile], grants: Grants) -> list[Profile]:
    """The profiles ``actor`` may use (what the page lists)."""
    return [p for p in profiles if refusal(actor, p, is_granted(actor, p, grants)) is None]


def at_terminal(profile: Profile) -> Mandate:
    """The mandate of ``sohoa sign batch`` run on the server: whoever holds a shell there
    acts as the profile's owner (or as a records clerk) and proves control of the key by its
    activation, the PIN typed now; dev profiles open unattended. The audit entry names the
    terminal and the operating-system user."""
    user = getpass.getuser()
    role = StaffRole.OFFICIAL if profile.personal else StaffRole.CLERK
    who = profile.owner or user
    auth = ("dev-unattended" if profile.activation is Activation.UNATTENDED
            else profile.activation.value)
    return Mandate(Actor(ActorKind.PERSON, who, who, frozenset({role}),
                         via=f"terminal:{user}@{socket.gethostname()}", auth=auth))
