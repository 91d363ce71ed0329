"""What bulletins tells the apps above it, which it must not import.

Sent inside the transaction that makes the change, so a receiver's writes (the alerts app writes
the bulletin's Alert) commit or roll back with it. A receiver that raises undoes the change.
"""

from django.dispatch import Signal

# Sent with `bulletin`, `event` ("published", "amended" or "withdrawn"), `actor` and `note`
# (what changed, for an amendment; the reason, for a withdrawal), when people must be told.
bulletin_to_announce = Signal()
