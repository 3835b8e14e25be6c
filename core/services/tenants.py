"""Tenants and their members: creating, switching, roles, the last owner."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core.errors import CoreError
from core.exceptions import ApplicationError, Conflict
from core.models import Membership, Role, Tenant


def tenant_create(*, name: str, slug: str, owner=None, time_zone: str = "UTC") -> Tenant:
    with transaction.atomic():
        tenant = Tenant.objects.create(name=name, slug=slug, time_zone=time_zone)
        if owner is not None:
            Membership.objects.create(tenant=tenant, user=owner, role=Role.OWNER)
    return tenant


def membership_switch(*, user, tenant_id: int, session) -> Membership:
    """Make ``tenant_id`` the user's active tenant; a tenant they don't belong to is not found."""
    membership = Membership.objects.select_related("tenant").filter(user=user, tenant_id=tenant_id).first()
    if membership is None:
        raise ApplicationError("You are not a member of that tenant.", code=CoreError.NOT_A_MEMBER, status=404)
    membership.last_active_at = timezone.now()
    membership.save(update_fields=["last_active_at"])
    session["active_tenant_id"] = membership.tenant_id
    return membership


def membership_add(*, tenant: Tenant, username_or_email: str, role: str) -> Membership:
    User = get_user_model()
    lookup = username_or_email.strip()
    user = User.objects.filter(username__iexact=lookup).first() or User.objects.filter(email__iexact=lookup).first()
    if user is None:
        raise ApplicationError(f"No user named {lookup!r}.", code=CoreError.UNKNOWN_USER, extra={"fields": {"user": ["Unknown user."]}})
    if role not in Role.values:
        raise ApplicationError(f"Unknown role {role!r}.", code=CoreError.INVALID_ROLE, extra={"fields": {"role": ["Unknown role."]}})
    membership, created = Membership.objects.get_or_create(tenant=tenant, user=user, defaults={"role": role})
    if not created:
        raise Conflict(f"{user.username} is already a member.", code=CoreError.ALREADY_MEMBER)
    return membership


def membership_set_role(*, membership: Membership, role: str) -> Membership:
    if role not in Role.values:
        raise ApplicationError(f"Unknown role {role!r}.", code=CoreError.INVALID_ROLE)
    with transaction.atomic():
        if membership.role == Role.OWNER and role != Role.OWNER:
            _ensure_another_owner(membership)
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def membership_remove(*, membership: Membership) -> None:
    with transaction.atomic():
        if membership.role == Role.OWNER:
            _ensure_another_owner(membership)
        membership.delete()


def _ensure_another_owner(membership: Membership) -> None:
    others = Membership.objects.select_for_update().filter(tenant_id=membership.tenant_id, role=Role.OWNER).exclude(pk=membership.pk)
    if not others.exists():
        raise Conflict("A tenant needs at least one owner.", code=CoreError.LAST_OWNER)
