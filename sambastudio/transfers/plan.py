"""What an upload will send and what it has sent: the plan, and the resume journal.

The plan (:class:`UploadPlan`) is computed and checked before any request: every file with
its path inside the dataset (relative, POSIX, never ``..``), size, mtime and part ranges.
The journal is the local half of resume, the server's upload status being the other: an
append-only file of JSON lines in the user's cache dir, keyed by the dataset name and the
absolute path uploaded, holding the ids and each acknowledged part's size and crc32.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

import attrs

from sambastudio.errors import InvalidArgumentError

MiB = 1 << 20
DEFAULT_CHUNK_SIZE = 64 * MiB
CACHE_ENV = "SAMBASTUDIO_CACHE_DIR"
Json = dict[str, Any]


# --------------------------------------------------------------------------- the plan
@attrs.frozen
class PartRange:
    """One part of a file: ``number`` counts from 1, as on the wire."""

    number: int
    offset: int
    size: int


@attrs.frozen
class PlannedFile:
    """A local file and its place in the dataset (a relative POSIX path)."""

    path: Path
    relpath: str
    size: int
    mtime_ns: int

    def parts(self, chunk_size: int) -> tuple[PartRange, ...]:
        """The file cut in ``chunk_size`` parts; an empty file is one empty part."""
        count = max(1, -(-self.size // chunk_size))
        return tuple(
            PartRange(i + 1, i * chunk_size, min(chunk_size, self.size - i * chunk_size))
            for i in range(count)
        )


@attrs.frozen
class UploadPlan:
    """Everything an upload will send, computed and checked before any request."""

    root: Path
    files: tuple[PlannedFile, ...]
    chunk_size: int

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)

    @property
    def fingerprint(self) -> str:
        """Changes when any file is added, removed, resized or touched, or the chunk size."""
        digest = hashlib.sha256(str(self.chunk_size).encode())
        for f in self.files:
            digest.update(f"\0{f.relpath}\0{f.size}\0{f.mtime_ns}".encode())
        return digest.hexdigest()


def _dataset_relpath(path: Path, root: Path) -> str:
    """``path``'s name inside the dataset; ``path`` is one ``plan_upload`` found under ``root``
    (by ``os.walk``, or a file given with its own folder as ``root``), never outside it."""
    relpath = PurePosixPath(*path.relative_to(root).parts)
    if "\\" in str(relpath):  # the separator of the upload API is '/' only
        raise InvalidArgumentError("path", f"{path}: a backslash in a file name cannot be uploaded")
    return str(relpath)


def plan_upload(path: str | os.PathLike[str], chunk_size: int = DEFAULT_CHUNK_SIZE) -> UploadPlan:
    """The files under ``path`` (a file, or a folder walked recursively) and their parts.

    Symbolic links to files are followed; links to folders are not, so a loop cannot make
    the walk endless.
    """
    if chunk_size < 1:
        raise InvalidArgumentError("chunk_size", f"chunk_size must be positive, not {chunk_size}")
    root = Path(path).expanduser().absolute()
    if not root.exists():
        raise InvalidArgumentError("path", f"nothing to upload: {root} does not exist")
    if root.is_file():
        found = [root]
        root = root.parent
    else:
        found = [
            Path(folder, name)
            for folder, _, names in os.walk(root)
            for name in names
            if Path(folder, name).is_file()
        ]
    files = []
    for file in sorted(found):
        _check_readable(file)
        stat = file.stat()
        files.append(
            PlannedFile(file, _dataset_relpath(file, root), stat.st_size, stat.st_mtime_ns)
        )
    if not files:
        raise InvalidArgumentError("path", f"nothing to upload: {root} holds no files")
    return UploadPlan(root, tuple(files), chunk_size)


def _check_readable(file: Path) -> None:
    """Open and read a byte of ``file`` now, so an unreadable one stops the upload before
    anything is created on the server rather than halfway through it."""
    try:
        with open(file, "rb") as handle:
            handle.read(1)
    except OSError as exc:
        raise InvalidArgumentError("path", f"cannot read {file}: {exc.strerror or exc}") from None


# ------------------------------------------------------------------------ the journal
def cache_dir() -> Path:
    """``$SAMBASTUDIO_CACHE_DIR``, else ``$XDG_CACHE_HOME/sambastudio``, else ``~/.cache/...``."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base, "sambastudio")


class Journal:
    """The local half of resume: JSON lines appended as the upload makes progress.

    Appending one short line per acknowledged part keeps the cost constant however many
    parts a file has, and a line cut short by a killed process is simply ignored.
    """

    def __init__(self, name: str, root: Path) -> None:
        key = hashlib.sha256(f"{name}\0{root}".encode()).hexdigest()[:32]
        self.path = cache_dir() / "uploads" / f"{key}.jsonl"
        self._lock = threading.Lock()

    def records(self) -> list[Json]:
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        records = []
        for line in lines:
            try:
                records.append(json.loads(line))
            except ValueError:
                continue
        return records

    def append(self, kind: str, **fields: Any) -> None:
        line = json.dumps({"kind": kind, **fields}, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(line)

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


@attrs.define
class ResumeState:
    """What a journal says an earlier attempt achieved."""

    start: Json
    upload_ids: dict[str, str] = attrs.field(factory=dict)
    parts: dict[str, dict[int, tuple[int, str]]] = attrs.field(factory=dict)
    completed: set[str] = attrs.field(factory=set)

    @classmethod
    def from_records(cls, records: Iterable[Json]) -> ResumeState | None:
        state: ResumeState | None = None
        for record in records:
            kind = record.get("kind")
            if kind == "start":
                state = cls(record)
            elif state is None:
                continue
            elif kind == "file":
                state.upload_ids[record["path"]] = record["upload_id"]
                state.parts[record["path"]] = {}
            elif kind == "part":
                parts = state.parts.setdefault(record["path"], {})
                parts[record["part"]] = (record["size"], record["crc32"])
            elif kind == "file_done":
                state.completed.add(record["path"])
        return state
