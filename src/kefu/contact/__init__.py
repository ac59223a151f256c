"""Contacts on every channel: one interaction per call, message or web request."""
