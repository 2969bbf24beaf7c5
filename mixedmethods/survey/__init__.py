"""Survey: readers of raw exports, validation, import into the store, scoring and statistics."""
