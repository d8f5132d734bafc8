"""Pure domain tests: given events, a command, then the events recorded or the error raised."""
