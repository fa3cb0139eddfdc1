"""End-to-end check of the Axone Playground page in headless Chromium (driven by Playwright).

Usage: playground_e2e.py URL SCREENSHOT

Loads the page, picks XOR with a 2-hidden-layer tanh network and a fixed seed, presses Play and
waits (at most 60 s) until the test loss shown falls below 0.1; checks that the decision-boundary
canvas changed, that a second tab trains its own session, and that a bad setting shows the
server's error in the page. Saves a screenshot of the trained page to SCREENSHOT.
Prints one line per check; exits 0 when all pass, 1 with the reason otherwise.
"""
import sys
import time

from playwright.sync_api import sync_playwright

TRAINING_TIMEOUT_S = 60
SETTINGS = {"#dataset": "xor", "#noise": "0.15", "#seed": "7", "#hiddenLayers": "2", "#units": "4",
            "#activation": "tanh", "#loss": "cross_entropy", "#optimizer": "adam", "#learningRate": "0.03",
            "#batchSize": "10", "#dropout": "0", "#l2": "0"}


def fail(message):
    print(f"FAIL: {message}", flush=True)
    sys.exit(1)


def settled(page):
    """Waits until every settings request the page sent has been answered."""
    page.wait_for_selector('body[data-pending="0"][data-session]', timeout=60_000)   # generous: in the full suite both cores are busy


def set_controls(page, values):
    for selector, value in values.items():
        field = page.locator(selector)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
            field.dispatch_event("change")
    settled(page)


def main(url, screenshot):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 860})
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url)
        settled(page)
        set_controls(page, SETTINGS)
        page.wait_for_function("document.getElementById('epoch').textContent === '0'")
        first_session = page.get_attribute("body", "data-session")
        before = page.eval_on_selector("#boundary", "c => c.toDataURL()")
        print("ok: page loaded, XOR / 2×4 tanh / seed 7 set", flush=True)

        other = context.new_page()
        other.goto(url)
        settled(other)
        if other.get_attribute("body", "data-session") == first_session:
            fail("two tabs share one session")

        page.click("#play")
        start, test_loss = time.monotonic(), float("inf")
        while time.monotonic() - start < TRAINING_TIMEOUT_S:
            text = page.text_content("#test-loss")
            try:
                test_loss = float(text)
            except ValueError:
                test_loss = float("inf")
            if test_loss < 0.1:
                break
            page.wait_for_timeout(200)
        else:
            fail(f"the test loss shown is still {page.text_content('#test-loss')} after {TRAINING_TIMEOUT_S} s "
                 f"(epoch {page.text_content('#epoch')})")
        epoch = page.text_content("#epoch")
        print(f"ok: test loss {test_loss} < 0.1 at epoch {epoch} after {time.monotonic() - start:.1f} s", flush=True)
        page.click("#pause")
        page.wait_for_selector("#play:not([disabled])")

        after = page.eval_on_selector("#boundary", "c => c.toDataURL()")
        if after == before:
            fail("the decision-boundary canvas did not change during training")
        print("ok: the decision-boundary canvas changed", flush=True)
        if page.locator("#neurons canvas").count() != 8:
            fail(f"expected 8 hidden-unit maps, found {page.locator('#neurons canvas').count()}")
        if other.text_content("#epoch") != "0":
            fail(f"the second tab's session trained too (epoch {other.text_content('#epoch')})")
        print("ok: 8 hidden-unit maps; the second tab's session stayed at epoch 0", flush=True)
        page.screenshot(path=screenshot, full_page=True)
        print(f"ok: screenshot saved to {screenshot}", flush=True)

        set_controls(page, {"#units": "10000"})
        banner = page.locator("#error")
        banner.wait_for(state="visible", timeout=5_000)
        if "units" not in banner.text_content():
            fail(f"the error shown does not name the bad field: {banner.text_content()!r}")
        print(f"ok: a bad setting shows the server's error: {banner.text_content()!r}", flush=True)
        if errors:
            fail(f"JavaScript errors in the page: {errors}")
        browser.close()
    print("PASS", flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        fail("usage: playground_e2e.py URL SCREENSHOT")
    main(sys.argv[1], sys.argv[2])
