"""Generic approval flows: definitions, requests, steps, inbox. Knows no project (arrives with the approvals issue)."""
