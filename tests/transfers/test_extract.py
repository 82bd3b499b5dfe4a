"""Archive extraction: what lands on disk (folders, modes, links, copies of hard links) for
tar and zip, extracting again over an earlier extraction, and the words of each refusal."""

from __future__ import annotations

import io
import os
import stat
import tarfile
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from sambastudio import Limits
from sambastudio._config import Settings
from sambastudio._pipeline import Pipeline
from sambastudio.errors import ArchiveLimitError, InvalidArgumentError, UnsafeArchiveError
from sambastudio.transfers.download import download_to_dir
from sambastudio.transfers.extract import safe_extract
from tests.transfers.test_download import PATH, results_request

Entry = tuple[tarfile.TarInfo, bytes]


def entry(
    name: str,
    data: bytes = b"",
    *,
    kind: bytes = tarfile.REGTYPE,
    mode: int = 0o644,
    link: str = "",
) -> Entry:
    info = tarfile.TarInfo(name)
    info.type, info.mode, info.linkname = kind, mode, link
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    return info, data


def tar(path: Path, *entries: Entry, compression: str = "") -> Path:
    with tarfile.open(path, f"w:{compression}") as archive:  # type: ignore[call-overload]
        for info, data in entries:
            archive.addfile(info, io.BytesIO(data) if info.size else None)
    return path


def zip_entry(name: str, mode: int, dos_attributes: int = 0) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = mode << 16 | dos_attributes
    return info


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


TREE = (
    entry("bin", kind=tarfile.DIRTYPE, mode=0o755),
    entry("bin/run.sh", b"#!/bin/sh\n", mode=0o750),
    entry("a/b/c.txt", b"c", mode=0o666),
    entry("empty/deeper", kind=tarfile.DIRTYPE),
    entry("copy.txt", kind=tarfile.LNKTYPE, link="a/b/c.txt"),
    entry("bin/again.sh", kind=tarfile.LNKTYPE, mode=0o750, link="bin/run.sh"),
    entry("copy-of-copy.txt", kind=tarfile.LNKTYPE, link="copy.txt"),
    entry("alias.txt", kind=tarfile.SYMTYPE, link="a/b/c.txt"),
)


@pytest.mark.parametrize("compression", ["", "gz", "bz2", "xz"])
def test_a_tar_unpacks_folders_files_modes_and_links_inside(
    tmp_path: Path, compression: str
) -> None:
    archive = tar(tmp_path / "a.tar", *TREE, compression=compression)
    dest = tmp_path / "not" / "yet" / "there"

    written = safe_extract(archive, dest)

    root = dest.resolve()
    assert written == [root / info.name for info, _ in TREE]
    assert (root / "empty" / "deeper").is_dir()
    assert (root / "bin" / "run.sh").read_bytes() == b"#!/bin/sh\n"
    assert mode_of(root / "bin" / "run.sh") == 0o755  # executable stays executable
    assert mode_of(root / "a" / "b" / "c.txt") == 0o644  # the rest: readable by all
    assert (root / "copy.txt").read_bytes() == b"c"  # a hard link becomes a copy
    assert mode_of(root / "bin" / "again.sh") == 0o755
    assert (root / "copy-of-copy.txt").read_bytes() == b"c"
    assert not (root / "copy.txt").is_symlink()
    assert os.readlink(root / "alias.txt") == "a/b/c.txt"
    assert (root / "alias.txt").read_bytes() == b"c"


def test_extracting_again_over_an_earlier_extraction_replaces_its_files(tmp_path: Path) -> None:
    dest = tmp_path / "dest"
    safe_extract(tar(tmp_path / "first.tar", *TREE), dest)
    again = (*TREE[:2], entry("a/b/c.txt", b"new"), *TREE[3:])

    safe_extract(tar(tmp_path / "second.tar", *again), dest)

    assert (dest / "a" / "b" / "c.txt").read_bytes() == b"new"
    assert (dest / "copy.txt").read_bytes() == b"new"
    assert os.readlink(dest / "alias.txt") == "a/b/c.txt"


