"""The pure rules: the effective deadline D (deadline) and the state and 蓝/黄/红 escalation of one
task on one run date (escalation). The run date is always passed in."""
