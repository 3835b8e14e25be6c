"""One list of queues (core.queues): the Celery app declares them, every task names one of them,
and runstack's worker consumes them all."""

from __future__ import annotations

from config.celery import app
from core.management.commands.runstack import stack_commands
from core.queues import QUEUE_NAMES, Queue


def test_the_celery_app_declares_every_queue_once():
    declared = app.amqp.queues
    assert sorted(declared) == sorted(QUEUE_NAMES)
    for name in QUEUE_NAMES:  # the shape Celery gives a queue it creates on first use
        assert declared[name].exchange.name == name and declared[name].routing_key == name
    assert app.conf.task_default_queue == Queue.DEFAULT


def test_every_product_task_is_routed_to_a_declared_queue():
    app.loader.import_default_modules()
    routed = {}
    for name, task in app.tasks.items():
        if name.startswith("celery."):
            continue
        route = app.amqp.router.route(dict(task._get_exec_options()), name, (), {})
        routed[name] = route["queue"].name
    assert routed and set(routed.values()) <= set(QUEUE_NAMES)
    assert routed["shop_sync.tasks.orders_sync_part_task"] == "sync"
    assert routed["gmvmax.tasks.room_fetch_part_task"] == routed["gmvmax.tasks.stats_backfill_part_task"] == "fetch"
    assert routed["conversions.tasks.destination_deliver_task"] == "deliver"
    assert routed["core.tasks.sync_runs_sweep_task"] == "default"


def test_runstack_worker_consumes_every_queue():
    worker = stack_commands(host="127.0.0.1", port=8000, web_workers=1, concurrency=1)["worker"]
    assert worker[worker.index("-Q") + 1].split(",") == list(QUEUE_NAMES)
