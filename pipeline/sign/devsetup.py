"""Signer profiles for the development PKI, so ``make demo`` and the tests sign for real.

Three profiles, as an agency would set them up: the official (their own key, B-LT), the
seal (the agency's key held by the records clerk, B-LTA, locking the document after it) and
the copy profile (the agency's key on digitised copies, B-LTA, a "SAO Y" text block).
"""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.config import Settings
from pipeline.sign.appearance.devimages import make_seal_png, make_signature_png
from pipeline.sign.devpki import DevPki

PROFILES = ("official", "seal", "copy")


def _toml_str(value: str | Path) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _toml_path(path: Path, folder: Path) -> str:
    """``path`` as a profile names it: relative to the profile's folder (the rule
    :func:`~pipeline.sign.profiles.load_profile` reads it by), so home can move."""
    return _toml_str(os.path.relpath(path.absolute(), folder.absolute()))


def write_dev_profiles(settings: Settings, pki: DevPki, *, force: bool = False) -> list[Path]:
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
        "official": ("role = \"official\"\nlevel = \"B-LT\"\n\n" + key("official") + "\n" + common
                     + f"\n[appearance]\nimage = {_toml_str(signature.name)}\n"),
        "seal": ("role = \"seal\"\nlevel = \"B-LTA\"\nlock = true\n\n" + key("seal") + "\n"
                 + common + f"\n[appearance]\nimage = {_toml_str(seal.name)}\n"),
        "copy": ("role = \"copy\"\nlevel = \"B-LTA\"\n\n" + key("seal") + "\n" + common
                 + "\n[appearance]\nlabel = \"SAO Y\"\n"),
    }
    written = []
    for name, body in bodies.items():
        path = folder / f"{name}.toml"
        if force or not path.exists():
            path.write_text("# Hồ sơ ký thử nghiệm (PKI phát triển, không dùng thật).\n" + body,
                            encoding="utf-8")
            written.append(path)
    return written
