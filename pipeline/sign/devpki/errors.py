"""Failures of the development PKI, with the command that fixes them in the message."""

from __future__ import annotations

from pipeline.errors import ExitCode, SohoaError


class DevPkiError(SohoaError):
    """The development PKI cannot be created, read or served."""

    code = "loi-pki-thu-nghiem"
    exit_code = ExitCode.SIGNING


class DevPkiMissing(DevPkiError):
    """No (complete) development PKI in the folder: ``sohoa pki init-dev`` creates one."""

    code = "chua-co-pki-thu-nghiem"
    exit_code = ExitCode.NOT_FOUND


class DevPkiExists(DevPkiError):
    """A PKI is already there; replacing it silently would orphan every certificate issued."""

    code = "pki-thu-nghiem-da-co"
    exit_code = ExitCode.USAGE
