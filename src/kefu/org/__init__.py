"""Organization: org units (HQ → province → city branch), teams, staff, roles and skills.

This package is the model to copy for new domain packages (see CONTRIBUTING.md).
"""
