"""People. A user is global: the same person may belong to several organisations."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from actas.api import clock
from actas.api.domain import validation as clean
from actas.api.domain.errors import NotFound, ValidationFailed
from actas.api.domain.vocabulary import Language
from actas.api.models import User


async def find_or_create_user(
    email: str, *, name: str | None = None, language: Language | None = None
) -> User:
    """The user with this email, created (with ``name``) if new."""
    address = clean.email(email)
    user = await User.get_or_none(email=address)
    if user is not None:
        return user
    if not name:
        raise ValidationFailed(f"{address} is new to actas: give their name.", field="name")
    name = clean.text(name, field="name", max_length=200)
    try:
        # A savepoint: when someone adds the same new email concurrently (users are global, so
        # no organisation lock orders the two), the loser takes the winner's user instead of
        # aborting the caller's whole transaction.
        async with in_transaction():
            return await User.create(
                email=address, name=name, language=language or Language.ES, created_at=clock.now()
            )
    except IntegrityError:
        user = await User.get_or_none(email=address)
        if user is None:
            raise
        return user


async def user_by_email(email: str) -> User:
    user = await User.get_or_none(email=clean.email(email))
    if user is None:
        raise NotFound("user", email)
    return user


async def set_instance_admin(email: str, *, admin: bool = True) -> User:
    """Make a person one of the instance's admins, or no longer one (``actas user admin``)."""
    user = await user_by_email(email)
    if user.instance_admin != admin:
        user.instance_admin = admin
        await user.save(update_fields=["instance_admin"])
    return user
