"""The server side of the agent tests: the real app under uvicorn on 127.0.0.1 (every
request body recorded, to show what never reaches the server), and agent signer profiles."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from pipeline.sign.devpki.layout import DevIdentity
from pipeline.sign.profiles import load_profile
from tests import api_server
from tests.sign_env import SignEnv


class BodyRecorder:
    """ASGI wrapper keeping every request body the server received."""

    def __init__(self, app: Any, bodies: list[bytes]) -> None:
        self.app, self.bodies = app, bodies

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def recording() -> Any:
            message = await receive()
            if message.get("type") == "http.request":
                self.bodies.append(bytes(message.get("body", b"")))
            return message

        await self.app(scope, recording, send)


@dataclass
class Served:
    url: str
    http: httpx.Client
    bodies: list[bytes] = field(default_factory=list)


@contextmanager
def serve(app: Any) -> Iterator[Served]:
    """``app`` under uvicorn with every request body recorded, and a client for it."""
    bodies: list[bytes] = []
    with api_server.serve(BodyRecorder(app, bodies)) as url, \
            httpx.Client(base_url=url, timeout=300) as http:
        yield Served(url, http, bodies)


def write_agent_profile(env: SignEnv, name: str, *, owner: str, level: str,
                        identity: DevIdentity) -> None:
    """A personal profile whose key is on ``owner``'s token (``identity``'s key)."""
    pki = env.pki
    folder = env.settings.sign.profiles_path(env.settings.home)
    chain = folder / f"{name}.pem"
    chain.write_bytes(identity.cert.read_bytes() + pki.issuing_cert.read_bytes())
    image = load_profile(env.settings, "official").appearance.image
    (folder / f"{name}.toml").write_text(
        f'role = "official"\nlevel = "{level}"\nowner = "{owner}"\nactivation = "agent"\n\n'
        f'[key]\nsource = "agent"\npath = "{chain.name}"\n\n'
        f'[timestamp]\nurl = "{pki.tsa_url}"\n\n[appearance]\nimage = "{image}"\n',
        encoding="utf-8")
