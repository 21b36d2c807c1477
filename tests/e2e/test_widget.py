"""The iframe widget: a page on another origin embeds unbg and talks to it, only if allowed."""

from __future__ import annotations

import base64
import io
import re

import pytest
from PIL import Image
from selenium.webdriver.common.by import By

from tests.drawings import subject_jpeg
from unbg.build.headers import ISOLATION
from unbg.build.site import ROOT
from unbg.dev.serve import start_plain_server

HOST_CUT = """
const [b64, options, done] = arguments;
const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
window.unbgWidget.cut(new Blob([bytes]), options).then(async ({blob, width, height}) => {
  const data = new Uint8Array(await blob.arrayBuffer());
  let binary = ''; for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
  done({width, height, png: btoa(binary)});
}, error => done({code: error.code, message: error.message}));
"""

# Post raw messages to the widget and collect every reply for a while (the host's side of the protocol).
HOST_POST = """
const [messages, waitMs, done] = arguments;
const frame = window.unbgWidget.frame, origin = new URL(frame.src).origin, replies = [];
addEventListener('message', e => { if (e.source === frame.contentWindow) replies.push(e.data); });
for (const message of messages) frame.contentWindow.postMessage(message, origin);
setTimeout(() => done(replies.map(r => ({type: r.type, id: r.id, code: r.code, message: r.message}))), waitMs);
"""


HOSTS = {
    "plain": {},  # most sites: not isolated (the widget isolates itself: Document-Isolation-Policy)
    "isolated": ISOLATION,  # a site that is isolated itself, and delegates it to the frame
}


@pytest.fixture
def host(request, server, base_url):
    """A page of another site (another port) that embeds the widget; the app allows that origin."""
    other = start_plain_server(ROOT, headers=HOSTS[getattr(request, "param", "plain")])
    origin = f"http://127.0.0.1:{other.server_address[1]}"
    server.embed_origins = [origin]
    widget = f"{base_url}index.html?embed=1"
    yield lambda: f"{origin}/examples/host.html?widget={widget}"
    server.embed_origins = []
    other.shutdown()


def open_host(app, url: str, ready: bool = True) -> None:
    app.driver.get(url)
    if ready:
        app.wait_for(lambda d: app.script("return document.documentElement.dataset.widget") == "ready", 60)


@pytest.mark.parametrize("host", list(HOSTS), indirect=True)
def test_an_allowed_host_gets_ready_with_threads_and_a_cut_out_of_its_photo(app, host):
    open_host(app, host())
    threads = int(re.search(r"\((\d+) threads?\)", app.find_css("#status").text).group(1))  # as unbg:ready said
    assert threads > 1  # the widget is isolated in the frame either way
    reply = app.async_script(HOST_CUT, base64.b64encode(subject_jpeg(320, 240)).decode(), {}, timeout=240)
    assert (reply["width"], reply["height"]) == (320, 240), reply
    image = Image.open(io.BytesIO(base64.b64decode(reply["png"])))
    assert image.format == "PNG" and image.mode == "RGBA" and image.size == (320, 240)


def test_malformed_messages_get_bad_request_and_the_widget_stays_usable(app, host):
    open_host(app, host())
    replies = app.async_script(HOST_POST, [
        {"type": "unbg:cut", "id": "no-image"},
        {"type": "unbg:cut", "id": "bad-option", "image": "x", "options": {"colour": "red"}},
        {"type": "unbg:dance", "id": "what"},
        {"type": "unbg:cut", "id": 12},
    ], 1500)
    errors = {str(reply["id"]): reply["code"] for reply in replies if reply["type"] == "unbg:error"}
    assert errors == {"no-image": "bad_request", "bad-option": "bad_request", "what": "bad_request", "12": "bad_request"}
    reply = app.async_script(HOST_CUT, base64.b64encode(subject_jpeg(160, 120)).decode(), {"output": "mask"}, timeout=240)
    assert (reply["width"], reply["height"]) == (160, 120), reply


# A page on an origin not on the list, framed beside the widget by the allowed host (say, an ad):
# it can reach the widget's window and posts to it; whatever comes back, it tells the host.
SIBLING = """<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script>
const widget = parent.frames[0], replies = [];
addEventListener('message', e => { if (e.source === widget) replies.push(e.data.type); });
widget.postMessage({type: 'unbg:cut', id: 'sneaky', image: new Blob(['not a photo'])}, '*');
setTimeout(() => parent.postMessage({sibling: replies}, '*'), 1500);
</script>"""

