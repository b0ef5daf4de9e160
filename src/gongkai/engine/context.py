"""What a rule may know besides the document: configuration, earlier findings, shared facts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, TypeVar

if TYPE_CHECKING:
    from ..config import Config
    from ..models import Document, Finding

T = TypeVar("T")


class Context:
    """Per-document state shared by the rules of one run.

    ``fact(fn)`` computes ``fn(doc, ctx)`` once per document and caches it: the structure of
    the document, its label, its segmentation… are worked out once whichever rule asks first.
    Facts that read ``ctx.findings`` (such as the attribute suggestion) must only be asked for
    by audit-phase rules, after the content phase has finished.
    """

    def __init__(self, doc: "Document", config: "Config | None" = None, *, services: dict | None = None):
        from ..config import Config

        self.doc = doc
        self.config = config or Config()
        self.findings: list["Finding"] = []
        self.content_done = False
        #: Heavy shared objects a caller can hand in (e.g. a reference index for reprints).
        self.services: dict[str, Any] = dict(services or {})
        self._facts: dict[Callable, Any] = {}

    def fact(self, fn: Callable[["Document", "Context"], T]) -> T:
        try:
            return self._facts[fn]
        except KeyError:
            value = self._facts[fn] = fn(self.doc, self)
            return value

    def known(self, fn: Callable) -> bool:
        """Whether the fact ``fn`` has been worked out (or provided) already."""
        return fn in self._facts

    def provide(self, fn: Callable[["Document", "Context"], T], value: T) -> None:
        """Set the fact ``fn`` ahead of time: a rule's batch preparation worked it out (see
        :attr:`Rule.prepare`). ``value`` must be what ``fn(doc, ctx)`` would return."""
        self._facts[fn] = value

    def section(self, name: str) -> dict:
        """The config section for a rule family (e.g. ``format``, ``reprint``)."""
        return self.config.section(name)