def test_a_file_replaces_a_link_in_the_destination_instead_of_writing_through_it(
    tmp_path: Path,
) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"precious")
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "a.txt").symlink_to(outside)

    safe_extract(tar(tmp_path / "a.tar", entry("a.txt", b"from the archive")), dest)

    assert outside.read_bytes() == b"precious"
    assert not (dest / "a.txt").is_symlink()
    assert (dest / "a.txt").read_bytes() == b"from the archive"


def test_a_zip_unpacks_folders_files_modes_and_links_inside(tmp_path: Path) -> None:
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr(zip_entry("d/", stat.S_IFDIR | 0o755), b"")
        zipped.writestr(zip_entry("d/run.sh", stat.S_IFREG | 0o700), b"#!/bin/sh\n")
        # a zip made on Windows: MS-DOS attributes (here "archive") and no POSIX mode
        zipped.writestr(zip_entry("no-mode.txt", 0, dos_attributes=0x20), b"from windows")
        zipped.writestr(zip_entry("n/e/s/t.txt", stat.S_IFREG | 0o600), b"nested")
        zipped.writestr(zip_entry("link", stat.S_IFLNK | 0o777), b"n/e/s/t.txt")
    dest = tmp_path / "dest"

    written = safe_extract(archive, dest)

    assert written == [
        dest / name for name in ("d", "d/run.sh", "no-mode.txt", "n/e/s/t.txt", "link")
    ]
    assert mode_of(dest / "d" / "run.sh") == 0o755
    assert mode_of(dest / "no-mode.txt") == 0o644
    assert (dest / "no-mode.txt").read_bytes() == b"from windows"
    assert mode_of(dest / "n" / "e" / "s" / "t.txt") == 0o644
    assert os.readlink(dest / "link") == "n/e/s/t.txt"
    assert (dest / "link").read_bytes() == b"nested"


def test_a_zip_link_pointing_outside_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("fine.txt", b"ok")
        zipped.writestr(zip_entry("out", stat.S_IFLNK | 0o777), b"../../etc/passwd")
    dest = tmp_path / "dest"

    with pytest.raises(
        UnsafeArchiveError, match=r"refusing the link 'out' -> '\.\./\.\./etc/passwd'"
    ):
        safe_extract(archive, dest)
    assert list(dest.iterdir()) == []


@pytest.mark.parametrize(
    ("target", "quoted"),
    [(b"caf\xe9", "b'caf\\xe9'"), (b"\xe9" * 150, repr(b"\xe9" * 100))],
    ids=["short", "quoted up to 100 bytes"],
)
def test_a_zip_link_whose_target_is_not_utf8_is_refused_before_anything_is_written(
    tmp_path: Path, target: bytes, quoted: str
) -> None:
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("fine.txt", b"ok")
        zipped.writestr(zip_entry("odd", stat.S_IFLNK | 0o777), target)
    dest = tmp_path / "dest"

    with pytest.raises(UnsafeArchiveError) as refused:
        safe_extract(archive, dest)
    assert str(refused.value) == f"refusing the link 'odd': its target {quoted} is not UTF-8"
    assert not dest.exists() or list(dest.iterdir()) == []


@pytest.mark.parametrize(
    ("refused", "message"),
    [
        (
            entry("/etc/evil", b"x"),
            "refusing the member '/etc/evil': its path leaves the destination",
        ),
        (entry("\\evil", b"x"), "refusing the member '\\\\\\\\evil': its path leaves"),
        (entry("C:evil", b"x"), "refusing the member 'C:evil': its path leaves"),
        (entry("a\\..\\..\\evil", b"x"), "its path leaves the destination"),
        (
            entry("up", kind=tarfile.SYMTYPE, link="/etc"),
            "refusing the link 'up' -> '/etc': it points outside",
        ),
        (
            entry("in", kind=tarfile.SYMTYPE, link="sub/../fine.txt"),
            "refusing the link 'in' -> 'sub/../fine.txt'",
        ),
        (
            entry("hard", kind=tarfile.LNKTYPE, link="../x"),
            "refusing the link 'hard' -> '../x': it points outside",
        ),
        (
            entry("pipe", kind=tarfile.FIFOTYPE),
            "refusing the special file 'pipe' \\(device or fifo\\)",
        ),
        (entry("dev", kind=tarfile.CHRTYPE), "refusing the special file 'dev'"),
    ],
    ids=[
        "absolute",
        "windows-root",
        "windows-drive",
        "windows-dotdot",
        "link-absolute",
        "link-dotdot-inside",
        "hardlink-up",
        "fifo",
        "device",
    ],
)
def test_each_refusal_says_which_member_and_why_and_nothing_is_written(
    tmp_path: Path, refused: Entry, message: str
) -> None:
    archive = tar(tmp_path / "a.tar", entry("fine.txt", b"ok"), refused)
    dest = tmp_path / "dest"

    with pytest.raises(UnsafeArchiveError, match=message):
        safe_extract(archive, dest)
    assert list(dest.iterdir()) == []


