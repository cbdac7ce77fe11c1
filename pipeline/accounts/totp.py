"""The second factor: TOTP (RFC 6238: 6 digits, 30 s, SHA-1, as every authenticator app
reads it) with pyotp.

The secret is shown once, as a provisioning URI and as text, when the account is made or
its TOTP reset; afterwards it exists only sealed in the accounts table. A code is accepted
once: the step it was made for is remembered and an earlier or equal step is refused (RFC
6238 §5.2), so a code seen over a shoulder cannot be replayed.
"""

from __future__ import annotations

import time

import pyotp

ISSUER = "sohoa"
#: Steps of clock drift accepted either side.
DRIFT = 1


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str, issuer: str = ISSUER) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def accepted_step(secret: str, code: str, last_step: int, now: float | None = None) -> int | None:
    """The time step ``code`` belongs to, if it is valid and newer than ``last_step``."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    moment = time.time() if now is None else now
    current = int(moment // totp.interval)
    for step in range(current - DRIFT, current + DRIFT + 1):
        if step > last_step and pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None
