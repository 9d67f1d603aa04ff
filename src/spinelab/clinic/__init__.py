"""The clinic: red-flag triage, the case studies and the plan step."""
