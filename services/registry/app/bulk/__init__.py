"""Importing assets in bulk: whole batches checked column by column, written in one go."""
