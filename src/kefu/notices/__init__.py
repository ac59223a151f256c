"""Notices to big customers before planned work (大客户通告): cut-overs and upgrades."""
