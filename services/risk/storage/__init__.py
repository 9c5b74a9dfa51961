"""The read model in the risk service's own database (SQLAlchemy Core)."""
