"""What spotui decides, with no UI: the player state and the one poll loop
(``controller``), the lists (``lists``), playing what you see (``playing``),
browsing the catalogue (``browse``), and the wiring of real or demo services."""
