"""The reports app's tables, one module per part: notices (the register of official documents)."""

from .notices import DocumentCounter, Notice, NoticeIssuer

__all__ = ["DocumentCounter", "Notice", "NoticeIssuer"]
