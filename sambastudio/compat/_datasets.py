"""``SnSdk`` methods for datasets and the multipart dataset upload flow."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import IO, Any

from sambastudio.compat._base import JSONDict, SnSdkBase


class DatasetMethods(SnSdkBase):
    """Datasets and their uploads."""

    def list_datasets(self) -> JSONDict:
        """Returns the list of supported datasets."""
        return self._call("list_datasets")

    def search_dataset(self, dataset_name: str) -> JSONDict:
        """Search by dataset name and returns its dataset_id, if it exits."""
        return self._call("search_dataset", dataset_name=dataset_name)

    def dataset_info(self, dataset: str) -> JSONDict:
        """Returns the details for the dataset."""
        return self._call("dataset_info", dataset=dataset)

    def delete_dataset(self, dataset: str) -> JSONDict:
        """Deletes the specified dataset."""
        return self._call("delete_dataset", dataset=dataset)

    def add_dataset(
        self,
        dataset_name: str,
        apps: Mapping[str, Sequence[str]],
        dataset_metadata: Any,
        description: str,
        file_type: str,
        url: str,
        language: str,
        job_type: Sequence[str],
        source: Any,
    ) -> JSONDict:
        """[V2 Version] Add a new dataset."""
        return self._call(
            "add_dataset",
            dataset_name=dataset_name,
            apps=apps,
            dataset_metadata=dataset_metadata,
            description=description,
            file_type=file_type,
            url=url,
            language=language,
            job_type=list(job_type),
            source=source,
        )

    def generate_dataset_id(self) -> JSONDict:
        """Generate datasetId for new dataset uploaded."""
        return self._call("generate_dataset_id")

    def create_folder_upload(self, dataset_id: str, file_list: Sequence[str]) -> JSONDict:
        """Creates the folder upload."""
        return self._call("create_folder_upload", dataset_id=dataset_id, file_list=list(file_list))

    def create_multipart_file_upload(
        self,
        folder_id: str,
        file_path: str,
        chunk_size: int,
        hash_algo: str | None = None,
        hash_digest: str | None = None,
    ) -> JSONDict:
        """Create Multiple part of new dataset and start upload."""
        return self._call(
            "create_multipart_file_upload",
            folder_id=folder_id,
            file_path=file_path,
            chunk_size=chunk_size,
            hash_algo=hash_algo,
            hash_digest=hash_digest,
        )

    def upload_part_file(
        self,
        folder_id: str,
        file_path: str,
        part_number: int,
        upload_id: str,
        chunk_size: int,
        file: bytes | str | IO[bytes],
    ) -> JSONDict:
        """Upload part of new dataset (the part's bytes travel raw)."""
        return self._call(
            "upload_part_file",
            folder_id=folder_id,
            file_path=file_path,
            part_number=part_number,
            upload_id=upload_id,
            chunk_size=chunk_size,
            file=file.encode() if isinstance(file, str) else file,
        )

    def get_file_upload_status(self, dataset_id: str, upload_id: str) -> JSONDict:
        """Gets the file upload status."""
        return self._call("get_file_upload_status", dataset_id=dataset_id, upload_id=upload_id)

    def complete_multipart_file_upload(
        self,
        folder_id: str,
        file_path: str,
        chunk_size: int,
        upload_id: str,
        part_list: Sequence[Mapping[str, Any]],
    ) -> JSONDict:
        """Returns File upload status."""
        return self._call(
            "complete_multipart_file_upload",
            folder_id=folder_id,
            file_path=file_path,
            chunk_size=chunk_size,
            upload_id=upload_id,
            part_list=list(part_list),
        )

    def complete_folder_upload(
        self, dataset_id: str, folder_id: str, file_list: Sequence[Mapping[str, Any]]
    ) -> JSONDict:
        """Gets Folder Upload status."""
        return self._call(
            "complete_folder_upload",
            dataset_id=dataset_id,
            folder_id=folder_id,
            file_list=list(file_list),
        )
