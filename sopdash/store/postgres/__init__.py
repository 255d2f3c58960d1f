"""The ticket store on PostgreSQL, for a team that outgrew one box (see the README)."""
