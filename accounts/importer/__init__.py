"""The one import path behind `import_evidence`, the REST API and the demo data."""

from accounts.importer.service import (
    ImportFailed,
    ImportResult,
    evidence_import,
)

__all__ = ["ImportFailed", "ImportResult", "evidence_import"]
