"""gongkai — 政务公开发布前审查工具: screen draft government documents before publication."""

__version__ = "0.1.0"

from .api import check, check_document, check_text  # noqa: E402
from .config import Config  # noqa: E402
from .models import Document, Finding, Report, Severity  # noqa: E402

__all__ = ["Config", "Document", "Finding", "Report", "Severity", "__version__", "check", "check_document", "check_text"]
