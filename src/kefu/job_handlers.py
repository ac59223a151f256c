"""Every module that runs outbox jobs of its kind, for the worker to load.

A job's handler registers itself when its module is imported. The web server imports
them all through its routes, but ``kefu worker`` runs alone: a module missing here left
its jobs failing as "no handler" until they died (a test imports every kefu module and
checks this list loads the same handlers in a fresh process).
"""

from __future__ import annotations


def load() -> None:
    """Import the modules that register job handlers."""
    from kefu.billing import credits  # noqa: F401  (credits to a bill)
    from kefu.notices import sending  # noqa: F401  (a notice's later batches)
    from kefu.notify import tasks  # noqa: F401  (texts and e-mails)
    from kefu.workorders import (
        assists,  # noqa: F401  (an ask of another team past its time)
        engineer_sheets,  # noqa: F401  (the engineers' day sheets)
        supervising,  # noqa: F401  (a supervised order unanswered at the time asked)
        visit_reminders,  # noqa: F401  (the evening-before reminder)
    )
