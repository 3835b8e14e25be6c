"""The outbox Telegram and email messages leave through (owned by the notifications work).

Contract: ``outbox_enqueue_report(*, report) -> list[OutboundMessage]`` writes one message per
configured destination of the report's tenant (deduplicated by report), in the caller's
transaction, and sends them after commit.
"""

from __future__ import annotations


def outbox_enqueue_report(*, report) -> list:
    raise NotImplementedError
