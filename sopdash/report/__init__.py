"""Reports over the desk's history: the SLA report (`sla`), its raw tallies (`tally`), the stats screen's figures (`stats`)."""
