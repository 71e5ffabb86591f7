"""The lossless xlsx patcher: edits cells and appends rows in the zip/XML parts of a workbook and
copies every other part byte for byte (SPEC §7). A self-contained engine; `patch` is its entry point."""
