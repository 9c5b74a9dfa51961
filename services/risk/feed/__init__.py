"""Following the registry: a full listing first, then every change, by gRPC or Redis."""
