"""Pipeline events to GraphQL subscribers: see ``ainergy.common.events``."""

from ainergy.common.events import EVENT_TYPE, broadcast, job_changed, job_group, tenant_group

__all__ = ["EVENT_TYPE", "broadcast", "job_changed", "job_group", "tenant_group"]
