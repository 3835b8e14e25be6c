"""Writes of the platform (tenancy, API keys, the call log, sync runs), one module per concern:

- ``tenants``: tenants and members
- ``encryption``: re-encrypting stored secrets
- ``api_keys``: API keys
- ``call_log``: the upstream call log
- ``sync_runs``: resumable jobs split into parts
- ``workspace``: reporting currency, locale, FX rates, saved views
- ``schedules``: a tenant's choice of which periodic jobs run, how often

The public names are re-exported here, so ``from core.services import sync_run_start`` works.
"""

from core.services.api_keys import IssuedApiKey, api_key_create, api_key_revoke, api_key_touch
from core.services.call_log import api_call_log_record
from core.services.encryption import encrypted_values_rotate
from core.services.schedules import schedule_set
from core.services.sync_runs import (
    StaleCheckpoint,
    SyncRunConflict,
    _part_runners,
    sync_page_commit,
    sync_part_claim,
    sync_part_fail,
    sync_register_runner,
    sync_run_cancel,
    sync_run_dispatch,
    sync_run_resume,
    sync_run_settle,
    sync_run_start,
    sync_runs_sweep,
)
from core.services.tenants import membership_add, membership_remove, membership_set_role, membership_switch, tenant_create
from core.services.workspace import fx_rate_delete, fx_rate_set, saved_view_create, saved_view_delete, tenant_settings_update

__all__ = [
    "IssuedApiKey",
    "StaleCheckpoint",
    "SyncRunConflict",
    "_part_runners",
    "api_call_log_record",
    "api_key_create",
    "api_key_revoke",
    "api_key_touch",
    "encrypted_values_rotate",
    "membership_add",
    "membership_remove",
    "membership_set_role",
    "membership_switch",
    "sync_page_commit",
    "sync_part_claim",
    "sync_part_fail",
    "sync_register_runner",
    "sync_run_cancel",
    "sync_run_dispatch",
    "sync_run_resume",
    "sync_run_settle",
    "sync_run_start",
    "sync_runs_sweep",
    "tenant_create",
    "tenant_settings_update",
    "fx_rate_set",
    "fx_rate_delete",
    "saved_view_create",
    "saved_view_delete",
    "schedule_set",
]
