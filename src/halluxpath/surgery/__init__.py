"""Surgery: pre-operative assessment, planning, the safety checklist and the operative record."""
