"""The pages' tests read real emails too: the service tests' SMTP server."""

from tests.api.conftest import mail

__all__ = ["mail"]
