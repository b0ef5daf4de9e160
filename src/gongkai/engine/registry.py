"""The rule registry: an object, not a global. ``default_registry()`` loads the built-in packs."""

from __future__ import annotations

import sys
from functools import lru_cache
from typing import Iterable, Iterator

from .rules import Rule

#: Modules that each expose ``RULES: list[Rule]``. Add a family by adding its module here.
PACKS = (
    "gongkai.screening.personal_data",
    "gongkai.screening.properties",
    "gongkai.attributes.rules",
    "gongkai.proofing.punctuation",
    "gongkai.proofing.numbers",
    "gongkai.proofing.format_rules",
    "gongkai.completeness.rules",
    "gongkai.proofing.typos",
    "gongkai.screening.secrets",
    "gongkai.screening.embedded",
    "gongkai.screening.approvals",
    "gongkai.screening.reprints",
)


class Registry:
    def __init__(self, rules: Iterable[Rule] = ()):
        self._rules: dict[str, Rule] = {}
        for rule in rules:
            self.register(rule)

    def register(self, rule: Rule) -> Rule:
        if rule.code in self._rules:
            raise ValueError(f"duplicate rule code {rule.code}")
        self._rules[rule.code] = rule
        return rule

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self._rules.values(), key=lambda r: r.code))

    def __len__(self) -> int:
        return len(self._rules)

    def __contains__(self, code: str) -> bool:
        return code in self._rules

    def get(self, code: str) -> Rule:
        return self._rules[code]

    def matching(self, prefix: str) -> list[Rule]:
        return [r for r in self if r.code.startswith(prefix.upper())]

    def select(self, select: Iterable[str] | None = None, ignore: Iterable[str] | None = None) -> list[Rule]:
        """Rules chosen by code prefixes; the more specific of select/ignore wins (as in ruff)."""
        sel = [s.strip().upper() for s in (select or ()) if s.strip()]
        ign = [s.strip().upper() for s in (ignore or ()) if s.strip()]
        chosen = []
        for rule in self:
            s = max((_spec(p) for p in sel if rule.code.startswith(p) or p == "ALL"), default=-1 if sel else 0)
            i = max((_spec(p) for p in ign if rule.code.startswith(p) or p == "ALL"), default=-1)
            if s >= 0 and s > i:
                chosen.append(rule)
        return chosen

    def unknown_prefixes(self, prefixes: Iterable[str]) -> list[str]:
        """Prefixes that match no rule: a typo in --select deserves an error, not silence."""
        return [p for p in prefixes if p.strip() and p.upper() != "ALL" and not self.matching(p.strip())]


def _spec(prefix: str) -> int:
    """How specific a selector is: ALL least, then by length."""
    return 0 if prefix == "ALL" else len(prefix)


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    """A registry with every built-in rule (built once, then shared; rules are immutable values)."""
    reg = Registry()
    for name in PACKS:
        # __import__, not importlib.import_module: `python -X importtime` (benchmarks/startup.py)
        # logs only imports that go through it, and the packs are a fifth of start-up
        __import__(name)
        for rule in sys.modules[name].RULES:
            reg.register(rule)
    return reg
