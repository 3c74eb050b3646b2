"""What happened and when: the virtual clock and its modes, the waits' notifier and change
feed, the journal of calls and the lenience notes."""
