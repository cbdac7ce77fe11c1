"""Failures the user can act on, each with a stable code, an exit status and a Vietnamese reason.

Callers (the CLI, the watcher, later the workers and the API) decide between "quarantine",
"retry" and "give up" from the class and its ``code``, never by parsing messages.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit statuses of the ``sohoa`` command."""

    OK = 0
    USAGE = 2
    BAD_INPUT = 3
    NOT_FOUND = 4
    STORE_ERROR = 5
    MISSING_DEPENDENCY = 6
    SIGNING = 7
    INVALID_SIGNATURE = 8
    FORBIDDEN = 9
    INTERNAL = 10


class SohoaError(Exception):
    """Base of every expected failure; ``message`` is shown to the user as is (Vietnamese)."""

    code: str = "loi-khong-xac-dinh"
    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str, *, detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: Technical detail for developers (English, may be empty); never personal data.
        self.detail = detail

    def to_dict(self) -> dict[str, str]:
        out = {"code": self.code, "message": self.message}
        if self.detail:
            out["detail"] = self.detail
        return out


class InputError(SohoaError):
    """The file itself cannot become a document: permanent, so quarantine it, never retry."""

    code = "tep-khong-hop-le"
    exit_code = ExitCode.BAD_INPUT


class EmptyFile(InputError):
    code = "tep-rong"


class UnsupportedFormat(InputError):
    code = "dinh-dang-khong-ho-tro"


class EncryptedDocument(InputError):
    code = "tai-lieu-co-mat-khau"


class DamagedFile(InputError):
    code = "tep-bi-hong"


class NoPages(InputError):
    code = "khong-co-trang"


class ImageTooLarge(InputError):
    code = "anh-qua-lon"


class InternalError(SohoaError):
    """A bug or an unforeseen case, not the user's doing: reported in one line, the details
    go to the log; the file is left where it was."""

    code = "loi-noi-bo"

    @classmethod
    def of(cls, exc: BaseException) -> InternalError:
        return cls(f"Lỗi nội bộ khi xử lý ({type(exc).__name__}); tệp được giữ nguyên. Hãy báo "
                   "quản trị viên (chi tiết trong nhật ký, chạy lại với --verbose).",
                   detail=repr(exc))


class NotFound(SohoaError):
    code = "khong-tim-thay"
    exit_code = ExitCode.NOT_FOUND


class StoreError(SohoaError):
    """The store could not keep or return data intact: transient or operational, retry later."""

    code = "loi-kho-du-lieu"
    exit_code = ExitCode.STORE_ERROR


class IntegrityError(StoreError):
    """Stored bytes no longer match their checksum: never serve them."""

    code = "du-lieu-bi-sai-lech"


class MissingDependency(SohoaError):
    code = "thieu-thanh-phan"
    exit_code = ExitCode.MISSING_DEPENDENCY


class SigningError(SohoaError):
    """A document could not be signed (key, certificate, policy, timestamp authority)."""

    code = "loi-ky-so"
    exit_code = ExitCode.SIGNING


class Forbidden(SohoaError):
    """The caller may not do this (a profile that is not theirs, a role they do not hold)."""

    code = "khong-du-quyen"
    exit_code = ExitCode.FORBIDDEN


class AgentError(SigningError):
    """The official's agent could not do its part: the server unreachable or refusing, the
    token absent or locked, a prepared document that is not the version shown."""

    code = "loi-agent-ky-so"


class VerificationFailed(SohoaError):
    """A signature did not verify; the report says which and why."""

    code = "chu-ky-khong-hop-le"
    exit_code = ExitCode.INVALID_SIGNATURE


def machine_fault(exc: BaseException) -> bool:
    """Whether ``exc`` is the machine's fault rather than the input's: a missing program, the
    store, or the system (a full disk: an OSError with an errno; the OSError a decoder raises
    on a damaged file has none). Those are worth retrying; the input's are not."""
    if isinstance(exc, SohoaError):
        return not isinstance(exc, InputError)
    return isinstance(exc, OSError) and exc.errno is not None
