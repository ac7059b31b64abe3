"""The main screen's tabs: one module each, on :class:`~spotui.tui.tabs.base.MainTab`."""
