"""ACD: queues, agent states, priority and skill routing, live queue figures."""
