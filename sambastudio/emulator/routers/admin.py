"""Admins' views across tenants: running jobs and RDU usage, of the tenants the caller
administers (every tenant, for a platform admin)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from sambastudio.emulator import _capacity, _jobs
from sambastudio.emulator._auth import AdminDep
from sambastudio.emulator._routing import operation
from sambastudio.emulator._state import State
from sambastudio.emulator.routers.jobs import job_view

router = APIRouter(tags=["admin"])


@operation(router, "admin_job_list")
def admin_job_list(state: State, caller: AdminDep) -> dict[str, Any]:
    jobs = [
        _jobs.observe(state, job)
        for job in state.store.list("job")
        if caller.may("admin_job_list", job["tenant_id"])
    ]
    running = [job for job in jobs if job["status"] in _jobs.RUNNING]
    return {"jobs": [job_view(state, job) for job in running]}


@operation(router, "admin_resource_usage")
def admin_resource_usage(state: State, caller: AdminDep) -> dict[str, Any]:
    tenants = []
    for tenant in state.store.list("tenant"):
        if not caller.may("admin_resource_usage", tenant["id"]):
            continue
        total = _capacity.capacity(tenant)
        used = _capacity.used(state, tenant["id"])
        tenants.append({"tenant_name": tenant["name"], "total_rdus": total, "used_rdus": used})
    total = sum(t["total_rdus"] for t in tenants)
    used = sum(t["used_rdus"] for t in tenants)
    return {
        "total_rdus": total,
        "used_rdus": used,
        "available_rdus": max(0, total - used),
        "tenants": tenants,
    }
