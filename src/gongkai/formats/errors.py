"""The one exception readers raise: a document that cannot be used, with a reason for a clerk."""


class UnreadableDocument(Exception):
    """``code`` is machine-readable (unreadable, encrypted, unsupported, too_large, empty,
    archive_limit, archive_unsafe, missing, permission, converter_missing); ``message`` is
    one Chinese sentence without the file name (the caller adds it)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
