"""督办单 documents of a run from editable templates (SPEC §1 step 5, §3.4, §5).

Per run: 黄色督办单.docx and 红色督办单.docx (蓝色督办单.docx only when 参数设置 蓝色打印 = 是) — one
document per colour, one notice per page, so the clerk loads that paper once — 督办单.html with
every notice, and 蓝色督办短信.xlsx, the SMS list for blue notices (第七条).

Templates come from --templates DIR, else 参数设置 模板目录, else the built-in ones; a file missing
from the clerk's folder falls back to the built-in one. Templates are checked before anything is
rendered, so a misspelt field is reported by name instead of printing as blank on a signed notice.
Cell text is data: Jinja autoescaping everywhere, and SMS cells beginning with = + - @ are stored
as quoted text. Outputs are byte-for-byte reproducible from the same views.
"""

from __future__ import annotations

import os
from dataclasses import fields, replace
from datetime import date, datetime, time
from importlib import resources
from importlib.resources.abc import Traversable
from io import BytesIO
from pathlib import Path

from ..core import stages
from .docx_fast import FastDocx, order_shaded_cells
from .docx_tools import fast_template_class, release, saved_bytes, stable_zip
from ..core import problems as P
from ..core.errors import Problem
from .notice_view import NoticeView, clean_text, is_clean, number_key, shorten, sort_key
from ..core.schema import Color
from ..reading.params import Params

TEMPLATE_DOCX = "督办单.docx"
TEMPLATE_HTML = "督办单.html"
TEMPLATE_SMS = "蓝色督办短信.xlsx"
SMS_SHEET = "蓝色督办短信"
HTML_FILE = "督办单.html"
SMS_FILE = "蓝色督办短信.xlsx"
SMS_LIMIT = 140
# Print stacks are made 黄, 红, then 蓝: 蓝 goes out by SMS unless 蓝色打印 is on
DOCX_COLORS = tuple(sorted(Color, key=lambda c: c == Color.BLUE))

# Names a template may use besides `notices`' fields; anything else is reported by check_templates.
CONTEXT_NAMES = frozenset({"notices", "office", "color", "color_name", "color_hex", "count"})
VIEW_FIELDS = tuple(f.name for f in fields(NoticeView))
_FORMULA_START = ("=", "+", "-", "@")


def builtin_templates() -> Traversable:
    try:
        return resources.files("ledger.templates")
    except ModuleNotFoundError:     # a source checkout that is not pip-installed
        return Path(__file__).resolve().parent.parent / "templates"


def is_builtin(file: Traversable) -> bool:
    """A shipped template (proven by the tests), not a clerk's copy."""
    return str(file).startswith(str(builtin_templates()))


def template_dir(params: Params, override: Path | None = None, base: Path | None = None) -> Traversable:
    """--templates DIR > 参数设置 模板目录 (relative to `base`, the workbook's folder) > built-in."""
    if override is not None:
        return Path(override)
    configured = str(params["模板目录"] or "").strip()
    if configured:
        folder = Path(configured).expanduser()
        return base / folder if base is not None and not folder.is_absolute() else folder
    return builtin_templates()


def template_file(folder: Traversable, name: str) -> Traversable:
    """The clerk's template `name` in `folder`, else the built-in one (a folder may override a few)."""
    own = folder.joinpath(name)
    return own if own.is_file() else builtin_templates().joinpath(name)


def jinja_env(strict: bool = False, **options):
    """The one Jinja environment of every document: autoescaped (docxtpl needs it too). `strict`:
    an unknown name is an error while rendering (the 通报, whose templates are not checked first)."""
    from jinja2 import Environment, StrictUndefined, Undefined

    return Environment(autoescape=True, undefined=StrictUndefined if strict else Undefined, **options)


# --- checking -------------------------------------------------------------------------------------

def check_templates(folder: Traversable) -> list[Problem]:
    """Problems with the templates in `folder`; empty when they can be rendered."""
    if isinstance(folder, Path) and not folder.is_dir():
        return [P.TEMPLATE_FOLDER_MISSING.at(folder=folder)]
    problems: list[Problem] = []
    docx_file, html_file = template_file(folder, TEMPLATE_DOCX), template_file(folder, TEMPLATE_HTML)
    problems += _check_docx(docx_file)
    problems += _check_html(html_file)
    return problems


def _unknown(label: str, names: set[str], attributes: set[str]) -> list[Problem]:
    context = "、".join(sorted(CONTEXT_NAMES))
    fields_hint = "、".join(f for f in VIEW_FIELDS if f not in ("contacts", "unit_rank"))
    out = [P.TEMPLATE_UNKNOWN_NAME.at(name=label, variable=name, context=context) for name in sorted(names)]
    out += [P.TEMPLATE_UNKNOWN_FIELD.at(name=label, field=attr, fields=fields_hint) for attr in sorted(attributes)]
    return out


