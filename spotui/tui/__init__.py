"""The terminal face: the Textual app, its screens, tabs and widgets."""
