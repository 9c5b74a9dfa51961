"""The status pages: plan progress for people, as HTML and proto3 JSON, without a token."""
