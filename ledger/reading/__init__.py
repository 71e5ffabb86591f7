"""Reading the clerk's workbook into records: the raw grid (reader), 参数设置, 单位名录, 节假日,
督办记录 and the task rows. Bad data becomes problems on the records, never exceptions."""
