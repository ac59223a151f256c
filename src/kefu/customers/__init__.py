"""Customers: subscribers, enterprise (集团) customers, numbers, packages, tiers, 360 view."""
