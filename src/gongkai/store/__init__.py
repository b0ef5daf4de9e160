"""The review and archive store (SQLite by default, PostgreSQL through a URL)."""

from .database import ENV_DB, Record, SignInRequired, Store, StoreError, default_location, resolve_target
from .identity import DocumentRef, document_key, identify

__all__ = [
    "ENV_DB", "DocumentRef", "Record", "SignInRequired", "Store", "StoreError", "default_location", "document_key",
    "identify", "resolve_target",
]
