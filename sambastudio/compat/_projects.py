"""``SnSdk`` methods for projects and jobs (names or ids are passed through as given)."""

from __future__ import annotations

from sambastudio._arguments import check_choice
from sambastudio.compat._base import Hyperparams, JSONDict, SnSdkBase, hyperparams_text
from sambastudio.resources.jobs import JOB_TYPES

CREATE_JOB_TYPES = JOB_TYPES
"""``create_job`` job types: the seed's train and batch_predict, plus evaluation (real callers)."""
RESUME_JOB_TYPES = ("train", "batch_predict")
"""``resume_job`` job types: the seed raises ValueError for anything else."""


class ProjectMethods(SnSdkBase):
    """Projects."""

    def list_projects(self) -> JSONDict:
        """Returns the list of projects."""
        return self._call("list_projects")

    def create_project(self, project_name: str, description: str) -> JSONDict:
        """Creates a new project."""
        return self._call("create_project", project_name=project_name, description=description)

    def search_project(self, project_name: str) -> JSONDict:
        """Search by project name and returns its project_id, if it exits."""
        return self._call("search_project", project_name=project_name)

    def project_info(self, project: str) -> JSONDict:
        """Returns the project details."""
        return self._call("project_info", project=project)

    def update_project(self, project: str, name: str, description: str) -> JSONDict:
        """Updates the project name and/or description."""
        return self._call("update_project", project=project, name=name, description=description)

    def delete_project(self, project: str) -> JSONDict:
        """Delete the given project."""
        return self._call("delete_project", project=project)


class JobMethods(SnSdkBase):
    """Jobs, their logs, metrics, results and exports."""

    def list_jobs(self, project_id: str | None = None) -> JSONDict:
        """Return the list of jobs in the given project."""
        return self._call("list_jobs", project_id=project_id)

    def create_job(
        self,
        job_type: str,
        project: str,
        model_checkpoint: str,
        job_name: str,
        description: str,
        dataset: str,
        hyperparams: Hyperparams,
        load_state: bool,
        sub_path: str,
        parallel_instances: int,
        rdu_arch: str,
        *,
        model_version: int | str | None = None,
    ) -> JSONDict:
        """Create a new job."""
        check_choice("job_type", job_type, CREATE_JOB_TYPES)
        return self._call(
            "create_job",
            job_type=job_type,
            project=project,
            model_checkpoint=model_checkpoint,
            job_name=job_name,
            description=description,
            dataset=dataset,
            hyperparams=hyperparams_text(hyperparams),
            load_state=load_state,
            sub_path=sub_path,
            parallel_instances=parallel_instances,
            rdu_arch=rdu_arch,
            model_version=model_version,
        )

    def search_job(self, project: str, job_name: str) -> JSONDict:
        """Search by project(name/project_id) and job name and returns its job_id, if it exits."""
        return self._call("search_job", project=project, job_name=job_name)

    def job_info(self, project: str, job: str, verbose: bool = False) -> JSONDict:
        """Return the details for the given job."""
        return self._call("job_info", project=project, job=job, verbose=verbose)

    def update_job(self, project: str, job: str, name: str, description: str) -> JSONDict:
        """Update the job name of description."""
        return self._call(
            "update_job", project=project, job=job, name=name, description=description
        )

    def delete_job(self, project: str, job: str) -> JSONDict:
        """Delete the specified job."""
        return self._call("delete_job", project=project, job=job)

    def stop_job(self, project: str, job: str) -> JSONDict:
        """Stop the specified job."""
        return self._call("stop_job", project=project, job=job)

    def resume_job(
        self, job_type: str, project: str, job_name: str, hyperparams: Hyperparams, load_state: bool
    ) -> JSONDict:
        """Resume a existing job."""
        check_choice("job_type", job_type, RESUME_JOB_TYPES)
        return self._call(
            "resume_job",
            job_type=job_type,
            project=project,
            job_name=job_name,
            hyperparams=hyperparams_text(hyperparams),
            load_state=load_state,
        )

    def get_metrics(self, project: str, job: str, random_sample_limit: int = -1) -> JSONDict:
        """Return the metrics for the specified job."""
        return self._call(
            "get_metrics", project=project, job=job, random_sample_limit=random_sample_limit
        )

    def job_log_list(self, project: str, job: str) -> JSONDict:
        """Returns the list of log file names of the given jobs."""
        return self._call("job_log_list", project=project, job=job)

    def job_log_preview(self, project: str, job: str, log_file: str) -> JSONDict:
        """Returns the the preview of given log file."""
        return self._call("job_log_preview", project=project, job=job, log_file=log_file)

    def download_results(self, project: str, job: str, dest_dir: str = "./") -> JSONDict:
        """Downloads the batch_predict job results."""
        return self._download("download_results", dest_dir, project=project, job=job)

    def download_logs(self, project: str, job: str, dest_dir: str = "./") -> JSONDict:
        """Downloads the job logs."""
        return self._download("download_logs", dest_dir, project=project, job=job)

    def download_job_artifacts(
        self, project: str, job: str, dest_dir: str = "./", artifact_type: str = "results"
    ) -> JSONDict:
        """Downloads the requested job artifacts."""
        return self._download(
            "download_job_artifacts",
            dest_dir,
            project=project,
            job=job,
            artifact_type=artifact_type,
        )

    def list_exports(self, project: str, job: str) -> JSONDict:
        """Return the list export results of batch predict results."""
        return self._call("list_exports", project=project, job=job)

    def upload_results_to_aws(
        self,
        project: str,
        job: str,
        bucket: str,
        folder: str,
        access_key_id: str,
        secret_access_key: str,
        session_token: str,
        region_name: str,
    ) -> JSONDict:
        """Upload the the batch predict results to AWS."""
        return self._call(
            "upload_results_to_aws",
            project=project,
            job=job,
            bucket=bucket,
            folder=folder,
            access_key_id=access_key_id,
            secret_access_key=secret_access_key,
            session_token=session_token,
            region_name=region_name,
        )

    def admin_job_list(self) -> JSONDict:
        """Returns the list of running jobs for all users."""
        return self._call("admin_job_list")

    def admin_resource_usage(self) -> JSONDict:
        """Returns the number of total and available RDUs."""
        return self._call("admin_resource_usage")
