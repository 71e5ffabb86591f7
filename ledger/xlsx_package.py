"""The zip package of a workbook: parts read lazily, edited in memory, written back untouched.

A part that write-back does not change is never inflated, parsed or re-deflated: its compressed
bytes are appended to the new zip as they were, with the same name, order, timestamp and
compression method, so drawings, images, VBA projects and anything else we do not understand
survive exactly. Only changed and added parts, and the rare entry stored with an unusual
compression method, are compressed afresh. OPC part names are case-insensitive, so lookups go
through :meth:`_Package.actual`.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

from .xlsx_types import PatchError


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
        self.changed: dict[str, bytes] = {}
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
            return self.changed[actual]
        if actual not in self.cache:
            try:
                self.cache[actual] = self.zf.read(self.names[actual])
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as exc:
                raise PatchError(f"无法读取工作簿内部文件 {actual}（{exc}），文件可能已损坏或加密") from None
        return self.cache[actual]

    def set(self, name: str, data: bytes) -> None:
        actual = self.actual(name) or name
        if actual in self.added:
            self.added[actual] = data
        elif actual in self.names:
            self.changed[actual] = data
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
                    out.writestr(self._info(info, zipfile.ZIP_DEFLATED), data,
                                 compresslevel=1 if len(data) > 2_000_000 else None)
                elif not _copy_raw(raw, info, out):
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


_LOCAL_HEADER = struct.Struct("<4s5H3L2H")


def _copy_raw(raw, info: zipfile.ZipInfo, out: zipfile.ZipFile) -> bool:
    """Append one entry's compressed bytes to `out` unchanged (no inflate/deflate round trip).

    Uses zipfile's documented ZipInfo fields plus its (long-stable) bookkeeping attributes;
    returns False, having written nothing, when the entry is unusual (encrypted, exotic method)
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
    raw.seek(info.header_offset + _LOCAL_HEADER.size + fields[9] + fields[10])
    payload = raw.read(info.compress_size)
    if len(payload) != info.compress_size:
        return False
    zi = zipfile.ZipInfo(info.filename, info.date_time)
    zi.compress_type = info.compress_type
    zi.external_attr = info.external_attr
    zi.create_system = info.create_system
    zi.comment = info.comment
    zi.CRC, zi.compress_size, zi.file_size = info.CRC, info.compress_size, info.file_size
    zi.flag_bits = info.flag_bits & 0x800         # keep only the UTF-8 name flag
    fp = out.fp
    fp.seek(out.start_dir)
    zi.header_offset = fp.tell()
    fp.write(zi.FileHeader())
    fp.write(payload)
    out.start_dir = fp.tell()
    out.filelist.append(zi)
    out.NameToInfo[zi.filename] = zi
    out._didModify = True
    return True