ADD_SIBLING = """
const [src, done] = arguments;
addEventListener('message', e => { if (e.data && e.data.sibling) done(e.data.sibling); });
const frame = document.createElement('iframe');
frame.src = src;
document.body.append(frame);
"""


def test_a_page_that_is_not_allowed_gets_no_answer_and_cannot_frame_it(app, host, server, tmp_path):
    open_host(app, host())  # the allowed host, with the widget ready in frames[0]
    (tmp_path / "index.html").write_text(SIBLING)
    stranger = start_plain_server(tmp_path)  # no policy: the host may frame it
    try:
        sibling = f"http://localhost:{stranger.server_address[1]}/index.html"  # another origin
        assert app.async_script(ADD_SIBLING, sibling) == []
    finally:
        stranger.shutdown()

    url = host()
    server.embed_origins = []  # now the host's origin is not on the list either
    open_host(app, url, ready=False)
    seen = []
    app.wait_for(lambda d: seen.extend(d.get_log("browser")) or any("frame-ancestors" in e["message"] for e in seen), 30)
    assert app.script("return document.documentElement.dataset.widget") is None  # no unbg:ready


def test_the_url_gives_the_widget_its_settings_and_accent(app, base_url):
    app.driver.get(f"{base_url}index.html?embed=1&model=quality&format=webp&background=00aa00&best=1&accent=aa0000")
    app.wait_for(lambda d: app.state == "ready", 60)
    assert app.find("model").get_attribute("value") == "quality"
    assert app.find("export-format").get_attribute("value") == "webp"
    assert app.find("background").get_attribute("value") == "#00aa00"
    assert app.find("best").is_selected()
    assert app.script("return getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()") == "#aa0000"
    assert not app.find_css("header.top").is_displayed()
    app.set_viewport(320, 480)  # the smallest box a host may give it
    try:
        assert not app.scrolls_sideways() and app.find_css("[data-component=dropzone]").is_displayed()
    finally:
        app.reset_viewport()

    app.driver.get(f"{base_url}index.html?embed=1&model=evil&format=gif&accent=red&best=maybe")
    app.wait_for(lambda d: app.state == "ready", 60)
    assert app.find("model").get_attribute("value") == "fast"
    assert app.find("export-format").get_attribute("value") == "png"
    assert not app.find("best").is_selected()
    assert app.script("return getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()") == "#3b5bdb"


# Post messages (an image as image_b64 becomes a Blob) and wait for the final reply of each id.
HOST_SESSION = """
const [messages, finalIds, done] = arguments;
const frame = window.unbgWidget.frame, origin = new URL(frame.src).origin, finals = {};
addEventListener('message', e => {
  const data = e.data || {};
  if (e.source !== frame.contentWindow || !['unbg:result', 'unbg:error'].includes(data.type)) return;
  finals[data.id] = data.type === 'unbg:result' ? 'result' : data.code;
  if (finalIds.every(id => id in finals)) done(finals);
});
for (const {image_b64, ...message} of messages) {
  if (image_b64) message.image = new Blob([Uint8Array.from(atob(image_b64), c => c.charCodeAt(0))]);
  frame.contentWindow.postMessage(message, origin);
}
"""


def test_the_host_cancels_a_waiting_job_and_the_widget_shows_what_it_was_asked(app, host):
    open_host(app, host())
    photo = base64.b64encode(subject_jpeg(160, 120)).decode()
    finals = app.async_script(HOST_SESSION, [
        {"type": "unbg:cut", "id": "first", "image_b64": photo},
        {"type": "unbg:cut", "id": "second", "image_b64": photo},
        {"type": "unbg:cancel", "id": "second"},  # still waiting for the first
        {"type": "unbg:cut", "id": "third", "image_b64": photo, "options": {"output": "mask"}},
    ], ["first", "second", "third"], timeout=240)
    assert finals == {"first": "result", "second": "cancelled", "third": "result"}
    app.driver.switch_to.frame(app.find_css("#cutter iframe"))
    try:
        rows = {row.get_attribute("data-id"): (row.get_attribute("data-status"), row.text)
                for row in app.driver.find_elements(By.CSS_SELECTOR, "[data-testid=host-job]")}
        thumbnails = app.script("return [...document.querySelectorAll('[data-testid=host-job] img')]"
                                ".filter(i => i.complete && i.naturalWidth > 0).length")
    finally:
        app.driver.switch_to.default_content()
    assert rows["first"][0] == rows["third"][0] == "done" and "Sent back · 160 × 120 px" in rows["first"][1]
    assert rows["second"] == ("cancelled", "Photo “second”\nCancelled by the page")
    assert thumbnails == 1  # the first's cut-out (a mask has no picture)
