"""CRC-32 helpers: the fastest crc32 installed, the digest format the upload API speaks,
and ``crc32_combine``.

An upload hashes every byte it sends, so the crc32 runs at the speed of the wire. zlib's
(the standard library's) does about 1.5-3.8 GiB/s per core; zlib-ng's, installed with the
``speedups`` extra, about 19 GiB/s (docs/performance.md). ``crc32`` is zlib-ng's when it is
installed and zlib's otherwise: both compute the same CRC-32 (the wire wants CRC-32, not
CRC-32C). It is picked on first use, so importing this module loads neither.

``zlib`` has ``crc32_combine`` in C but Python does not expose it. With it, the crc32 of a
whole file follows from the crc32 of its parts, so an upload that hashes each part as it
sends it knows the file's digest without reading the file a second time.
"""

from __future__ import annotations

import functools
import importlib
import zlib
from collections.abc import Callable, Iterable
from typing import cast

Crc32 = Callable[[bytes | memoryview, int], int]

_POLY = 0xEDB88320  # the reflected CRC-32 polynomial of zlib, gzip and the upload API


@functools.cache
def fast_crc32() -> Crc32:
    """zlib-ng's crc32 when the ``speedups`` extra is installed, else zlib's."""
    try:
        module = importlib.import_module("zlib_ng.zlib_ng")
    except ImportError:
        return zlib.crc32
    return cast(Crc32, module.crc32)


def crc32(data: bytes | memoryview, value: int = 0) -> int:
    """The crc32 of ``data``, continuing from ``value`` (as ``zlib.crc32``)."""
    return fast_crc32()(data, value)


def _multmodp(a: int, b: int) -> int:
    """``a * b`` modulo the CRC polynomial (both reflected), as zlib's ``multmodp``."""
    m = 1 << 31
    product = 0
    while True:
        if a & m:
            product ^= b
            if a & (m - 1) == 0:
                return product
        m >>= 1
        b = (b >> 1) ^ _POLY if b & 1 else b >> 1


def _powers() -> tuple[int, ...]:
    """``x**(2**k)`` modulo the polynomial, for k in 0..31: 31 multiplications, made once
    per part size (``_x8nmodp`` caches its answers), none at import."""
    powers = [1 << 30]  # x**1, reflected
    for _ in range(31):
        powers.append(_multmodp(powers[-1], powers[-1]))
    return tuple(powers)


@functools.lru_cache(maxsize=64)
def _x8nmodp(n: int) -> int:
    """``x**(8 * n)`` modulo the polynomial: the shift of ``n`` zero bytes.

    Cached: the parts of a file but the last all have one size, so combining the crc32 of
    many parts costs one multiplication per part.
    """
    power, k = 1 << 31, 3  # x**0; 8 * n == n * 2**3
    powers = _powers()
    while n:
        if n & 1:
            power = _multmodp(powers[k & 31], power)
        n >>= 1
        k += 1
    return power


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """The crc32 of ``A + B`` from ``crc32(A)``, ``crc32(B)`` and ``len(B)``."""
    return _multmodp(_x8nmodp(len2), crc1) ^ (crc2 & 0xFFFFFFFF)


def crc32_of_parts(parts: Iterable[tuple[int, int]]) -> int:
    """The crc32 of consecutive parts given as ``(crc32, size)`` pairs, in order."""
    crc = 0
    for part_crc, size in parts:
        crc = crc32_combine(crc, part_crc, size)
    return crc


def crc_hex(crc: int) -> str:
    """The wire form of a digest: eight lowercase hex digits (``"0000002a"``)."""
    return format(crc & 0xFFFFFFFF, "08x")
