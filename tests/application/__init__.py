"""Application tests: use cases through the application service, on every event store."""
