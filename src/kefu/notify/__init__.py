"""Notifications to staff and customers: e-mail over SMTP and SMS through a gateway."""
