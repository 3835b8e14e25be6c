"""core.jobs.enqueue: a task by its registered name, sent when the transaction commits."""

import pytest
from celery import shared_task

from core.jobs import UnknownTask, enqueue, registered_task

RAN: list[dict] = []


@shared_task(name="tests.core.test_jobs.record_task")
def record_task(**kwargs):
    RAN.append(kwargs)
    return kwargs


@pytest.fixture(autouse=True)
def _clear():
    RAN.clear()
    yield
    RAN.clear()


def test_an_unknown_name_fails_in_the_caller():
    with pytest.raises(UnknownTask, match="no_such.task"):
        enqueue("no_such.task", tenant_id=1)


@pytest.mark.django_db
def test_the_task_is_sent_only_when_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue("tests.core.test_jobs.record_task", tenant_id=7, shop_pk=3)
        assert RAN == []
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: eager mode runs it inline
    assert RAN == [{"tenant_id": 7, "shop_pk": 3}]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_it_is_sent_at_once():
    enqueue("tests.core.test_jobs.record_task", tenant_id=8)
    assert RAN == [{"tenant_id": 8}]


def test_queue_and_countdown_reach_celery(monkeypatch):
    sent = []
    task = registered_task("tests.core.test_jobs.record_task")
    monkeypatch.setattr(task, "apply_async", lambda **options: sent.append(options))
    enqueue("tests.core.test_jobs.record_task", queue="deliver", countdown=5, on_commit=False, tenant_id=9)
    enqueue("tests.core.test_jobs.record_task", on_commit=False, tenant_id=10)
    assert sent == [{"kwargs": {"tenant_id": 9}, "queue": "deliver", "countdown": 5}, {"kwargs": {"tenant_id": 10}}]


def test_services_enqueue_by_name_the_tasks_that_exist():
    from conversions.services.ingest import DELIVER_TASK
    from shop_sync.services.sync import PRODUCTS_SYNC_TASK

    for name in (DELIVER_TASK, PRODUCTS_SYNC_TASK):
        assert registered_task(name).name == name
