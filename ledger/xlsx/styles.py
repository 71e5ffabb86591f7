"""Cell values and styles as SpreadsheetML, for :mod:`ledger.xlsx.patch`.

``CellRenderer`` turns a value and a style key into the XML text of one ``<c>`` element:
strings become inline strings (``sharedStrings.xml`` is never touched; ``=1+1`` stays text),
dates become serial numbers of the workbook's date system with the ``date`` format, control
characters XML 1.0 cannot carry become ``_xHHHH_`` escapes (decoded by Excel and calamine; lone
surrogates and U+FFFE/U+FFFF, which carry no text, become U+FFFD), a literal ``_xHHHH_`` in the
text is escaped as ``_x005F_xHHHH_`` so it is not mistaken for one, and text longer than Excel's
32,767-character cell limit is cut there.

``StyleBook`` appends the few cell styles the tool writes to a workbook's ``xl/styles.xml``.
Only what a style needs is appended (a number format, a font, a fill, a border, a cell format);
nothing already in the style sheet is changed, re-ordered or renumbered, so every existing
``s="…"`` index in the workbook keeps its meaning. Before appending,
an identical entry is searched for and reused: a second run over its own output (or over the
same file after Excel re-saved it) does not grow the style sheet.

Style keys (combine with ``+``, e.g. ``"fill_FFFF7C80+wrap"``):

``date``   number format ``yyyy-mm-dd``
``header`` bold, light grey fill, thin border, centred and wrapped — visibly a generated header
``fill_AARRGGBB``  solid fill of that colour, default (dark) text — the ledger's colours are named
           where its vocabulary lives (``Color.fill``, ``State.fill`` in ``ledger.core.schema``)
``wrap``   wrap text, top aligned
``quote``  quotePrefix: Excel/WPS keep text such as ``=1+1`` as text even after the cell is edited
``keep``   the cell is the clerk's (e.g. 进展情况 filled from a unit's 反馈表): the engines keep the
           format of the cell being replaced — borders, font, fill, alignment — adding only what
           the value needs (a date format when the cell has none, ``quote``); other keys are used
           only when there was no cell
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
from dataclasses import dataclass, field

from lxml import etree

DATE_FORMAT = "yyyy-mm-dd"
_ARGB = re.compile(r"[0-9A-Fa-f]{8}")
KEEP = "keep"
_BUILTIN_DATE_FORMATS = frozenset({*range(14, 23), *range(27, 37), *range(50, 59)})
_FORMAT_NOISE = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
HEADER_FILL = "FFD9D9D9"
FIRST_CUSTOM_NUMFMT = 164

# Required child order of <styleSheet> (ECMA-376 CT_Stylesheet).
_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles",
          "dxfs", "tableStyles", "colors", "extLst")


@dataclass
class _Spec:
    """What one style key combination asks for."""

    numfmt: str | None = None
    bold: bool = False
    fill: str | None = None          # ARGB of a solid fill
    border: bool = False             # thin border on four sides
    alignment: dict[str, str] = field(default_factory=dict)
    quote: bool = False              # quotePrefix="1"


def _spec_for(key: str) -> _Spec:
    spec = _Spec()
    for part in key.split("+"):
        part = part.strip()
        if part == "date":
            spec.numfmt = DATE_FORMAT
        elif part == "header":
            spec.bold, spec.fill, spec.border = True, HEADER_FILL, True
            spec.alignment.update(horizontal="center", vertical="center", wrapText="1")
        elif part.startswith("fill_") and _ARGB.fullmatch(part[5:]):
            spec.fill = part[5:].upper()
        elif part == "wrap":
            spec.alignment.update(vertical="top", wrapText="1")
        elif part == "quote":
            spec.quote = True
        elif part == KEEP:
            pass
        else:
            raise ValueError(f"unknown style key {part!r} in {key!r}")
    return spec


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _canon(el: etree._Element) -> tuple:
    """Order-insensitive structural identity of a style element (ignores white space, prefixes)."""
    attrs = tuple(sorted((k, v) for k, v in el.attrib.items()))
    kids = tuple(sorted(_canon(c) for c in el if isinstance(c.tag, str)))
    return (_local(el), attrs, kids)


def _truthy(value: str | None) -> bool:
    return value in ("1", "true")


class StyleBook:
    """Resolves style keys to ``cellXfs`` indexes of one parsed ``styles.xml``, appending as needed."""

    def __init__(self, root: etree._Element):
        self.root = root
        self.ns = etree.QName(root).namespace or ""
        self.changed = False
        self._memo: dict[str, int] = {}

    # -- public --------------------------------------------------------------------------
    def xf(self, key: str | None) -> int | None:
        """The ``s`` index for a style key; ``None`` for the workbook default (no ``s``)."""
        if not key:
            return None
        key = "+".join(sorted({p.strip() for p in key.split("+") if p.strip()}))
        if key not in self._memo:
            self._memo[key] = self._resolve(_spec_for(key))
        return self._memo[key]

    def kept(self, base: str, key: str | None) -> int:
        """The ``s`` index for a cell that keeps format ``base`` (its old ``s``), with what `key`
        needs for the value: a date format unless the base already shows dates, quotePrefix."""
        memo = f"{base}|{key}"
        if memo in self._memo:
            return self._memo[memo]
        items = self._items(self._container("cellXfs"), "xf")
        try:
            xf = copy.deepcopy(items[int(base)])
        except (ValueError, IndexError):
            return self.xf(key) if key else 0
        xf.tail = None
        spec = _spec_for(key) if key else _Spec()
        if spec.numfmt and not self._shows_dates(xf.get("numFmtId", "0")):
            xf.set("numFmtId", str(self._numfmt_id(spec.numfmt)))
            xf.set("applyNumberFormat", "1")
        if spec.quote:
            xf.set("quotePrefix", "1")
        want = self._xf_identity(xf)
        index = next((i for i, existing in enumerate(items) if self._xf_identity(existing) == want), None)
        if index is None:
            items[-1].addnext(xf)
            items[-1].getparent().set("count", str(len(items) + 1))
            self.changed = True
            index = len(items)
        self._memo[memo] = index
        return index

    def _shows_dates(self, numfmt_id: str) -> bool:
        try:
            nid = int(numfmt_id)
        except ValueError:
            return False
        if nid in _BUILTIN_DATE_FORMATS:
            return True
        container = self.root.find(self._q("numFmts"))
        for nf in self._items(container, "numFmt") if container is not None else ():
            if nf.get("numFmtId") == str(nid):
                code = _FORMAT_NOISE.sub("", nf.get("formatCode") or "")
                return bool(re.search(r"[ydYD年日]", code))
        return False

    # -- helpers -------------------------------------------------------------------------
    def _q(self, name: str) -> str:
        return f"{{{self.ns}}}{name}" if self.ns else name

    def _el(self, name: str, attrib: dict[str, str] | None = None, *children) -> etree._Element:
        el = etree.Element(self._q(name), attrib or {}, nsmap=None)
        for c in children:
            el.append(c)
        return el

    def _container(self, name: str, defaults=()) -> etree._Element:
        """The <name> child of styleSheet, created at its schema position when missing."""
        found = self.root.find(self._q(name))
        if found is not None:
            return found
        el = self._el(name)
        for d in defaults:
            el.append(d)
        el.set("count", str(len(el)))
        later = _ORDER[_ORDER.index(name) + 1:]
        for child in self.root:
            if isinstance(child.tag, str) and _local(child) in later:
                child.addprevious(el)
                break
        else:
            self.root.append(el)
        self.changed = True
        return el

    def _items(self, container: etree._Element, name: str) -> list[etree._Element]:
        return [c for c in container if isinstance(c.tag, str) and _local(c) == name]

    def _find_or_append(self, container_name: str, item: etree._Element, defaults=()) -> int:
        container = self._container(container_name, defaults)
        items = self._items(container, _local(item))
        target = _canon(item)
        for i, existing in enumerate(items):
            if _canon(existing) == target:
                return i
        if items:
            items[-1].addnext(item)
        else:
            container.insert(0, item)
        container.set("count", str(len(items) + 1))
        self.changed = True
        return len(items)

    def _numfmt_id(self, code: str) -> int:
        container = self.root.find(self._q("numFmts"))
        used: set[int] = set()
        if container is not None:
            for nf in self._items(container, "numFmt"):
                try:
                    nid = int(nf.get("numFmtId", ""))
                except ValueError:
                    continue
                used.add(nid)
                if (nf.get("formatCode") or "").replace("\\", "").lower() == code.lower():
                    return nid
        new_id = max([FIRST_CUSTOM_NUMFMT - 1, *used]) + 1
        container = self._container("numFmts")
        items = self._items(container, "numFmt")
        nf = self._el("numFmt", {"numFmtId": str(new_id), "formatCode": code})
        if items:
            items[-1].addnext(nf)
        else:
            container.insert(0, nf)
        container.set("count", str(len(items) + 1))
        self.changed = True
        return new_id

    def _default_font(self) -> etree._Element:
        return self._el("font", {}, self._el("sz", {"val": "11"}), self._el("name", {"val": "宋体"}),
                        self._el("charset", {"val": "134"}))

    def _font_id(self, bold: bool) -> int:
        fonts = self._container("fonts", [self._default_font()])
        if not bold:
            return 0
        base = self._items(fonts, "font")
        font = copy.deepcopy(base[0]) if base else self._default_font()
        font.tail = None
        for b in [c for c in font if isinstance(c.tag, str) and _local(c) == "b"]:
            font.remove(b)
        font.insert(0, self._el("b"))
        return self._find_or_append("fonts", font)

    def _fill_id(self, argb: str | None) -> int:
        defaults = [self._el("fill", {}, self._el("patternFill", {"patternType": "none"})),
                    self._el("fill", {}, self._el("patternFill", {"patternType": "gray125"}))]
        if argb is None:
            self._container("fills", defaults)
            return 0
        fill = self._el("fill", {}, self._el(
            "patternFill", {"patternType": "solid"},
            self._el("fgColor", {"rgb": argb}), self._el("bgColor", {"indexed": "64"})))
        return self._find_or_append("fills", fill, defaults)

    def _border_id(self, thin: bool) -> int:
        empty = self._el("border", {}, *(self._el(s) for s in ("left", "right", "top", "bottom", "diagonal")))
        if not thin:
            self._container("borders", [empty])
            return 0
        sides = [self._el(s, {"style": "thin"}, self._el("color", {"indexed": "64"}))
                 for s in ("left", "right", "top", "bottom")]
        border = self._el("border", {}, *sides, self._el("diagonal"))
        return self._find_or_append("borders", border, [empty])

    def _resolve(self, spec: _Spec) -> int:
        numfmt = self._numfmt_id(spec.numfmt) if spec.numfmt else 0
        font = self._font_id(spec.bold)
        fill = self._fill_id(spec.fill)
        border = self._border_id(spec.border)
        has_style_xfs = self.root.find(self._q("cellStyleXfs")) is not None
        attrib = {"numFmtId": str(numfmt), "fontId": str(font), "fillId": str(fill),
                  "borderId": str(border)}
        if has_style_xfs:
            attrib["xfId"] = "0"
        for flag, on in (("applyNumberFormat", numfmt), ("applyFont", font), ("applyFill", fill),
                         ("applyBorder", border), ("applyAlignment", spec.alignment)):
            if on:
                attrib[flag] = "1"
        if spec.quote:
            attrib["quotePrefix"] = "1"
        xf = self._el("xf", attrib)
        if spec.alignment:
            xf.append(self._el("alignment", dict(sorted(spec.alignment.items()))))
        default_xf = self._el("xf", {"numFmtId": "0", "fontId": "0", "fillId": "0", "borderId": "0",
                                     **({"xfId": "0"} if has_style_xfs else {})})
        cell_xfs = self._container("cellXfs", [default_xf])
        items = self._items(cell_xfs, "xf")
        want = self._xf_identity(xf)
        for i, existing in enumerate(items):
            if self._xf_identity(existing) == want:
                return i
        if items:
            items[-1].addnext(xf)
        else:
            cell_xfs.append(xf)
        cell_xfs.set("count", str(len(items) + 1))
        self.changed = True
        return len(items)

    def _xf_identity(self, xf: etree._Element) -> tuple:
        """What makes two cell formats look the same (apply* hints are ignored)."""
        ids = tuple(xf.get(a, "0") for a in ("numFmtId", "fontId", "fillId", "borderId", "xfId"))
        flags = tuple(_truthy(xf.get(a)) for a in ("quotePrefix", "pivotButton"))
        align = prot = ()
        for c in xf:
            if not isinstance(c.tag, str):
                continue
            if _local(c) == "alignment":
                align = tuple(sorted((k, "1" if v == "true" else v) for k, v in c.attrib.items()
                                     if not (k in ("wrapText", "shrinkToFit", "justifyLastLine")
                                             and not _truthy(v))))
            elif _local(c) == "protection":
                prot = _canon(c)
        return ids, flags, align, prot


# ----------------------------------------------------------------------------- values
MAX_TEXT = 32_767          # Excel's limit, in UTF-16 code units
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_EPOCH_1900 = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)


def _escape_char(m: re.Match) -> str:
    code = ord(m.group())
    if 0xD800 <= code <= 0xDFFF or code >= 0xFFFE:
        return "\ufffd"                     # lone surrogate / non-character: no text meaning
    return f"_x{code:04X}_"


def xml_text(text: str) -> str:
    """Text content of an OOXML string: length-limited, _xHHHH_-escaped, XML-escaped."""
    if len(text) > MAX_TEXT // 2 and len(text.encode("utf-16-le", "surrogatepass")) > 2 * MAX_TEXT:
        units = 0
        for i, ch in enumerate(text):
            units += 2 if ord(ch) > 0xFFFF else 1
            if units > MAX_TEXT:
                text = text[:i]
                break
    text = _ILLEGAL.sub(_escape_char, text)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def _needs_preserve(text: str) -> bool:
    return text[:1].isspace() or text[-1:].isspace() or "\n" in text or "\t" in text or "  " in text


def excel_serial(value: dt.date, date1904: bool = False) -> int | float | None:
    """Excel serial number of a date/datetime; None when the date system cannot represent it."""
    stamp = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)
    stamp = stamp.replace(tzinfo=None)
    if date1904:
        if stamp < _EPOCH_1904:
            return None
        delta = stamp - _EPOCH_1904
    else:
        if stamp < dt.datetime(1900, 1, 1):
            return None
        delta = stamp - _EPOCH_1900
        if stamp < dt.datetime(1900, 3, 1):
            delta -= dt.timedelta(days=1)     # Excel counts a phantom 1900-02-29
    if delta.seconds == 0 and delta.microseconds == 0:
        return delta.days
    return delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400


def _number_text(value: int | float) -> str:
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        raise ValueError(f"cannot write non-finite number {value!r} to a cell")
    return repr(float(value))


class CellRenderer:
    """XML text of ``<c>`` elements for the tool's values and style keys (memoised)."""

    def __init__(self, book: StyleBook, date1904: bool):
        self.book = book
        self.date1904 = date1904
        self._memo: dict[tuple, str] = {}
        self._bytes: dict[tuple, bytes] = {}

    def cell(self, ref: str, value, style: str | None = None) -> str:
        return f'<c r="{ref}"{self.body(value, style)}'

    def body_bytes(self, value, style: str | None = None) -> bytes:
        """body(), UTF-8 encoded."""
        key = (type(value), value, style)
        try:
            return self._bytes[key]
        except KeyError:
            body = self._bytes[key] = self.body(value, style).encode("utf-8")
            return body
        except TypeError:
            return self.body(value, style).encode("utf-8")

    def body(self, value, style: str | None = None) -> str:
        """Everything of the ``<c>`` element after its ``r`` attribute."""
        key = (type(value), value, style)
        try:
            return self._memo[key]
        except KeyError:
            pass
        except TypeError:                    # unhashable value: render without memo
            return self._render(value, style)
        body = self._memo[key] = self._render(value, style)
        return body

    def kept_xf(self, value, style: str, old_s: str) -> int:
        """The ``s`` of a ``keep`` write over an existing cell whose ``s`` was `old_s`."""
        key = "+".join(p for p in style.split("+") if p.strip() != KEEP) or None
        if isinstance(value, dt.date) and excel_serial(value, self.date1904) is not None:
            key = f"{key}+date" if key else "date"
        return self.book.kept(old_s, key)

    def kept_body_bytes(self, value, style: str, old_s: str | None) -> bytes:
        """body() of a ``keep`` write over an existing cell whose ``s`` was `old_s` (None: none)."""
        if old_s is None:
            return self.body_bytes(value, style)
        xf = self.kept_xf(value, style, old_s)
        if isinstance(value, dt.date) and excel_serial(value, self.date1904) is not None:
            value = excel_serial(value, self.date1904)     # the number, shown by the kept format
        return (f' s="{xf}"' + self.body(value, None)).encode("utf-8")


    def _render(self, value, style: str | None) -> str:
        if isinstance(value, dt.date):
            serial = excel_serial(value, self.date1904)
            if serial is None:
                value = value.isoformat()    # before the date system's epoch: keep it readable
            else:
                style = f"{style}+date" if style else "date"
                value = serial
        xf = self.book.xf(style)
        s = "" if xf is None else f' s="{xf}"'
        if value is None or value == "":
            return f"{s}/>"
        if isinstance(value, bool):
            return f'{s} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, (int, float)):
            return f"{s}><v>{_number_text(value)}</v></c>"
        text = value if isinstance(value, str) else str(value)
        space = ' xml:space="preserve"' if _needs_preserve(text) else ""
        return f'{s} t="inlineStr"><is><t{space}>{xml_text(text)}</t></is></c>'


def is_kept(style: str | None) -> bool:
    """Whether a write asks to keep the format of the cell it replaces (style key ``keep``)."""
    return bool(style) and KEEP in (p.strip() for p in style.split("+"))
