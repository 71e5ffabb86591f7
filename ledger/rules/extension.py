"""Who must approve an extension (seed 004 第八条): the leader the colour already issued calls for.

A unit that cannot finish in time applies in writing before the deadline; the 督查室 reports the
request, by colour, to 县政府办主任 (no notice yet, or 蓝), 常务副县长 (黄) or 县长 (红). The names
are the 参数设置 keys 蓝色延期审批 / 黄色延期审批 / 红色延期审批.
"""

from __future__ import annotations

from ..core.schema import Color
from ..reading.params import Params


def extension_approver(level: str | None, params: Params) -> str:
    """The approver for a task whose highest colour issued so far is `level` (None: no notice)."""
    return str(params[f"{level or Color.BLUE}色延期审批"])
