"""The operator's billing system (BOSS) as kefu's self-service sees it (IVR, SMS)."""
