"""Conversions: every write and workflow.

Ingest (``events_ingest``) writes events and one delivery per destination in one transaction
(set-based: one query for existing ids, bulk inserts) and enqueues one delivery task per
destination when it commits. A delivery task (``destination_deliver``) repeatedly claims a batch
of due deliveries with ``SELECT … FOR UPDATE SKIP LOCKED`` (marking them SENDING with a claim
token in the same transaction), sends them in one request, and marks each row in one
transaction per outcome. A worker killed between sending and marking leaves SENDING rows; once
their claim is stale another run claims and sends them again with the same ``event_id``, which
every platform deduplicates on. The beat sweeper re-enqueues destinations whose due rows lost
their message.

The package is split by concern; every public name is re-exported here, so callers import from
``conversions.services`` as before:

- ``ingest``: storing events and their deliveries, enqueueing delivery tasks;
- ``outbox``: claims, outcome classification and marking delivery rows;
- ``delivery``: a destination's delivery run and sending a claimed batch;
- ``recovery``: the sweeper and replaying dead or held deliveries;
- ``destinations``: waking and resuming a destination, test sends with the env credentials;
- ``webhook``: the inbound booking webhook (on ``core.webhooks``) and its sources.
"""

from conversions.services.delivery import delivery_send_batch, destination_deliver
from conversions.services.destinations import (
    PLATFORM_FIELDS,
    SECRET_FIELDS,
    destination_delete,
    destination_pause,
    destination_resume,
    destination_save,
    destination_test_send,
    destination_wake_later,
    test_event_send,
)
from conversions.services.ingest import EVENT_FIELDS, IngestResult, deliveries_enqueue, events_ingest
from conversions.services.outbox import (
    RESPONSE_BODY_LIMIT,
    DeliverRun,
    Outcome,
    classify_error,
    deliveries_claim,
    outbox_transaction,
    retry_delay,
)
from conversions.services.recovery import deliveries_replay, deliveries_sweep
from conversions.services.webhook import (
    APPOINTMENT_TYPES,
    BOOKING_PROVIDER,
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    SOURCE_HEADER,
    WebhookRejected,
    WebhookResult,
    appointment_event,
    booking_webhook_receive,
    inbound_source_create,
    inbound_source_secret_rotate,
    webhook_signature,
    webhook_verify,
)

__all__ = [
    "APPOINTMENT_TYPES",
    "BOOKING_PROVIDER",
    "DELIVERY_HEADER",
    "DeliverRun",
    "PLATFORM_FIELDS",
    "SECRET_FIELDS",
    "EVENT_FIELDS",
    "IngestResult",
    "Outcome",
    "RESPONSE_BODY_LIMIT",
    "SIGNATURE_HEADER",
    "SOURCE_HEADER",
    "WebhookRejected",
    "WebhookResult",
    "appointment_event",
    "booking_webhook_receive",
    "classify_error",
    "deliveries_claim",
    "deliveries_enqueue",
    "deliveries_replay",
    "deliveries_sweep",
    "delivery_send_batch",
    "destination_delete",
    "destination_deliver",
    "destination_pause",
    "destination_resume",
    "destination_save",
    "destination_test_send",
    "destination_wake_later",
    "events_ingest",
    "inbound_source_create",
    "inbound_source_secret_rotate",
    "outbox_transaction",
    "retry_delay",
    "test_event_send",
    "webhook_signature",
    "webhook_verify",
]
