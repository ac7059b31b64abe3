"""A fake Spotify for the demo, the tests, the benchmarks and the screenshots."""

from spotui.fake.service import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    FakeSpotify,
    FakeTransport,
    Knobs,
)

__all__ = ["DEMO_CLIENT_ID", "DEMO_CLIENT_SECRET", "FakeSpotify", "FakeTransport", "Knobs"]
