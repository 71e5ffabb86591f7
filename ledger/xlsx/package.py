"""The zip package of a workbook: parts read lazily, edited in memory, written back untouched.

A part that write-back does not change is never inflated, parsed or re-deflated: its compressed
bytes are appended to the new zip as they were, with the same name, order, timestamp and
compression method, so drawings, images, VBA projects and anything else we do not understand
survive exactly. Only changed and added parts, and the rare entry stored with an unusual
compression method, are compressed afresh. OPC part names are case-insensitive, so lookups go
through :meth:`_Package.actual`.

A big changed part (the task sheet: 60 MB of XML at 50,000 rows) need not exist whole in memory:
it is produced piece by piece into a :class:`_PartWriter`, which deflates as it goes, and its
compressed bytes are written to the new zip as they stand — the same bytes ``writestr`` would
have made of the joined part.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

from .types import PatchError

_BIG_PART = 2_000_000     # a changed part larger than this is deflated at level 1 (speed first)
_BLOCK = 1 << 20          # raw copies of unchanged entries go in blocks of this size


class _Package:
    """The zip entries of a workbook: read lazily, changed/added/removed in memory, then written."""

    def __init__(self, path: Path):
        try:
            self.zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as exc:
            raise PatchError(f"“{path.name}”不是有效的 Excel 工作簿（.xlsx/.xlsm），可能已加密或损坏（{exc}）") from None
        self.path = path
        self.infos = self.zf.infolist()
        self.names = {i.filename: i for i in self.infos}
        if len(self.names) != len(self.infos):
            self.zf.close()
            raise PatchError(f"“{path.name}”的压缩包内有重名文件，结构异常，已拒绝处理")
        self.lower = {n.lower(): n for n in self.names}
        self.cache: dict[str, bytes] = {}
        self.changed: dict[str, bytes | _PartWriter] = {}
        self.added: dict[str, bytes] = {}
        self.removed: set[str] = set()

    def close(self) -> None:
        self.zf.close()

    def actual(self, name: str) -> str | None:
        """The stored entry name for a part name (OPC part names are case-insensitive)."""
        name = name.lstrip("/")
        if name in self.added:
            return name
        hit = name if name in self.names else self.lower.get(name.lower())
        return None if hit in self.removed else hit

    def get(self, name: str) -> bytes | None:
        actual = self.actual(name)
        if actual is None:
            return None
        if actual in self.added:
            return self.added[actual]
        if actual in self.changed:
            data = self.changed[actual]
            return data.inflate() if isinstance(data, _PartWriter) else data
        if actual not in self.cache:
            try:
                self.cache[actual] = _inflate(self.zf, self.names[actual])
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as exc:
                raise PatchError(f"无法读取工作簿内部文件 {actual}（{exc}），文件可能已损坏或加密") from None
        return self.cache[actual]

    def set(self, name: str, data: bytes | _PartWriter) -> None:
        """Replace or add a part: its bytes, or a closed _PartWriter (existing parts only)."""
        actual = self.actual(name) or name
        if isinstance(data, _PartWriter) and actual not in self.names:
            data = data.inflate()
        if actual in self.added:
            self.added[actual] = data
        elif actual in self.names:
            self.changed[actual] = data
            self.cache.pop(actual, None)          # the original is not needed any more
        else:
            self.added[actual] = data
            self.lower[actual.lower()] = actual

    def remove(self, name: str) -> None:
        actual = self.actual(name)
        if actual is not None:
            self.added.pop(actual, None)
            self.removed.add(actual)

    def write(self, dst: Path) -> None:
        """Write the package: unchanged entries as their original compressed bytes, in order."""
        with zipfile.ZipFile(dst, "w", allowZip64=True) as out, open(self.path, "rb") as raw:
            out.comment = self.zf.comment
            for info in self.infos:
                name = info.filename
                if name in self.removed:
                    continue
                if name in self.changed:
                    data = self.changed[name]
                    if isinstance(data, _PartWriter):
                        data.write_entry(out, self._info(info, zipfile.ZIP_DEFLATED))
                    else:
                        out.writestr(self._info(info, zipfile.ZIP_DEFLATED), data,
                                     compresslevel=1 if len(data) > _BIG_PART else None)
                elif not copy_raw(raw, info, out):
                    out.writestr(self._info(info, info.compress_type), self.get(name))
                self.cache.pop(name, None)
            for name, data in self.added.items():
                zi = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
                zi.compress_type = zipfile.ZIP_DEFLATED
                zi.external_attr = 0o600 << 16
                out.writestr(zi, data)

    @staticmethod
    def _info(info: zipfile.ZipInfo, compress_type: int) -> zipfile.ZipInfo:
        zi = zipfile.ZipInfo(info.filename, info.date_time)
        zi.compress_type = compress_type
        zi.external_attr = info.external_attr
        zi.create_system = info.create_system
        zi.comment = info.comment
        return zi


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """An entry's bytes, inflated a block at a time into one growing buffer. ``zf.read()`` holds a
    big part twice at its peak (zlib's output blocks, then their join); BytesIO grows in place
    and ``getvalue()`` hands over its buffer without a copy (CPython)."""
    buf = io.BytesIO()
    with zf.open(info) as f:
        while block := f.read(_BLOCK):
            buf.write(block)
    return buf.getvalue()


class _PartWriter:
    """A changed part, deflated while it is produced so that it never exists whole in memory.

    The producer adds pieces (bytes, or memoryviews of the original part) with ``append`` /
    ``extend`` and calls ``pump`` between rows; ``close`` returns what to hand to
    :meth:`_Package.set`. The zip entry comes out byte for byte as ``ZipFile.writestr`` of the
    joined part would make it (deflate's output does not depend on how its input is split):
    a part of up to _BIG_PART bytes is returned as plain bytes and stored like any other
    changed part; a larger one is deflated at level 1, as :meth:`_Package.write` does with big
    parts, and ``close`` returns the writer itself, holding only the compressed bytes.
    """

    def __init__(self) -> None:
        self._pending: list = []
        self.append = self._pending.append
        self.extend = self._pending.extend
        self._plain: list[bytes] = []            # taken in, not deflated: the part may stay small
        self._plain_size = 0
        self._deflate = None
        self.payload: list[bytes] = []
        self.size = self.crc = self.compressed_size = 0

    def pump(self) -> None:
        """Take in what has been added so far, once there is enough of it."""
        if len(self._pending) >= 1024:
            self._take(b"".join(self._pending))
            self._pending.clear()

    def close(self) -> bytes | _PartWriter:
        if self._pending:
            self._take(b"".join(self._pending))
            self._pending.clear()
        if self._deflate is None:
            data = b"".join(self._plain)
            self._plain.clear()
            return data
        self.payload.append(self._deflate.flush())
        self.compressed_size = sum(map(len, self.payload))
        return self

    def _take(self, chunk: bytes) -> None:
        if self._deflate is None:
            self._plain.append(chunk)
            self._plain_size += len(chunk)
            if self._plain_size <= _BIG_PART:
                return
            self._deflate = zlib.compressobj(1, zlib.DEFLATED, -15)     # what writestr uses
            chunks, self._plain = self._plain, []
        else:
            chunks = [chunk]
        for c in chunks:
            self.crc = zlib.crc32(c, self.crc)
            self.size += len(c)
            self.payload.append(self._deflate.compress(c))

    def inflate(self) -> bytes:
        """The whole part (for the rare reader of a part after it was written)."""
        return zlib.decompress(b"".join(self.payload), -15)

    def write_entry(self, out: zipfile.ZipFile, zi: zipfile.ZipInfo) -> None:
        """Append the part to `out` as the entry `zi` (what writestr sets up, then raw bytes)."""
        zi.flag_bits = 0
        if not zi.external_attr:
            zi.external_attr = 0o600 << 16
        zi.CRC, zi.file_size, zi.compress_size = self.crc, self.size, self.compressed_size
        zip64 = self.size * 1.05 > zipfile.ZIP64_LIMIT or self.compressed_size > zipfile.ZIP64_LIMIT
        _append_entry(out, zi, self.payload, zip64)


def _append_entry(out: zipfile.ZipFile, zi: zipfile.ZipInfo, chunks, zip64: bool | None = None) -> None:
    """Write an entry whose compressed bytes, CRC and sizes are known: local header, then the
    bytes. Uses zipfile's documented ZipInfo fields plus its (long-stable) bookkeeping attributes."""
    fp = out.fp
    fp.seek(out.start_dir)
    zi.header_offset = fp.tell()
    fp.write(zi.FileHeader(zip64))
    for chunk in chunks:
        fp.write(chunk)
    out.start_dir = fp.tell()
    out.filelist.append(zi)
    out.NameToInfo[zi.filename] = zi
    out._didModify = True


_LOCAL_HEADER = struct.Struct("<4s5H3L2H")


def copy_raw(raw, info: zipfile.ZipInfo, out: zipfile.ZipFile, date_time: tuple | None = None) -> bool:
    """Append one entry's compressed bytes to `out` unchanged (no inflate/deflate round trip),
    with its own date or `date_time`.

    Returns False, having written nothing, when the entry is unusual (encrypted, exotic method)
    so the caller falls back to an ordinary writestr().
    """
    if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) \
            or not hasattr(out, "start_dir") or getattr(out, "_writing", False):
        return False
    raw.seek(info.header_offset)
    header = raw.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size:
        return False
    fields = _LOCAL_HEADER.unpack(header)
    if fields[0] != b"PK\x03\x04":
        return False
    start = info.header_offset + _LOCAL_HEADER.size + fields[9] + fields[10]
    raw.seek(0, 2)
    if raw.tell() < start + info.compress_size:
        return False
    zi = zipfile.ZipInfo(info.filename, date_time or info.date_time)
    zi.compress_type = info.compress_type
    zi.external_attr = info.external_attr
    zi.create_system = info.create_system
    zi.comment = info.comment
    zi.CRC, zi.compress_size, zi.file_size = info.CRC, info.compress_size, info.file_size
    zi.flag_bits = info.flag_bits & 0x800         # keep only the UTF-8 name flag
    _append_entry(out, zi, _read_blocks(raw, start, info.compress_size))
    return True


def _read_blocks(raw, start: int, size: int):
    """`size` bytes of `raw` from `start`, a block at a time (a big image is never read whole)."""
    raw.seek(start)
    while size > 0:
        block = raw.read(min(size, _BLOCK))
        if not block:
            raise PatchError("工作簿在读取过程中被截断，文件可能正在被其他程序修改")
        size -= len(block)
        yield block
