"""Unit feedback (SPEC §5, 反馈表): forms out to the lead units, returned forms back into the ledger.

The units' progress reaches the ledger without retyping: `forms` writes one workbook per lead
unit listing its open tasks (locked facts, editable answers, an identity — `identity` — that
survives renaming and re-saving); `returns` reads a returned file whatever it is called;
`collect` checks each answer against the ledger; `write` applies the good ones through the
lossless patcher, recording every change in the tool-owned sheet 反馈记录 (`record`); `status`
tells the weekly run what came back and which extension requests wait for whose approval.
"""
