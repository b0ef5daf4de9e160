"""Rule engine: the Rule protocol, the registry, the runner and suppression."""

from .context import Context
from .registry import PACKS, Registry, default_registry
from .rules import AUDIT, CONTENT, FunctionRule, Rule
from .runner import Runner

__all__ = [
    "AUDIT", "CONTENT", "PACKS", "Context", "FunctionRule", "Registry", "Rule",
    "Runner", "default_registry",
]
