"""Mail in and out: the desk's replies delivered to clients, and clients' mail turned into tickets.

Outbound delivery records live on the public timeline entries themselves (`Delivery`), written with
`Store.annotate`, which does not bump a ticket's version: a delivery changing state never makes a
technician's open dialog fail with a conflict, and `ticket show --json` carries each entry's state.
"""
