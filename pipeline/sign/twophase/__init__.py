"""Two-phase signing: the server prepares, the official's token signs at their desk (through
``sohoa agent``), the server finishes. The key never leaves the token; see
:mod:`pipeline.sign.twophase.service` for the flow."""

from pipeline.sign.twophase.prepare import Refused
from pipeline.sign.twophase.service import (
    MAX_DOCUMENTS,
    audit_event,
    batches_of,
    cancel,
    create_batch,
    finish_received,
    refuse,
    submit,
    waiting_for,
)
from pipeline.sign.twophase.state import Batch, BatchState, Item, ItemState

__all__ = [
    "MAX_DOCUMENTS",
    "Batch",
    "BatchState",
    "Item",
    "ItemState",
    "Refused",
    "audit_event",
    "batches_of",
    "cancel",
    "create_batch",
    "finish_received",
    "refuse",
    "submit",
    "waiting_for",
]
