"""One page per task, shown in the main window's stack."""
