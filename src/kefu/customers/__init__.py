"""Customers: subscribers and enterprise (集团) customers, numbers, packages, tiers, the 360 view."""