def test_a_member_behind_a_link_is_refused_by_name(tmp_path: Path) -> None:
    archive = tar(
        tmp_path / "a.tar",
        entry("d", kind=tarfile.SYMTYPE, link="sub"),
        entry("d/through", b"x"),
    )

    with pytest.raises(
        UnsafeArchiveError, match="refusing the member 'd/through': it lies behind a link"
    ):
        safe_extract(archive, tmp_path / "dest")


@pytest.mark.parametrize(
    "entries",
    [
        [entry("copy.txt", kind=tarfile.LNKTYPE, link="missing.txt")],
        [entry("copy.txt", kind=tarfile.LNKTYPE, link="later.txt"), entry("later.txt", b"x")],
    ],
    ids=["missing", "later"],
)
def test_a_hard_link_to_no_earlier_member_is_refused_before_anything_is_written(
    tmp_path: Path, entries: list[Entry]
) -> None:
    """Its bytes would come from that member: an archive without it is refused whole."""
    archive = tar(tmp_path / "a.tar", entry("fine.txt", b"ok"), *entries)
    dest = tmp_path / "dest"

    with pytest.raises(
        UnsafeArchiveError,
        match=r"the link 'copy\.txt' -> '(missing|later)\.txt': no file before it",
    ):
        safe_extract(archive, dest)
    assert list(dest.iterdir()) == []


def test_a_zip_past_max_extract_bytes_is_refused_before_anything_is_written(
    tmp_path: Path,
) -> None:
    """Each member within the limit, together past it: the sizes the archive declares
    are added up before the first member is written."""
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("one.bin", os.urandom(3000))
        zipped.writestr("two.bin", os.urandom(3000))
    dest = tmp_path / "dest"

    with pytest.raises(ArchiveLimitError, match="unpacks to 6000 bytes, more than max_extract"):
        safe_extract(archive, dest, Limits(max_extract_bytes=5000))
    assert list(dest.iterdir()) == []


def test_a_file_that_is_no_archive_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "notes.txt"
    archive.write_text("just text")

    with pytest.raises(InvalidArgumentError) as raised:
        safe_extract(archive, tmp_path / "dest")
    assert raised.value.argument == "archive"
    assert str(raised.value) == f"{archive} is neither a tar nor a zip archive"


def test_a_download_is_extracted_within_the_clients_limits(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    """Incompressible bytes (no ratio to speak of), over a low ``max_extract_bytes``."""
    archive = tar(tmp_path / "a.tar", entry("random.bin", os.urandom(5000)))
    httpserver.expect_request(PATH).respond_with_data(
        archive.read_bytes(), content_type="application/x-tar"
    )
    settings = Settings(
        host_url=httpserver.url_for("/"), access_key="k", limits=Limits(max_extract_bytes=4096)
    )
    dest = tmp_path / "dest"

    with (
        Pipeline(settings) as transport,
        pytest.raises(ArchiveLimitError, match="max_extract_bytes"),
    ):
        download_to_dir(transport, results_request(), dest, extract=True)
    assert list(dest.iterdir()) == []


def test_a_large_member_is_copied_in_bounded_memory(tmp_path: Path) -> None:
    """A member is written a MiB at a time, never read whole: 32 MiB pass through a few."""
    size = 32 << 20
    archive = tmp_path / "big.tar"
    with tarfile.open(archive, "w") as packed:
        info = tarfile.TarInfo("big.bin")
        info.size = size
        packed.addfile(info, io.BytesIO(bytes(size)))
    dest = tmp_path / "dest"

    tracemalloc.start()
    try:
        safe_extract(archive, dest)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert (dest / "big.bin").stat().st_size == size
    assert peak < 8 << 20
