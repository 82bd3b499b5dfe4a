"""Type-checked only (``mypy --strict sambastudio tests/typing``): progress fields, job
states and raw responses are typed end to end, so an ``on_progress`` callback needs no cast."""

from __future__ import annotations

from datetime import timedelta

from typing_extensions import assert_type

from sambastudio import APIResponse, Client
from sambastudio._pagination import Page
from sambastudio.resources import Job, Project
from sambastudio.resources.jobs import JobStatus
from sambastudio.resources.predictions import Prediction


def progress(job: Job) -> None:
    assert_type(job.completion_percentage, float | None)
    assert_type(job.steps, int | None)
    assert_type(job.total_steps, int | None)
    assert_type(job.status_message, str | None)
    assert_type(job.status, JobStatus | None)
    if job.status == "EXIT_WITH_1":  # a known value, offered by the type
        print(job.status_message)


def wait_with_progress(job: Job) -> Job:
    return job.wait(timeout=60, on_progress=progress)


def raw_responses(client: Client, job: Job, project: Project, prediction: Prediction) -> None:
    assert_type(job.last_response, APIResponse)
    assert_type(job.last_response.request_id, str | None)
    assert_type(job.last_response.status_code, int)
    assert_type(job.last_response.elapsed, timedelta)
    assert_type(prediction.last_response, APIResponse)
    page = next(iter(project.jobs.list().pages()))
    assert_type(page, Page[Job])
    assert_type(page.last_response, APIResponse)
    assert_type(client.request("list_projects", timeout=5), APIResponse)
    quick = client.with_options(timeout=5, max_retries=0, headers={"x-trace": "1"})
    assert_type(quick, Client)
    assert_type(quick.with_options(on_response=lambda response: None), Client)
