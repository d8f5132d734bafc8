"""Reliability under load, faults and bad input: real processes, fuzzing, hostile requests."""