def _loop_attributes(ast) -> set[str]:
    """`n.xxx` (or n['xxx']) with xxx not a NoticeView field, for every loop over notices."""
    from jinja2 import nodes

    bad: set[str] = set()
    for loop in ast.find_all(nodes.For):
        if not (isinstance(loop.iter, nodes.Name) and loop.iter.name == "notices"
                and isinstance(loop.target, nodes.Name)):
            continue
        var = loop.target.name
        for node in loop.find_all((nodes.Getattr, nodes.Getitem)):
            if not (isinstance(node.node, nodes.Name) and node.node.name == var):
                continue
            attr = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
            if isinstance(attr, str) and attr not in VIEW_FIELDS:
                bad.add(f"{var}.{attr}")
    return bad


def _check_docx(file: Traversable) -> list[Problem]:
    from docxtpl import DocxTemplate
    from jinja2 import TemplateSyntaxError

    label = str(file)
    try:
        tpl = DocxTemplate(BytesIO(file.read_bytes()))
        tpl.init_docx()
    except Exception as exc:  # noqa: BLE001 — any unreadable file the clerk put there is a message
        return [P.TEMPLATE_UNOPENABLE.at(name=label, reason=exc)]
    env = jinja_env()
    try:
        names = set(tpl.get_undeclared_template_variables(jinja_env=env)) - CONTEXT_NAMES - set(env.globals)
        source = tpl.patch_xml(tpl.get_xml())
        env.compile(source)     # unknown filters and tests surface here, not half-way through a run
        ast = env.parse(source)
    except TemplateSyntaxError as exc:
        return [P.TEMPLATE_MARKUP.at(name=label, reason=exc.message)]
    return _unknown(label, names, _loop_attributes(ast))


def _check_html(file: Traversable) -> list[Problem]:
    from jinja2 import TemplateSyntaxError, meta

    label = str(file)
    env = jinja_env()
    try:
        source = file.read_text(encoding="utf-8")
        env.compile(source)
        ast = env.parse(source)
    except TemplateSyntaxError as exc:
        return [P.TEMPLATE_LINE.at(name=label, line=exc.lineno, reason=exc.message)]
    except (OSError, UnicodeDecodeError) as exc:
        return [P.TEMPLATE_ENCODING.at(name=label, reason=exc)]
    names = set(meta.find_undeclared_variables(ast)) - CONTEXT_NAMES - set(env.globals)
    return _unknown(label, names, _loop_attributes(ast))


# --- rendering ------------------------------------------------------------------------------------

def _safe(view: NoticeView) -> NoticeView:
    """Control characters out of every text (views may be built by hand, not only by compose)."""
    changes = {}
    for name in VIEW_FIELDS:
        value = getattr(view, name)
        if isinstance(value, str):
            if not is_clean(value):
                changes[name] = clean_text(value)
        elif isinstance(value, list) and value and all(isinstance(x, str) for x in value):
            if not all(is_clean(x) for x in value):
                changes[name] = [clean_text(x) for x in value]
    return replace(view, **changes) if changes else view


def _context(views: list[NoticeView], color: str = "") -> dict:
    return {"notices": views, "office": views[0].office, "count": len(views), "color": color,
            "color_name": Color(color).cn if color else "", "color_hex": views[0].color_hex if color else ""}


def _render_docx(views: list[NoticeView], template: bytes, color: str, stamp: datetime,
                 fast: "FastDocx | None" = None, env=None) -> bytes:
    """One colour's print stack. `fast` (the prepared template) renders on the XML text; without
    it — a template with {%tc %} column tags — docxtpl renders it the long way."""
    title = f"{Color(color).cn}督办单（{len(views)}份）"
    comments = f"{views[0].office}{Color(color).cn}督办单，由督办台账程序生成。"
    context = _context(views, color)
    if fast is not None:
        return fast.render(context, env or jinja_env(), stamp, title, comments)
    tpl = fast_template_class()(BytesIO(template))
    tpl.dynamic_columns = True
    # autoescape: without it a & or < in a cell corrupts document.xml
    tpl.render(context, jinja_env=jinja_env(), autoescape=True)
    order_shaded_cells(tpl.docx.element.body)
    data = saved_bytes(tpl, stamp, title, comments)
    del tpl
    release()
    return stable_zip(data, stamp)


def _render_html(views: list[NoticeView], template: str) -> bytes:
    html = jinja_env(keep_trailing_newline=True).from_string(template).render(_context(views))
    return html.encode("utf-8")


def sms_text(view: NoticeView, unit: str) -> str:
    """The blue-notice SMS (第七条), at most SMS_LIMIT characters; the task text is shortened."""
    state = f"已逾期{view.overdue_days}天" if view.overdue_days > 0 else "今日到期"
    task = view.content.rstrip("。；;，,、 \n")
    for task_ref in (f"（任务编号{view.task_id}）" if view.task_id else "", ""):
        head = f"【{view.office}】{unit}：你单位牵头承办的“"
        tail = (f"”{task_ref}规定完成时限为{view.deadline}，{state}，尚未办结。现发出蓝色督办单"
                f"（{view.number}）予以提醒，请抓紧办理并及时报送办理结果。")
        room = SMS_LIMIT - len(head) - len(tail)
        if room >= 8:
            return head + shorten(task, room) + tail
    return shorten(head + shorten(task, 8) + tail, SMS_LIMIT)


