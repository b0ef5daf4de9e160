"""gongkai — 政务公开发布前审查工具: screen draft government documents before publication.

The public API (``check``, ``check_document``, ``check_documents``, ``check_text``, ``Config`` and
the models) is imported on first use, so that ``import gongkai`` and the command line start fast.
"""

__version__ = "0.1.0"

_LAZY = {
    "check": "gongkai.api", "check_document": "gongkai.api", "check_documents": "gongkai.api",
    "check_text": "gongkai.api",
    "Config": "gongkai.config",
    "Document": "gongkai.models", "Finding": "gongkai.models", "Report": "gongkai.models",
    "Severity": "gongkai.models",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'gongkai' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(__all__)
