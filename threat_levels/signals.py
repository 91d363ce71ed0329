"""What threat_levels tells the apps above it, which it must not import.

Sent inside the transaction that records the change, so a receiver's writes (the alerts app
writes the change's Alert) commit or roll back with it. A receiver that raises undoes the change.
"""

from django.dispatch import Signal

# Sent with `change` (the ThreatLevelChange just written; not a correction) and `recorded_by`.
change_to_announce = Signal()
