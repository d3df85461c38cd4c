from __future__ import annotations

from commerce.errors import DomainError
from commerce.validation import ValidationIssue


class RequestRejectedError(DomainError):
    """An admin's request with problems a person can fix; each names its field."""

    def __init__(self, issues: list[ValidationIssue]) -> None:
        super().__init__("; ".join(f"{issue.field}: {issue.message}" for issue in issues))
        self.issues = issues
