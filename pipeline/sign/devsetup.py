"""Signer profiles for the development PKI, so ``make demo`` and the tests sign for real.

Three profiles, as an agency would set them up: the official (their own key, B-LT), the
seal (the agency's key held by the records clerk, B-LTA, locking the document after it) and
the copy profile (the agency's key on digitised copies, B-LTA, a "SAO Y" text block).

They say plainly what they are: ``dev = true`` and a comment, and they are the only kind of
profile that may open its key unattended (``activation = "unattended"``, the dev PKI's
password file), so the demo and the tests sign with nobody typing a PIN. The official's
profile is personal like a real one: its ``owner`` is the account allowed to use it on the
page (``DEV_OWNER`` unless given); no account is created for it.
"""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.config import Settings
from pipeline.sign.appearance.devimages import make_seal_png, make_signature_png
from pipeline.sign.devpki import DevPki

PROFILES = ("official", "seal", "copy")
#: The account owning the dev official profile unless ``sohoa pki init-dev --owner`` says.
DEV_OWNER = "lanh-dao-thu-nghiem"
HEADER = ("# Hồ sơ ký THỬ NGHIỆM (PKI phát triển): không dùng cho văn bản thật.\n"
          "# Development profile (dev PKI): unattended signing, never for real documents.\n"
          "dev = true\nactivation = \"unattended\"\n")
#: The first line of dev profiles written before they were marked: rewritten when found.
_UNMARKED = "# Hồ sơ ký thử nghiệm (PKI phát triển, không dùng thật)."


def _toml_str(value: str | Path) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _toml_path(path: Path, folder: Path) -> str:
    """``path`` as a profile names it: relative to the profile's folder (the rule
    :func:`~pipeline.sign.profiles.load_profile` reads it by), so home can move."""
    return _toml_str(os.path.relpath(path.absolute(), folder.absolute()))


def write_dev_profiles(settings: Settings, pki: DevPki, *, force: bool = False,
                       owner: str = DEV_OWNER) -> list[Path]:
    """Write the dev profiles (and their signature and seal images) unless they exist."""
    folder = settings.sign.profiles_path(settings.home)
    folder.mkdir(parents=True, exist_ok=True)
    signature = folder / "chu-ky-ca-nhan.png"
    seal = folder / "con-dau.png"
    if force or not signature.exists():
        make_signature_png(signature, pki.official_name)
    if force or not seal.exists():
        make_seal_png(seal, pki.agency_name)
    common = (f"[timestamp]\nurl = {_toml_str(pki.tsa_url)}\n")

    def key(label: str) -> str:
        return (f"[key]\nsource = \"pkcs12\"\npath = {_toml_path(pki.p12_path(label), folder)}\n"
                f"secret_file = {_toml_path(pki.password_file, folder)}\n")

    bodies = {
        "official": (f"role = \"official\"\nowner = {_toml_str(owner)}\nlevel = \"B-LT\"\n\n"
                     + key("official") + "\n" + common
                     + f"\n[appearance]\nimage = {_toml_str(signature.name)}\n"),
        "seal": ("role = \"seal\"\nlevel = \"B-LTA\"\nlock = true\n\n" + key("seal") + "\n"
                 + common + f"\n[appearance]\nimage = {_toml_str(seal.name)}\n"),
        "copy": ("role = \"copy\"\nlevel = \"B-LTA\"\n\n" + key("seal") + "\n" + common
                 + "\n[appearance]\nlabel = \"SAO Y\"\n"),
    }
    written = []
    for name, body in bodies.items():
        path = folder / f"{name}.toml"
        if force or not path.exists() or _unmarked(path):
            path.write_text(HEADER + body, encoding="utf-8")
            written.append(path)
    return written


def _unmarked(path: Path) -> bool:
    try:
        return path.read_text(encoding="utf-8").startswith(_UNMARKED)
    except OSError:
        return False