def _render_sms(views: list[NoticeView], template: Traversable) -> bytes:
    """Fill the SMS sheet template (templates/蓝色督办短信.xlsx) with the zip-level patcher: every
    value is an inline string, so text beginning with = + - @ can never be a live formula."""
    import tempfile

    from ..xlsx.patch import CellWrite, patch_workbook

    lines = sorted(((c, v) for v in views for c in v.contacts),
                   key=lambda cv: (cv[0].rank, cv[0].unit, number_key(cv[1].number)))
    writes = []
    for row, (contact, view) in enumerate(lines, start=2):
        missing = [label for label, value in (("主要负责人", contact.head), ("联系电话", contact.phone)) if not value]
        hint = f"单位名录中没有该单位的{'、'.join(missing)}：请在“单位名录”中补充，或发送前手工填写" if missing else ""
        values = (contact.unit, contact.head, contact.phone, sms_text(view, contact.unit), view.number, hint)
        for col, value in enumerate(values, start=1):
            text = clean_text(value)
            if text:
                style = "+".join(k for k, on in (("wrap", col in (4, 6)), ("quote", text.startswith(_FORMULA_START)))
                                 if on)
                writes.append(CellWrite(row, col, text, style or None))
    with tempfile.TemporaryDirectory() as tmp, resources.as_file(template) as src:
        dst = Path(tmp) / SMS_FILE
        patch_workbook(Path(src), dst, SMS_SHEET, writes)
        return dst.read_bytes()


STACK_LIMIT = 400   # notices per print file: bounds memory on a huge first run; a normal week is one file


def stack_files(color: str, group: list[NoticeView]) -> list[tuple[str, list[NoticeView]]]:
    """File name and notices of each print stack of one colour: 黄色督办单.docx, or, past
    STACK_LIMIT notices, 黄色督办单_1（第1—400份）.docx, 黄色督办单_2（第401—…份）.docx …"""
    base = f"{Color(color).cn}督办单"
    if len(group) <= STACK_LIMIT:
        return [(f"{base}.docx", group)]
    return [(f"{base}_{k + 1}（第{i + 1}—{i + len(group[i:i + STACK_LIMIT])}份）.docx", group[i:i + STACK_LIMIT])
            for k, i in enumerate(range(0, len(group), STACK_LIMIT))]


def render_notices(views: list[NoticeView], out_dir: Path, params: Params,
                   templates: Traversable | None = None, checked: bool = False) -> list[Path]:
    """Write the run's notice documents into out_dir and return their paths (nothing for no views).

    `templates` is the folder from `template_dir` (None: 参数设置 模板目录, else built-in). Raises
    LedgerError, before writing anything, when a template is broken or names an unknown field.
    """
    if not views:
        return []
    folder = template_dir(params) if templates is None else templates
    problems = [] if checked else check_templates(folder)
    if problems:
        raise P.RUN_NOTICE_TEMPLATES.error(problems=problems)
    by_unit = bool(params["督办单按单位排列"])
    views = sorted((_safe(v) for v in views), key=lambda v: (Color(v.color).rank, sort_key(v, by_unit)))
    stamp = datetime.combine(max(date.fromisoformat(v.issued_iso) for v in views), time(9, 0))
    outputs: list[tuple[Path, bytes]] = []
    docx_file, html_file = template_file(folder, TEMPLATE_DOCX), template_file(folder, TEMPLATE_HTML)
    template = fast = env = None
    try:
        for color in DOCX_COLORS:
            group = [v for v in views if v.color == color]
            if group and (color != Color.BLUE or params["蓝色打印"]):
                if template is None:
                    template = docx_file.read_bytes()
                    fast, env = FastDocx.open(template, validate=not is_builtin(docx_file)), jinja_env()
                for name, chunk in stack_files(color, group):
                    outputs.append((out_dir / name, _render_docx(chunk, template, color, stamp, fast, env)))
                    stages.advance(len(chunk))
            else:
                stages.advance(len(group))     # not printed (蓝色打印 off): only in the HTML and SMS list
        outputs.append((out_dir / HTML_FILE, _render_html(views, html_file.read_text(encoding="utf-8"))))
    except Exception as exc:  # noqa: BLE001 — a clerk's template can fail in ways no check foresees
        raise P.TEMPLATE_RENDER_FAILED.error(reason=f"{type(exc).__name__}: {exc}",
                                             files=f"{docx_file}、{html_file}") from exc
    blue = [v for v in views if v.color == Color.BLUE]
    if blue:
        outputs.append((out_dir / SMS_FILE, _render_sms(blue, template_file(folder, TEMPLATE_SMS))))
    # everything is rendered before the first file is replaced: a failure leaves no half set
    out_dir.mkdir(parents=True, exist_ok=True)
    for path, data in outputs:
        temp = path.with_name(f".{path.name}.tmp")
        temp.write_bytes(data)
        os.replace(temp, path)
    return [path for path, _ in outputs]
