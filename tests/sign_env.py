"""A signing environment for tests: a dev PKI served on 127.0.0.1, profiles, a store with
born-digital results and digitised scans in it."""

from __future__ import annotations

import dataclasses
import random
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Settings, SignSettings
from pipeline.models import DocumentRecord
from pipeline.process import Pipeline
from pipeline.sign.devpki import DevPki, DevPkiServer, init_dev_pki
from pipeline.sign.devsetup import write_dev_profiles
from pipeline.store import open_store
from pipeline.store.documents import DocumentStore
from samples.content import make_document
from samples.render import render_pdf


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class SignEnv:
    settings: Settings
    pki: DevPki
    server: DevPkiServer
    store: DocumentStore

    def ingest_results(self, folder: Path, count: int, seed: int = 0) -> list[str]:
        """Born-digital Quyết định PDFs, stored; their document IDs."""
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for i in range(count):
            doc = make_document("quyet_dinh", random.Random(seed * 1000 + i), pages=1, qr=False)
            path = folder / f"qd-{seed}-{i}.pdf"
            path.write_bytes(render_pdf(doc).pdf)
            paths.append(path)
        return [r.id for r in self.ingest_paths(paths)]

    def ingest_paths(self, paths: list[Path]) -> list[DocumentRecord]:
        with Pipeline(self.settings) as pipeline:
            return [r for p in paths for r in pipeline.ingest(p)]


@contextmanager
def sign_env(root: Path) -> Iterator[SignEnv]:
    port = free_port()
    settings = Settings(home=root / "home", jobs=1)
    settings = dataclasses.replace(settings, sign=SignSettings(dev_pki_port=port,
                                                               concurrency=4))
    pki = init_dev_pki(settings.sign.pki_path(settings.home), port=port)
    write_dev_profiles(settings, pki)
    with DevPkiServer(pki) as server:
        yield SignEnv(settings, pki, server, open_store(settings))
