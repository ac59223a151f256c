"""IVR self-service: flows in YAML, the step engine, sessions, webhook and FastAGI adapters."""
