"""What a vendor author uses: the `Vendor` and `VendorState` contract, what a vendor sees of
a world, the action and matcher tables, documented variants, conveniences and drift probes."""
