"""The pure core: vocabulary and records (schema), problems (errors), date parsing, the working-day
calendar, report periods and the progress channel. No file IO; imports nothing above it."""
