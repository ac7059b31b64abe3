"""The floor under "start-up: the confirmed playing title", for this stack.

    python bench/confirmed_floor.py [RUNS]

A bare Textual app paints one label; after that first frame it does the least the
confirmed title needs: it imports httpx while a thread loads the CA bundle (as any
client of api.spotify.com must, and as spotui does it), makes an async client, asks
the fake for the player state and paints the track's name. Its launch-to-name time
is printed as a ratio to the bare app's launch-to-label, the runs interleaved as the
benchmark does them. No spotui code runs in it: it shows the cost of the stack alone,
with the two imports spotui leaves out (httpx's CLI, and trio) left out here too.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmark import BARE_APP, Fake, Terminal

LEAST_APP = """
import os
import sys

sys.modules["httpx._main"] = None  # as spotui: not httpx's CLI,
sys.modules["trio"] = None  # nor trio, which httpcore imports when it is installed

from textual.app import App
from textual.widgets import Label

class Least(App):
    def compose(self):
        yield Label("bare-app-ready")

    def on_mount(self):
        self.call_after_refresh(self.ask)

    async def ask(self):
        import hashlib
        import ssl
        import threading

        import certifi

        contexts = []
        bundle = certifi.where()
        reading = threading.Thread(  # OpenSSL reads the bundle beside the import below
            target=lambda: contexts.append(ssl.create_default_context(cafile=bundle))
        )
        reading.start()
        import httpx

        reading.join()
        async with httpx.AsyncClient(verify=contexts[0]) as client:
            answer = await client.get(
                os.environ["SPOTUI_API_URL"] + "/me/player",
                headers={"Authorization": "Bearer " + os.environ["SPOTIFY_ACCESS_TOKEN"]},
            )
        self.query_one(Label).update("least-app " + answer.json()["item"]["name"])

Least().run()
"""


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    fake = Fake()
    try:
        env = fake.env(Path(tempfile.mkdtemp()))
        bare_times, least_times = [], []
        for _ in range(runs):
            bare = Terminal([sys.executable, "-c", BARE_APP], env)
            bare_times.append(bare.wait_text("bare-app-ready") - bare.started)
            bare.close()
            least = Terminal([sys.executable, "-c", LEAST_APP], env)
            least_times.append(least.wait_text("least-app ") - least.started)
            least.close()
    finally:
        fake.close()
    bare, least = statistics.median(bare_times), statistics.median(least_times)
    print(f"bare app, first label: median {bare * 1000:.0f} ms (of {runs})")
    print(f"bare app + httpx + one player request, name painted: {least * 1000:.0f} ms")
    print(f"floor under the confirmed title: {least / bare:.2f}× the bare app (target 1.6×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
