"""Topic 3, multifidus research: the studies as data, recovery and recurrence, and their figures."""
