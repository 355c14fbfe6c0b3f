"""The dialogues' workflows, one module per topic (meetings, invitations, registrations …).
Views and tasks call them; each takes the acting person as ``actor=``, checks its rule and
records what it did in the action log."""
