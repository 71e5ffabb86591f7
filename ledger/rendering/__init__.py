"""Documents from Jinja templates: 督办单 views and their docx/HTML/SMS rendering, the 周汇总, 通报
and annual score table, and the docx helpers they share."""
