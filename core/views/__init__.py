"""The platform's own pages, one module per concern:

- ``platform``: sync runs, upstream calls, API keys, members, the tenant switcher
- ``schedules``: Settings → Schedules, the tenant's choice of periodic jobs
- ``workspace``: the business overview, global search, saved views, workspace settings and FX rates

The public names are re-exported here, so ``core.urls`` reads ``views.HomeView``.
"""

from core.views.platform import *  # noqa: F403
from core.views.platform import __all__ as _platform_names
from core.views.schedules import *  # noqa: F403
from core.views.schedules import __all__ as _schedule_names
from core.views.workspace import *  # noqa: F403
from core.views.workspace import __all__ as _workspace_names

__all__ = [*_platform_names, *_schedule_names, *_workspace_names]
