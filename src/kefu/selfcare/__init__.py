"""Self-service on the web (网上客服): a subscriber signs in with a code texted to their
number, sees their balance, package and work orders, and writes to the center."""
