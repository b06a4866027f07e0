"""Headless Debian Chromium through Playwright: no browser download, a fresh profile per launch.

Used to print the report HTML to PDF (:mod:`pipeline.reporting.pdf`) and by the browser tests.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

DEFAULT_CHROMIUM = "/usr/bin/chromium"

# Flags that work in a locked-down container: no sandbox (no user namespaces), no GPU, and no
# background traffic (the document is self-contained; nothing may reach the network).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# A4 is 210 mm wide; with 15 mm side margins the printable width is 180 mm = 680 CSS px at 96 px/in.
A4_PRINTABLE_WIDTH_PX = 680


PROFILE_PREFIX = "complaints-chromium-"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def remove_stale_folders(parent: Path, prefix: str) -> list[str]:
    """Remove the ``<prefix><pid>-*`` folders under ``parent`` whose process is no longer running
    (killed before it could remove them); returns their names. A live process's folder is left
    alone: it is in use."""
    removed = []
    for path in sorted(Path(parent).glob(f"{prefix}*")):
        pid = path.name.removeprefix(prefix).split("-", 1)[0]
        if not path.is_dir() or not pid.isdigit() or _process_alive(int(pid)):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path.name)
    return removed


def chromium_path() -> Path:
    """The Chromium executable: ``$COMPLAINTS_CHROMIUM`` or Debian's ``/usr/bin/chromium``."""
    return Path(os.environ.get("COMPLAINTS_CHROMIUM", DEFAULT_CHROMIUM))


@contextmanager
def chromium_page(viewport_width: int = 1200, viewport_height: int = 900) -> Iterator[Page]:
    """Yield a Playwright page in headless Chromium with a fresh, throw-away user-data-dir.

    Parameters
    ----------
    viewport_width, viewport_height
        Viewport in CSS pixels.

    Raises
    ------
    FileNotFoundError
        When the Chromium executable is missing (install Debian's ``chromium`` package).
    """
    # Imported here so the code location loads even where Playwright is not installed.
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if not executable.exists():
        raise FileNotFoundError(
            f"Chromium not found at {executable}: install Debian's 'chromium' package "
            "or set COMPLAINTS_CHROMIUM"
        )
    # Profiles a killed process left behind go first. Chromium may still be writing into its
    # profile just after closing; leftovers are harmless.
    remove_stale_folders(Path(tempfile.gettempdir()), PROFILE_PREFIX)
    with tempfile.TemporaryDirectory(
        prefix=f"{PROFILE_PREFIX}{os.getpid()}-", ignore_cleanup_errors=True
    ) as profile:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                user_data_dir=profile,
                # inside the profile, removed with it: in the temporary folder, Playwright's own
                # "playwright-artifacts-*" was left by every kill -9, for ever
                artifacts_dir=os.path.join(profile, ".playwright-artifacts"),
                executable_path=str(executable),
                headless=True,
                args=CHROMIUM_ARGS,
                viewport={"width": viewport_width, "height": viewport_height},
                offline=True,
            )
            try:
                page = context.pages[0] if context.pages else context.new_page()
                yield page
            finally:
                context.close()


def wait_for_charts(page: Page, timeout_ms: int = 15_000) -> None:
    """Wait until web fonts are ready and every Plotly chart on the page has drawn its SVG and
    hidden its shapes from assistive technology (``data-graphics-hidden``, see
    :data:`pipeline.reporting.charts.CHART_GRAPHICS`): printed before that, the PDF would tag each
    shape as a Figure without alternative text."""
    page.wait_for_function(
        """() => document.readyState === 'complete' &&
            [...document.querySelectorAll('.plotly-graph-div')]
                .every(div => div.querySelector('.main-svg') !== null &&
                              div.getAttribute('data-graphics-hidden') === 'true')""",
        timeout=timeout_ms,
    )
    page.evaluate("() => document.fonts.ready.then(() => true)")


def overflowing_elements(page: Page, width_px: int = A4_PRINTABLE_WIDTH_PX) -> list[str]:
    """Describe elements whose right edge lies beyond ``width_px`` of the body's content box.

    Run with print media emulated and a viewport as wide as the printable area, so the layout is the
    one Chromium will paginate.
    """
    return page.evaluate(
        """(limit) => {
            const left = document.body.getBoundingClientRect().left;
            const out = [];
            for (const el of document.body.querySelectorAll('*')) {
                const box = el.getBoundingClientRect();
                if (box.width === 0 || box.height === 0) continue;
                if (el.closest('.plotly-graph-div') && !el.classList.contains('plotly-graph-div')) continue;
                if (box.right - left > limit + 1 || el.scrollWidth > el.clientWidth + 1 &&
                        getComputedStyle(el).overflowX !== 'visible') {
                    out.push(`${el.tagName.toLowerCase()}#${el.id || ''}.${el.className || ''} ` +
                             `right=${Math.round(box.right - left)}px`);
                }
            }
            return out;
        }""",
        width_px,
    )
