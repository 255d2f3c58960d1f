"""Mail in and out: the desk's replies delivered to clients, and clients' mail read (what it does to a ticket is
decided in `core/inbound` and carried out by the desk's intake, `desk/intake`).

Outbound delivery records live on the public timeline entries themselves (`Delivery`), written with
`Store.annotate`, which does not bump a ticket's version: a delivery changing state never makes a
technician's open dialog fail with a conflict, and `ticket show --json` carries each entry's state.
"""
