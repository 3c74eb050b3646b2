"""What a vendor author uses: the `Vendor` declaration and its `VendorState` store (and what
registration checks of them), the lifecycle of its items, its webhooks' outbox, what a vendor
sees of a world, the action and matcher tables, documented variants, conveniences and drift
probes."""
