"""People kept in step with the school's MIS: OneRoster CSV bundles and REST endpoints."""
