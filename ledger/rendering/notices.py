"""督办单 (supervision notices) for signature: the public entry points (SPEC §3.4).

    views = build_views(outcome)                       # or build_views(outcome, old_notices) to reprint
    paths = render_notices(views, out_dir, params, template_dir(params, args.templates, workbook.parent))

`notice_view` words each notice (NoticeView); `notice_render` fills the editable templates
(templates/督办单.docx, 督办单.html) and writes the blue-notice SMS list.
"""

from __future__ import annotations

from .notice_render import (HTML_FILE, SMS_FILE, builtin_templates, check_templates, render_notices, sms_text,
                            template_dir)
from .notice_view import NoticeView, UnitContact, build_views, compose, sort_key

__all__ = ["NoticeView", "UnitContact", "build_views", "compose", "sort_key", "template_dir", "builtin_templates",
           "check_templates", "render_notices", "sms_text", "HTML_FILE", "SMS_FILE"]
