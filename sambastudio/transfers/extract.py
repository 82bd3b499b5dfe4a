"""Archive extraction that stays inside its folder: tar (plain, gz, bz2, xz) and zip.

Every member is checked before anything is written: absolute paths, ``..``, links pointing
outside the destination, hard links to no file before them and special files are refused
with :class:`~sambastudio.errors.UnsafeArchiveError`, and the declared sizes are held to
the limits (``max_extract_bytes``, ``max_extract_ratio``) before and while writing.
"""

from __future__ import annotations

import os
import stat
import tarfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import IO, Final, Literal

import attrs

from sambastudio._limits import DEFAULT_LIMITS, ExtractBudget, Limits, check_archive_size
from sambastudio.errors import (
    InvalidArgumentError,
    UnsafeArchiveError,
)

Kind = Literal["file", "dir", "symlink", "hardlink"]
_COPY_BLOCK: Final = 1 << 20
"""Bytes of a member copied at a time: a large member never sits whole in memory."""


@attrs.frozen
class _Member:
    name: str
    kind: Kind
    mode: int = 0o644
    link: str = ""
    data: Callable[[], AbstractContextManager[IO[bytes]]] | None = None
    size: int = 0
    """Bytes the archive declares for it (checked against the limits before writing)."""


def _bad_path(name: str) -> bool:
    """Absolute (POSIX or Windows), drive-qualified, or climbing out with ``..``."""
    windows = PureWindowsPath(name)
    posix = PurePosixPath(name)
    return (
        posix.is_absolute()
        or bool(windows.drive or windows.root)
        or ".." in posix.parts
        or ".." in windows.parts
    )


def _tar_members(archive: tarfile.TarFile) -> Iterator[_Member]:
    for info in archive.getmembers():

        def data(info: tarfile.TarInfo = info) -> AbstractContextManager[IO[bytes]]:
            stream = archive.extractfile(info)
            assert stream is not None
            return stream

        if info.isdir():
            yield _Member(info.name, "dir")
        elif info.isfile():
            yield _Member(info.name, "file", info.mode, data=data, size=info.size)
        elif info.issym():
            yield _Member(info.name, "symlink", link=info.linkname)
        elif info.islnk():
            yield _Member(info.name, "hardlink", info.mode, link=info.linkname, data=data)
        else:
            raise UnsafeArchiveError(f"refusing the special file {info.name!r} (device or fifo)")


def _zip_members(archive: zipfile.ZipFile) -> Iterator[_Member]:
    for info in archive.infolist():
        mode = info.external_attr >> 16
        if info.is_dir():
            yield _Member(info.filename, "dir")
        elif stat.S_ISLNK(mode):
            yield _Member(info.filename, "symlink", link=_zip_link(archive, info))
        else:

            def data(info: zipfile.ZipInfo = info) -> AbstractContextManager[IO[bytes]]:
                return archive.open(info)

            yield _Member(info.filename, "file", mode or 0o644, data=data, size=info.file_size)


def _zip_link(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    """Where a zip's link points: its data, which must be a path in UTF-8."""
    target = archive.read(info)
    try:
        return target.decode()
    except UnicodeDecodeError:
        raise UnsafeArchiveError(
            f"refusing the link {info.filename!r}: its target {target[:100]!r} is not UTF-8"
        ) from None


def _check(members: list[_Member]) -> None:
    """Refuse the whole archive if any member could write outside the destination, or
    would fail halfway: a hard link is a copy of a file before it (tarfile's rule)."""
    links = {PurePosixPath(m.name) for m in members if m.kind == "symlink"}
    files: set[str] = set()
    for member in members:
        if _bad_path(member.name):
            raise UnsafeArchiveError(
                f"refusing the member {member.name!r}: its path leaves the destination"
            )
        if any(parent in links for parent in PurePosixPath(member.name).parents):
            raise UnsafeArchiveError(f"refusing the member {member.name!r}: it lies behind a link")
        if member.kind == "symlink":
            target = os.path.normpath(PurePosixPath(member.name).parent / member.link)
            if _bad_path(member.link) or _bad_path(target):
                raise UnsafeArchiveError(
                    f"refusing the link {member.name!r} -> {member.link!r}: it points outside"
                )
        if member.kind == "hardlink" and _bad_path(member.link):
            raise UnsafeArchiveError(
                f"refusing the link {member.name!r} -> {member.link!r}: it points outside"
            )
        if member.kind == "hardlink" and os.path.normpath(member.link) not in files:
            raise UnsafeArchiveError(
                f"refusing the link {member.name!r} -> {member.link!r}: no file before it"
            )
        if member.kind in ("file", "hardlink"):
            files.add(os.path.normpath(member.name))


def _write(member: _Member, root: Path, budget: ExtractBudget) -> Path:
    path = root / member.name
    if not os.path.realpath(path.parent).startswith(str(root) + os.sep) and path.parent != root:
        raise UnsafeArchiveError(
            f"refusing {member.name!r}: the destination holds a link leading out"
        )
    if member.kind == "dir":
        path.mkdir(parents=True, exist_ok=True)
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink():
        path.unlink()
    if member.kind == "symlink":
        os.symlink(member.link, path)
        return path
    assert member.data is not None
    with member.data() as source, path.open("wb") as out:
        budget.copy(source, out, _COPY_BLOCK)
    path.chmod(0o755 if member.mode & 0o111 else 0o644)
    return path


def safe_extract(
    archive: str | os.PathLike[str],
    dest_dir: str | os.PathLike[str],
    limits: Limits = DEFAULT_LIMITS,
) -> list[Path]:
    """Extract a tar (plain, gz, bz2, xz) or zip ``archive`` into ``dest_dir``; the paths written.

    Every member is checked before the first is written, so a refused archive leaves
    nothing behind; links are kept only when they point inside the destination. The
    declared sizes, then the bytes actually written, are held to ``limits``
    (``max_extract_bytes``, ``max_extract_ratio``): a decompression bomb is refused.
    """
    root = Path(dest_dir).expanduser().resolve()
    root.mkdir(parents=True, exist_ok=True)
    source = Path(archive)
    budget = ExtractBudget(limits, source.stat().st_size)
    if tarfile.is_tarfile(source):
        with tarfile.open(source, "r:*") as tar:
            return _extract(list(_tar_members(tar)), root, budget)
    if zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as zipped:
            return _extract(list(_zip_members(zipped)), root, budget)
    raise InvalidArgumentError("archive", f"{source} is neither a tar nor a zip archive")


def _extract(members: list[_Member], root: Path, budget: ExtractBudget) -> list[Path]:
    _check(members)
    declared = sum(member.size for member in members)
    check_archive_size(declared, budget.archive_size, budget.limits)
    return [_write(member, root, budget) for member in members]
