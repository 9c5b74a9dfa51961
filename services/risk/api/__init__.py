"""RiskService over gRPC: requests checked and translated, answers built from the application
layer's results."""
