"""The risk service's application layer: applying changes, verifying, and the queries that the
gRPC API, /metrics and the status pages share, over the read model's storage."""
