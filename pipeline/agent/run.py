"""Pairing, and the agent's loop: what waits for the official is shown, checked, confirmed
at the desk, signed by the token with the PIN entered here, and sent back."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.agent import device
from pipeline.agent.check import check_prepared
from pipeline.agent.client import Client
from pipeline.agent.config import AgentConfig, save
from pipeline.errors import AgentError

#: Wrong PINs accepted per batch before giving up (the token itself locks after a few).
PIN_TRIES = 3
YES = ("y", "yes", "c", "có", "co")


@dataclass
class Desk:
    """How the agent talks with the official: questions, the PIN, messages (``ask`` and
    ``ask_pin`` raise ``EOFError`` when nobody can answer)."""

    ask: Callable[[str], str]
    ask_pin: Callable[[str], str]
    say: Callable[[str], None]


def pair(config_path: Path, *, server: str, code: str, module: str, token_label: str,
         name: str, ca_file: str = "") -> AgentConfig:
    """Pair this computer's agent with the official's account (the code from the page),
    telling the server which certificates the token holds."""
    with device.open_token(module, token_label) as session:
        certs = device.certificates(session)
        pss = device.can_pss(session)
    if not certs:
        raise AgentError(f"Token '{token_label}' không chứa chứng thư số nào.")
    answer = Client(server, code, ca_file=ca_file).post("/v1/agent/pair", {
        "name": name, "certificates": [base64.b64encode(c.der).decode() for c in certs],
        "can_pss": pss})
    config = AgentConfig(server=server, agent_id=str(answer["agent"]["id"]),
                         token=str(answer["token"]), module=module, token_label=token_label,
                         official=str(answer["official"]["id"]),
                         official_name=str(answer["official"]["name"]), ca_file=ca_file)
    save(config_path, config)
    return config


def run(config: AgentConfig, desk: Desk, *, once: bool, interval: float = 5.0) -> int:
    """Serve batches as they come (``once``: those waiting now); the number of batches
    that ended without being signed."""
    client = Client(config.server, config.token, ca_file=config.ca_file)
    unsigned = 0
    while True:
        try:
            waiting = client.get("/v1/agent/pending")["items"]
            for batch in waiting:
                if not handle(client, config, desk, batch):
                    unsigned += 1
        except AgentError as exc:
            if once:
                raise
            desk.say(f"{exc.message} Thử lại sau {interval:g} giây.")
            waiting = []
        if once:
            if not waiting:
                desk.say("Không có lô nào đang chờ ký.")
            return unsigned
        time.sleep(interval)


def handle(client: Client, config: AgentConfig, desk: Desk, batch: dict[str, Any]) -> bool:
    """One batch: shown, checked, confirmed, signed; True when it was signed."""
    base = f"/v1/agent/pending/{batch['id']}"
    items = [i for i in batch["items"] if i["state"] == "waiting"]
    show(desk, config, batch, items)
    try:
        for item in items:
            check_prepared(item, client.get_bytes(
                f"{base}/documents/{item['document']}/prepared"))
    except AgentError as exc:
        desk.say(f"KHÔNG KÝ: {exc.message}")
        client.post(f"{base}/refusal", {"reason": f"Agent từ chối: {exc.message}"})
        return False
    try:
        answer = desk.ask(f"Ký {len(items)} tài liệu trên bằng token của ông/bà? (y/N): ")
    except EOFError:  # nobody at the desk to answer: leave it waiting
        desk.say("Không có câu trả lời; lô vẫn chờ ký.")
        return False
    if answer.strip().lower() not in YES:
        client.post(f"{base}/refusal", {"reason": "Người ký từ chối tại máy của mình."})
        desk.say("Đã từ chối lô này; không tài liệu nào được ký.")
        return False
    signatures = _sign(config, desk, batch["certificate_sha256"], items)
    if signatures is None:
        desk.say("Chưa ký lô này (lô vẫn chờ ký).")
        return False
    result = client.post(f"{base}/signatures", {"signatures": signatures})
    for item in result["items"]:
        mark = "đã ký" if item["state"] == "signed" else f"KHÔNG ký được: {item['message']}"
        desk.say(f"  {item['document']}: {mark}")
    return bool(result["state"] == "done")


def show(desk: Desk, config: AgentConfig, batch: dict[str, Any],
         items: list[dict[str, Any]]) -> None:
    desk.say(f"Lô ký {batch['id']} của {config.official_name} (hồ sơ ký "
             f"'{batch['profile']}'), {len(items)} tài liệu:")
    for number, item in enumerate(items, 1):
        desk.say(f"  {number}. {item['title']} (loại: {item['doc_type']})")
        desk.say(f"     mã tài liệu {item['document']}, SHA-256 bản đã xem "
                 f"{item['version']['sha256']}")


def _sign(config: AgentConfig, desk: Desk, certificate_sha256: str,
          items: list[dict[str, Any]]) -> list[dict[str, str]] | None:
    """The token's signature of each item's signed attributes, the PIN asked here (a few
    tries); None when the official gave up."""
    for _ in range(PIN_TRIES):
        try:
            pin = desk.ask_pin("Mã PIN của token: ")
        except EOFError:
            return None
        if not pin:
            return None
        try:
            with device.open_token(config.module, config.token_label, pin) as session:
                cert = next((c for c in device.certificates(session)
                             if c.sha256 == certificate_sha256), None)
                if cert is None:
                    raise AgentError("Token đang cắm không chứa chứng thư của lô này.")
                return [{"document": i["document"], "signature": base64.b64encode(
                    device.sign(session, cert, base64.b64decode(i["mechanism"]),
                                i["digest_algorithm"],
                                base64.b64decode(i["signed_attributes"]))).decode()}
                        for i in items]
        except device.WrongPin as exc:
            desk.say(exc.message)
    return None
