"""A fake Spotify for the demo, the tests, the benchmarks and the screenshots."""

from spotui.fake.knobs import Knobs
from spotui.fake.oauth import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from spotui.fake.service import FakeSpotify, FakeTransport

__all__ = ["DEMO_CLIENT_ID", "DEMO_CLIENT_SECRET", "FakeSpotify", "FakeTransport", "Knobs"]
