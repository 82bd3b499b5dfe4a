"""The emulator's routers, one per area of the wire contract; each exposes ``router``."""

from __future__ import annotations

from fastapi import APIRouter

from sambastudio.emulator.routers import (
    admin,
    apps,
    checkpoints,
    datasets,
    endpoints,
    job_files,
    jobs,
    misc,
    model_transfers,
    models,
    openai,
    predict,
    projects,
    tenants,
    uploads,
    users,
)

ROUTERS: tuple[APIRouter, ...] = tuple(
    module.router
    for module in (
        projects,
        jobs,
        job_files,
        checkpoints,
        models,
        model_transfers,
        apps,
        endpoints,
        datasets,
        uploads,
        tenants,
        users,
        admin,
        misc,
        predict,
        openai,
    )
)
