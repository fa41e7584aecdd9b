"""The model catalog and the store of installed models (see models/README.md)."""

from interpreter.store.catalog import (
    Catalog,
    FileSpec,
    ModelEntry,
    default_store_dir,
    load_catalog,
)
from interpreter.store.store import InstallResult, ModelStore, VerifyResult

__all__ = [
    "Catalog",
    "FileSpec",
    "InstallResult",
    "ModelEntry",
    "ModelStore",
    "VerifyResult",
    "default_store_dir",
    "load_catalog",
]
