"""The server side of the agent tests: the real app under uvicorn on 127.0.0.1 (every
request body recorded, to show what never reaches the server), and agent signer profiles."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from pipeline.sign.devpki.layout import DevIdentity
from pipeline.sign.profiles import load_profile
from tests.sign_env import SignEnv, free_port


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
    import uvicorn

    bodies: list[bytes] = []
    port = free_port()
    config = uvicorn.Config(BodyRecorder(app, bodies), host="127.0.0.1", port=port,
                            log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="sohoa-api-agent", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the API server did not start")
        time.sleep(0.02)
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=url, timeout=300) as http:
            yield Served(url, http, bodies)
    finally:
        server.should_exit = True
        thread.join(timeout=30)


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
