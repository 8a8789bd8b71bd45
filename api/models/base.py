"""What every table shares."""

from __future__ import annotations

from tortoise import fields

# Rows are never deleted, so nothing may be deleted from under a reference.
RESTRICT = fields.OnDelete.RESTRICT
