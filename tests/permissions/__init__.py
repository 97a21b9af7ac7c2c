"""The permission table: every URL × every role × every method → the answer it gets."""
