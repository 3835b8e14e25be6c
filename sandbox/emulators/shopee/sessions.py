"""Live sessions as both surfaces see them: the seeded ones (``data.py``) with their stored
changes laid over, and the ones made with create_session (``ShopeeLiveSession`` rows)."""

from __future__ import annotations

import dataclasses

from sandbox.emulators.shopee.data import (
    CREATED_BASE,
    Account,
    Session,
    account_get,
    item_id_for,
    seeded_session_get,
    seeded_sessions,
)
from sandbox.models import ShopeeLiveSession
from sandbox.seed import rng


def _from_row(row: ShopeeLiveSession) -> Session:
    return Session(
        session_id=row.session_id,
        account=account_get(row.account),
        title=row.title,
        description=row.description,
        cover_image_url=row.cover_image_url,
        is_test=row.is_test,
        create_time=row.create_time,
        update_time=row.update_time,
        start=row.start_time,
        end=row.end_time,
        seeded=False,
    )


def session_find(session_id, now: int) -> tuple[Session | None, ShopeeLiveSession | None]:
    """The session and its stored row (None for a seeded session nobody changed)."""
    try:
        session_id = int(session_id)
    except (TypeError, ValueError):
        return None, None
    row = ShopeeLiveSession.objects.filter(session_id=session_id).first()
    if session_id >= CREATED_BASE:
        return (_from_row(row), row) if row is not None else (None, None)
    session = seeded_session_get(session_id, now)
    if session is not None and row is not None and row.update_time:
        # update_session changed what the app had set.
        session = dataclasses.replace(
            session,
            title=row.title,
            description=row.description,
            cover_image_url=row.cover_image_url,
            is_test=row.is_test,
            update_time=row.update_time,
        )
    return session, row


def row_for(session: Session, row: ShopeeLiveSession | None) -> ShopeeLiveSession:
    """The stored row of a session, made for a seeded one on its first change."""
    if row is not None:
        return row
    row, _ = ShopeeLiveSession.objects.get_or_create(
        session_id=session.session_id, defaults={"account": session.account.key, "seeded": True, "title": session.title}
    )
    return row


def seeded_bag(session: Session) -> list[int]:
    generator = rng("shopee", "bag", session.session_id)
    indexes = generator.sample(range(120), generator.randint(8, 30))
    return [item_id_for(session.account, index) for index in indexes]


def item_bag(session: Session, row: ShopeeLiveSession | None) -> list[int]:
    if row is not None and row.item_ids is not None:
        return [int(item_id) for item_id in row.item_ids]
    return seeded_bag(session) if session.seeded else []


def account_sessions(account: Account, since: int, until: int, now: int) -> list[Session]:
    """Sessions of the account created before ``now`` that started (or were created, if not
    started) in [since, until), newest first."""
    found = [session for session in seeded_sessions(account, since, min(until, now + 1)) if session.create_time <= now]
    rows = ShopeeLiveSession.objects.filter(account=account.key, seeded=False, create_time__lte=now)
    for row in rows:
        session = _from_row(row)
        moment = session.start if session.start is not None else session.create_time
        if since <= moment < until:
            found.append(session)
    return sorted(found, key=lambda s: (s.start if s.start is not None else s.create_time, s.session_id), reverse=True)


def ongoing_sessions(account: Account, now: int) -> list[Session]:
    return [session for session in account_sessions(account, now - 2 * 86400, now + 1, now) if session.status(now) == 1]
