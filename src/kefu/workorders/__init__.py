"""Work orders (工单): intake, triage, dispatch, escalation, repeat control, return visits."""
