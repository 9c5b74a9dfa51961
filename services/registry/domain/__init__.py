"""The registry's domain: resource names, reference cities, asset validation, filters, masks."""
