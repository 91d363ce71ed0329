"""What calls does when a bulletin is announced: the update written from a call, once published,
is told to the sectors that had nobody on the call. In the publication's own transaction."""

from django.dispatch import receiver

from bulletins.signals import bulletin_to_announce

from .services import announce_update


@receiver(bulletin_to_announce, dispatch_uid="call_update_published")
def tell_sectors_missing_from_the_call(sender, *, bulletin, event, actor, **kwargs) -> None:
    if event == "published":
        announce_update(bulletin, actor=actor)
