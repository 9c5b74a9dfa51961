"""Risk rules, plan targets and rollups: pure Python, no gRPC, protobuf or SQL."""
