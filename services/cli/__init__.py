"""`urban`: the command line for the registry and the risk service."""
