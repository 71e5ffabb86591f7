"""Built-in document templates (督办单, 通报). A clerk may copy them, edit them in Word or a text
editor, and point the tool at the copy (参数设置 模板目录, or --templates DIR)."""
