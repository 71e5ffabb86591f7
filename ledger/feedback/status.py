"""What the weekly run says about feedback: forms collected since the previous run, and the
extension requests waiting for the leader's approval (with the approver the rules require).

Read from the workbook as it stands — 反馈记录 and the 延期申请至 column — so it needs no state of
its own and a rerun of the same date says the same thing.
"""

from __future__ import annotations

from datetime import date

from ..core.dates import BadValue, is_blank, parse_date
from ..pipeline import Outcome
from ..rules.extension import extension_approver
from .collect import sheet_columns
from .record import read_record


def collected_since(outcome: Outcome, since: date | None) -> tuple[int, int, list[str]]:
    """(forms, changes, units) recorded in 反馈记录 on or after `since` (all when None) and not
    after the run date."""
    entries, _ = read_record(outcome.loaded.book)
    mine = [e for e in entries if (since is None or e.when >= since) and e.when <= outcome.run_date]
    forms = {(e.form_id or e.file) for e in mine}
    return len(forms), len(mine), list(dict.fromkeys(e.unit for e in mine))


def pending_requests(outcome: Outcome) -> list[tuple[str, str, date, str, str]]:
    """(task id, units, requested date, reason, approver) of open tasks whose 延期申请至 is later
    than the deadline in force (an approved 延期至 that reaches it settles the request)."""
    columns = sheet_columns(outcome.loaded)
    sheets = outcome.loaded.tasks.by_name()
    params = outcome.loaded.params
    out = []
    for ev in outcome.evaluations:
        t = ev.task
        req, why = columns[t.sheet]["req_to"], columns[t.sheet]["req_reason"]
        if req.new:
            continue
        sheet = sheets[t.sheet].sheet
        raw = sheet.value(t.row, req.col)
        if not t.is_open or is_blank(raw):
            continue
        try:
            wanted = parse_date(raw, t.assigned, outcome.loaded.book.date1904)
        except BadValue:
            continue
        if t.ext_to is not None and t.ext_to >= wanted:
            continue
        reason = "" if why.new else str(sheet.value(t.row, why.col) or "").strip()
        out.append((t.id, "、".join(t.lead), wanted, reason, extension_approver(ev.level, params)))
    return out


def feedback_lines(outcome: Outcome, since: date | None) -> list[str]:
    lines = []
    forms, changes, units = collected_since(outcome, since)
    if forms:
        when = f"自上次运行（{since.isoformat()}）以来" if since else "至今"
        shown = "、".join(units[:8]) + ("等" if len(units) > 8 else "")
        lines.append(f"{when}收回反馈表 {forms} 份（{shown}），写入台账 {changes} 处（见“反馈记录”）")
    return lines + pending_lines(outcome)


def pending_lines(outcome: Outcome) -> list[str]:
    """The extension requests waiting for approval: they need the clerk (also under --quiet)."""
    pending = pending_requests(outcome)
    if not pending:
        return []
    return [f"待审批的延期申请 {len(pending)} 项（延期至须经领导同意后由督查室填写，三色督办单制度第八条）："] + [
        f"  {tid}  {units}  申请延期至 {wanted.isoformat()}  报{approver}同意" + (f"  理由：{reason[:40]}" if reason else "")
        for tid, units, wanted, reason, approver in pending]


def feedback_json(outcome: Outcome, since: date | None) -> dict:
    """The same for `--json`: forms collected since `since`, and the pending extension requests."""
    forms, changes, units = collected_since(outcome, since)
    return {"since": since.isoformat() if since else None, "forms": forms, "changes": changes, "units": units,
            "pending_extensions": [{"task_id": tid, "units": units, "requested": wanted.isoformat(), "reason": reason,
                                    "approver": approver}
                                   for tid, units, wanted, reason, approver in pending_requests(outcome)]}
