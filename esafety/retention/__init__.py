"""Retention and destruction (issue 28): the rules registry, the review, holds."""
