"""workbook.xml, its relationships and [Content_Types].xml: the package's table of contents.

``_Workbook`` finds sheets by name (case-insensitively, as Excel does), resolves each to its
part, reads the date system (1900/1904), and makes the few edits write-back needs: append a
sheet, add or remove a relationship, ask for a full recalculation on load, widen a sheet's
``_xlnm._FilterDatabase`` along with its AutoFilter.
``_ContentTypes`` adds and removes overrides. Both keep their edits in memory and write a part
back (``flush``) only when it changed, so an unchanged part keeps its original bytes.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from urllib.parse import unquote

from lxml import etree

from .cells import column_letter
from .package import _Package
from .types import DefinedName, PatchError
from .xml import CT_NS, PKG_REL_NS, REL_NS, _children, _local, _parse, _serialize, _split_range


def _resolve_target(base_dir: str, target: str) -> str:
    target = unquote(target)
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base_dir, target))


def _rels_part(part: str) -> str:
    d, f = posixpath.split(part)
    return posixpath.join(d, "_rels", f + ".rels")


@dataclass
class _Sheet:
    name: str
    sheet_id: str
    rid: str
    part: str | None
    rel_type: str


class _Workbook:
    """workbook.xml and its relationships: sheets, parts, date system; edits are kept in memory."""

    def __init__(self, pkg: _Package):
        self.pkg = pkg
        root_rels = pkg.get("_rels/.rels")
        part = None
        if root_rels is not None:
            for rel in _parse(root_rels, "_rels/.rels").getroot():
                if (rel.get("Type") or "").endswith("/officeDocument") and rel.get("TargetMode") != "External":
                    part = _resolve_target("", rel.get("Target", ""))
                    break
        self.part = pkg.actual(part or "xl/workbook.xml")
        data = pkg.get(self.part) if self.part else None
        if data is None:
            raise PatchError("工作簿缺少 workbook.xml，不是有效的 Excel 文件")
        self.original = data
        self.tree = _parse(data, self.part)
        self.root = self.tree.getroot()
        self.ns = etree.QName(self.root).namespace or ""
        self.dir = posixpath.dirname(self.part)
        self.rels_part = pkg.actual(_rels_part(self.part)) or _rels_part(self.part)
        rels_data = pkg.get(self.rels_part)
        if rels_data is None:
            raise PatchError("工作簿缺少 workbook.xml.rels，不是有效的 Excel 文件")
        self.rels_original = rels_data
        self.rels_tree = _parse(rels_data, self.rels_part)
        self.rels: dict[str, tuple[str, str | None]] = {}
        for rel in self.rels_tree.getroot():
            if not isinstance(rel.tag, str):
                continue
            external = rel.get("TargetMode") == "External"
            target = None if external else pkg.actual(_resolve_target(self.dir, rel.get("Target", "")))
            if target is None and not external:
                target = _resolve_target(self.dir, rel.get("Target", ""))
            self.rels[rel.get("Id", "")] = (rel.get("Type", ""), target)
        self.sheets_el = self._child("sheets")
        if self.sheets_el is None:
            raise PatchError("workbook.xml 中没有工作表列表，文件已损坏")
        self.sheets: list[_Sheet] = []
        self.r_ns = REL_NS
        for el in _children(self.sheets_el, "sheet"):
            rid = ""
            for k, v in el.attrib.items():
                if etree.QName(k).localname == "id" and etree.QName(k).namespace:
                    rid, self.r_ns = v, etree.QName(k).namespace
            rel_type, target = self.rels.get(rid, ("", None))
            self.sheets.append(_Sheet(el.get("name", ""), el.get("sheetId", ""), rid, target, rel_type))
        pr = self._child("workbookPr")
        self.date1904 = pr is not None and pr.get("date1904") in ("1", "true")
        self.changed = self.rels_changed = False

    def _child(self, name: str) -> etree._Element | None:
        return self.root.find(f"{{{self.ns}}}{name}" if self.ns else name)

    def find(self, name: str) -> _Sheet | None:
        key = name.casefold()
        return next((s for s in self.sheets if s.name.casefold() == key), None)

    def rel_part(self, type_suffix: str) -> tuple[str, str] | None:
        for rid, (rtype, target) in self.rels.items():
            if rtype.endswith(type_suffix) and target:
                return rid, target
        return None

    def worksheet_rel_type(self) -> str:
        for s in self.sheets:
            if s.rel_type.endswith("/worksheet"):
                return s.rel_type
        return REL_NS + "/worksheet"

    def add_relationship(self, rel_type: str, target_part: str) -> str:
        used = set(self.rels)
        nums = [int(r[3:]) for r in used if r.startswith("rId") and r[3:].isdigit()]
        n = max(nums, default=0) + 1
        while f"rId{n}" in used:
            n += 1
        rid = f"rId{n}"
        root = self.rels_tree.getroot()
        rel = root.makeelement(f"{{{PKG_REL_NS}}}Relationship",
                               {"Id": rid, "Type": rel_type,
                                "Target": posixpath.relpath(target_part, self.dir or ".")})
        last = _children(root, "Relationship")
        if last:
            last[-1].addnext(rel)
        else:
            root.append(rel)
        self.rels[rid] = (rel_type, target_part)
        self.rels_changed = True
        return rid

    def remove_relationship(self, rid: str) -> None:
        for rel in self.rels_tree.getroot():
            if isinstance(rel.tag, str) and rel.get("Id") == rid:
                rel.getparent().remove(rel)
                self.rels.pop(rid, None)
                self.rels_changed = True
                return

    def append_sheet(self, name: str, rid: str, rel_type: str, part: str) -> _Sheet:
        ids = [int(s.sheet_id) for s in self.sheets if s.sheet_id.isdigit()]
        sheet_id = str(max(ids, default=0) + 1)
        declared = self.r_ns in self.sheets_el.nsmap.values()
        el = self.sheets_el.makeelement(f"{{{self.ns}}}sheet" if self.ns else "sheet",
                                        {"name": name, "sheetId": sheet_id, f"{{{self.r_ns}}}id": rid},
                                        nsmap=None if declared else {"r": self.r_ns})
        existing = _children(self.sheets_el, "sheet")
        if existing:
            existing[-1].addnext(el)
        else:
            self.sheets_el.append(el)
        sheet = _Sheet(name, sheet_id, rid, part, rel_type)
        self.sheets.append(sheet)
        self.changed = True
        return sheet

    # CT_Workbook children that follow <definedNames>, in schema order
    _AFTER_DEFINED_NAMES = ("calcPr", "oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr",
                            "smartTagTypes", "webPublishing", "fileRecoveryPr", "webPublishObjects", "extLst")

    def defined_names(self) -> list[DefinedName]:
        """Every defined name, its scope resolved to a sheet name."""
        el = self._child("definedNames")
        names = [s.name for s in self.sheets]
        found = []
        for d in _children(el, "definedName") if el is not None else ():
            local = d.get("localSheetId")
            sheet = names[int(local)] if local is not None and local.isdigit() and int(local) < len(names) else None
            found.append(DefinedName(d.get("name", ""), sheet, (d.text or "").strip(), d.get("hidden") in ("1", "true")))
        return found

    def set_defined_name(self, dn: DefinedName) -> None:
        """Add `dn`, or point an existing name of the same scope at dn.ref (no change: no edit)."""
        local = None
        if dn.sheet is not None:
            target = self.find(dn.sheet)
            if target is None:
                raise PatchError(f"工作簿中没有名为“{dn.sheet}”的工作表")
            local = str(self.sheets.index(target))
        container = self._child("definedNames")
        if container is None:
            container = self.root.makeelement(f"{{{self.ns}}}definedNames" if self.ns else "definedNames", {})
            for child in self.root:
                if _local(child) in self._AFTER_DEFINED_NAMES:
                    child.addprevious(container)
                    break
            else:
                self.root.append(container)
        for d in _children(container, "definedName"):
            if d.get("name", "").casefold() == dn.name.casefold() and d.get("localSheetId") == local:
                if (d.text or "").strip() != dn.ref:
                    d.text = dn.ref
                    self.changed = True
                return
        attrib = {"name": dn.name}
        if local is not None:
            attrib["localSheetId"] = local
        if dn.hidden:
            attrib["hidden"] = "1"
        el = container.makeelement(f"{{{self.ns}}}definedName" if self.ns else "definedName", attrib)
        el.text = dn.ref
        container.append(el)
        self.changed = True

    def request_full_calc(self) -> None:
        calc = self._child("calcPr")
        if calc is None:
            later = ("oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes",
                     "webPublishing", "fileRecoveryPr", "webPublishObjects", "extLst")
            calc = self.root.makeelement(f"{{{self.ns}}}calcPr" if self.ns else "calcPr", {})
            for child in self.root:
                if _local(child) in later:
                    child.addprevious(calc)
                    break
            else:
                self.root.append(calc)
        if calc.get("fullCalcOnLoad") not in ("1", "true"):
            calc.set("fullCalcOnLoad", "1")
            self.changed = True

    def widen_filter_database(self, sheet: _Sheet, old: tuple[int, int, int, int],
                              new: tuple[int, int, int, int]) -> None:
        """Widen the sheet's hidden ``_xlnm._FilterDatabase`` name from `old` to `new` (bounds as
        (min_row, min_col, max_row, max_col)) when it names exactly `old`: Excel keeps it equal to
        the sheet's AutoFilter range."""
        names = self._child("definedNames")
        if names is None or sheet not in self.sheets:
            return
        index = str(self.sheets.index(sheet))
        for el in _children(names, "definedName"):
            if el.get("name", "").casefold() != "_xlnm._filterdatabase" or el.get("localSheetId") != index:
                continue
            prefix, bang, ref = (el.text or "").rpartition("!")
            if bang and _split_range(ref.replace("$", "")) == old:
                r0, c0, r1, c1 = new
                el.text = f"{prefix}!${column_letter(c0)}${r0}:${column_letter(c1)}${r1}"
                self.changed = True

    def flush(self) -> None:
        if self.changed:
            self.pkg.set(self.part, _serialize(self.tree, self.original))
        if self.rels_changed:
            self.pkg.set(self.rels_part, _serialize(self.rels_tree, self.rels_original))


class _ContentTypes:
    """[Content_Types].xml, parsed only when an override must be added or removed."""

    PART = "[Content_Types].xml"

    def __init__(self, pkg: _Package):
        self.pkg = pkg
        self.tree: etree._ElementTree | None = None

    def _root(self) -> etree._Element:
        if self.tree is None:
            data = self.pkg.get(self.PART)
            if data is None:
                raise PatchError("工作簿缺少 [Content_Types].xml，不是有效的 Excel 文件")
            self.original = data
            self.tree = _parse(data, self.PART)
        return self.tree.getroot()

    def add_override(self, part: str, content_type: str) -> None:
        root = self._root()
        el = root.makeelement(f"{{{CT_NS}}}Override", {"PartName": "/" + part, "ContentType": content_type})
        root.append(el)

    def remove_override(self, part: str) -> None:
        root = self._root()
        for el in list(root):
            if _local(el) == "Override" and (el.get("PartName") or "").lstrip("/").lower() == part.lower():
                root.remove(el)

    def flush(self) -> None:
        if self.tree is not None:
            self.pkg.set(self.PART, _serialize(self.tree, self.original))

