"""Demo center: a deterministic generator of realistic data."""
