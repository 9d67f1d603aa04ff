"""The clinic: red-flag triage, yellow flags and STarT Back risk stratification, the case studies and the plan step."""
