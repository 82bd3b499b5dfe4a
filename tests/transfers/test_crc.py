"""The crc32 of uploads: zlib-ng's when the ``speedups`` extra is installed, else zlib's,
with the same values either way (the wire wants CRC-32, which both compute)."""

from __future__ import annotations

import random
import sys
import zlib
from collections.abc import Iterator

import pytest

from sambastudio.transfers import crc as _crc

DATA = random.Random(16).randbytes(3 * 100_003)


@pytest.fixture
def fresh_choice() -> Iterator[None]:
    """Each test picks the implementation again, and leaves no choice of its own behind."""
    _crc.fast_crc32.cache_clear()
    yield
    _crc.fast_crc32.cache_clear()


def _crc_in_blocks(data: bytes, size: int) -> int:
    value = 0
    for start in range(0, len(data), size):
        value = _crc.crc32(memoryview(data)[start : start + size], value)
    return value


@pytest.mark.usefixtures("fresh_choice")
def test_zlib_ng_is_used_when_installed_and_agrees_with_zlib() -> None:
    zlib_ng = pytest.importorskip("zlib_ng.zlib_ng")  # in the dev extra

    assert _crc.fast_crc32() is zlib_ng.crc32
    assert _crc.crc32(DATA) == zlib.crc32(DATA)
    assert _crc_in_blocks(DATA, 65_537) == zlib.crc32(DATA)
    assert _crc.crc32(b"") == 0
    assert _crc.crc32(b"c", zlib.crc32(b"ab")) == zlib.crc32(b"abc")


@pytest.mark.usefixtures("fresh_choice")
def test_zlib_is_the_fallback_when_zlib_ng_is_absent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "zlib_ng", None)  # an import of it raises ImportError
    monkeypatch.setitem(sys.modules, "zlib_ng.zlib_ng", None)

    assert _crc.fast_crc32() is zlib.crc32
    assert _crc_in_blocks(DATA, 65_537) == zlib.crc32(DATA)


@pytest.mark.parametrize("size", [1, 3, 1000, 65_537, 3 * (1 << 20) + 5])
def test_combining_agrees_with_zlib_for_a_part_size_not_seen_before(size: int) -> None:
    """The shift of ``size`` bytes is computed anew, not read from the cache an earlier test
    filled: from one byte to megabytes, it takes the powers of the table in turn."""
    _crc._x8nmodp.cache_clear()
    head = DATA[:1000]
    tail = (DATA * (size // len(DATA) + 1))[:size]
    combined = _crc.crc32_combine(zlib.crc32(head), zlib.crc32(tail), size)
    assert combined == zlib.crc32(head + tail)
