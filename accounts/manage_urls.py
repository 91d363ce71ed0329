"""Portal admins' tools: sectors, membership, people, imports, invitations, audit log."""

urlpatterns: list = []
