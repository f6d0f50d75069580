"""Subject access requests: the register, the deadline rules, and the search for
"everything about this person" that every app fills in (holdings.py)."""
