"""Uploads wait for the process's one decoding thread, holding their raw bytes while they wait: past
``media.MAX_WAITING`` in line, an upload is refused at once (``Busy``: the desk answers 503 with Retry-After)
instead of piling up memory, and the line takes uploads again once it has gone down."""

import asyncio
import io
import threading

import pytest
from PIL import Image

from liveblog import media

pytestmark = pytest.mark.unit


def png(side: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (side, side), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def in_a_thread_of_its_own(work):  # after a browser test, Playwright's sync API holds this thread's event loop
    result = []
    thread = threading.Thread(target=lambda: result.append(asyncio.run(work())))
    thread.start()
    thread.join(120)
    return result[0]


def test_uploads_past_the_line_are_refused_at_once_and_taken_again_later():
    raw = png(1200)

    async def burst() -> tuple[list[object], object]:
        answers = await asyncio.gather(*(media.clean_photo_in_turn(raw) for _ in range(media.MAX_WAITING + 3)),
                                       return_exceptions=True)
        return answers, await media.clean_photo_in_turn(raw)

    answers, later = in_a_thread_of_its_own(burst)
    taken = [a for a in answers if not isinstance(a, BaseException)]
    refused = [a for a in answers if isinstance(a, BaseException)]
    assert len(taken) == media.MAX_WAITING and all(isinstance(r, media.Busy) for r in refused) and len(refused) == 3
    assert not isinstance(later, BaseException), "the line is open again once it has gone down"
