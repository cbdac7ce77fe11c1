"""The PIN or password of a key: from a secret the operator provides, or asked once; or the
activation data the signer gives for one batch.

Never logged, never stored: the value lives in memory for the batch and nowhere else.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.errors import SigningError
from pipeline.sign.profiles import KeySpec

Prompt = Callable[[str], str]


@dataclass(frozen=True)
class ActivationSecret:
    """What the signer gives at batch time to activate their key for that batch only: the
    PIN or password of a key on a server HSM or PKCS#12 file, or the one-time code of a
    remote signing service. Kept out of ``repr`` so no log or traceback shows it."""

    secret: str = field(repr=False)
    #: How the key was activated, as profiles name it: "pin" or "csc".
    method: str = "pin"


def read_secret(spec: KeySpec, who: str, prompt: Prompt | None = None) -> str:
    """The secret from ``secret_env``, else ``secret_file``, else asked on the terminal."""
    if spec.secret_env and spec.secret_env in os.environ:
        return os.environ[spec.secret_env]
    if spec.secret_file is not None:
        try:
            return spec.secret_file.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise SigningError(f"Không đọc được tệp bí mật của {who}: {exc.strerror}.") from None
    ask = prompt or getpass.getpass
    try:
        return ask(f"Mã PIN/mật khẩu của {who}: ")
    except (EOFError, OSError):
        raise SigningError(f"Không có mã PIN/mật khẩu cho {who}: đặt biến môi trường "
                           f"{spec.secret_env or '(secret_env trong hồ sơ ký)'} hoặc chạy ở "
                           "terminal.") from None
