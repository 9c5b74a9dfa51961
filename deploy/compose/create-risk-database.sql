-- The registry's database is POSTGRES_DB; the risk service keeps its read model in its own.
CREATE DATABASE risk OWNER urban;
