#!/usr/bin/env python3
"""Smoke test of the chapter notebooks in a real JupyterLab, driven by a headless browser.

Not a pytest test and not imported by anything: run it by hand. (pytest only
collects tests/ and notebooks/, and this file defines no test functions and
imports playwright only inside main(), so even `pytest scripts/` finds nothing.)

What it does, as a reader would: for each notebooks/*.ipynb it opens the
notebook in JupyterLab, runs Kernel -> "Restart Kernel and Run All Cells...",
confirms the dialog, waits until the kernel is idle, and then checks

- that every code cell ran (JupyterLab stops "run all" at the first error),
- error outputs and stderr outputs (warnings), except in cells that raise on
  purpose (`NBVAL_RAISES_EXCEPTION` or the `raises-exception` tag),
- widget outputs that failed to render ("Error displaying widget"),
- browser console errors,

and takes screenshots of the first figures. Outputs are cleared first (Edit ->
Clear Outputs of All Cells), so everything checked comes from this run. For the
chapter 04 explorer (rnnlib/explorer.py) it also moves each FloatSlider with the
arrow keys, and drags one with the mouse, and checks that the readout and the
Image widget's picture (its PNG bytes, not just its blob: URL) change.

Needs (none of it is in requirements.txt):
  - Chromium:   apt-get update && apt-get install -y chromium     (/usr/bin/chromium)
  - playwright in a separate venv, without its browser download:
        python3 -m venv /work/venv-lab && /work/venv-lab/bin/pip install playwright
    (do not run `playwright install`; the script launches the system Chromium)
  - JupyterLab + ipywidgets + rnnlib in the project's venv (requirements.txt);
    the kernel imports rnnlib from wherever that venv installed it (an editable
    install means the working tree's rnnlib, whatever the served copy holds).
  - --allow-root is only needed when running as root.

Run it either against a JupyterLab that is already serving a copy of the repository:

    git clone . /tmp/labcopy
    cd /tmp/labcopy && OPENBLAS_NUM_THREADS=1 /work/venv/bin/jupyter lab --allow-root \\
        --no-browser --port 8899 --IdentityProvider.token=test --ServerApp.root_dir=/tmp/labcopy &
    /work/venv-lab/bin/python scripts/lab_smoke_test.py --url http://127.0.0.1:8899 --token test

or let it clone the repository's HEAD and start (and stop) JupyterLab itself:

    /work/venv-lab/bin/python scripts/lab_smoke_test.py --jupyter /work/venv/bin/jupyter

Options: --notebooks 04_hidden_view.ipynb ... (default: all), --shots DIR
(default /tmp/lab_shots), --timeout SECONDS per notebook. The test saves each
notebook from JupyterLab (to read its outputs back) and then puts the original
file back: serve a clone, never the working tree. Exit code 0 when every
notebook ran without an unexpected error and the explorer redrew; a JSON
summary goes to DIR/report.json.
"""

import argparse
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

REPO = pathlib.Path(__file__).resolve().parent.parent
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
STDERR = "application/vnd.jupyter.stderr"
ANSI = re.compile(r"\x1b\[[0-9;]*m")

# Tracks "[*]" prompts so that a fast notebook's run is still seen to start.
WATCH_BUSY_JS = """() => {
  window.__smokeSawBusy = false;
  if (window.__smokeTimer) clearInterval(window.__smokeTimer);
  window.__smokeTimer = setInterval(() => {
    const prompts = '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputPrompt';
    for (const p of document.querySelectorAll(prompts)) {
      if (p.textContent.includes('*')) { window.__smokeSawBusy = true; break; }
    }
  }, 20);
}"""

# Per DOM cell: kind, prompt, and what its outputs show.
CELLS_JS = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  return [...panel.querySelectorAll('.jp-Notebook .jp-Cell')].map((c) => {
    const prompt = c.querySelector('.jp-InputArea-prompt');
    const outs = [...c.querySelectorAll('.jp-OutputArea-output')];
    return {
      code: c.classList.contains('jp-CodeCell'),
      prompt: prompt ? prompt.textContent.trim() : '',
      stderr: outs.filter((o) => o.getAttribute('data-mime-type') === 'STDERR_MIME')
                  .map((o) => o.innerText),
      traceback: outs.some((o) => /Traceback \\(most recent call last\\)/.test(o.innerText)),
      images: c.querySelectorAll('.jp-OutputArea-output img').length,
      widgetErrors: outs.filter((o) => /Error displaying widget|Loading widget|model not found/i
                                .test(o.innerText)).map((o) => o.innerText.slice(0, 300)),
      widgets: c.querySelectorAll('.jupyter-widgets').length,
    };
  });
}""".replace("STDERR_MIME", STDERR)


def log(*args):
    print(*args, flush=True)


def http_json(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.load(r)


def shut_down_kernel(url, token, rel):
    """End the kernel session that the test opened for notebook ``rel`` (the server keeps
    running)."""
    for sess in http_json(f"{url}/api/sessions?token={token}"):
        if sess.get("path") == rel:
            req = urllib.request.Request(
                f"{url}/api/sessions/{sess['id']}?token={token}", method="DELETE"
            )
            urllib.request.urlopen(req, timeout=30).close()


def wait_for_server(url, token, seconds=90):
    end = time.time() + seconds
    while time.time() < end:
        try:
            http_json(f"{url}/api/status?token={token}")
            return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"no JupyterLab answered at {url} within {seconds} s")


def start_server(jupyter, port, token):
    """Clone HEAD to a temporary folder and serve it; returns (process, folder)."""
    root = pathlib.Path(tempfile.mkdtemp(prefix="labsmoke-"))
    subprocess.run(["git", "clone", "-q", str(REPO), str(root / "repo")], check=True)
    settings = root / "settings"  # fresh user settings: no one else's lab layout
    settings.mkdir()
    env = dict(
        os.environ,
        OPENBLAS_NUM_THREADS="1",
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(settings),
    )
    logf = open(root / "server.log", "w")
    proc = subprocess.Popen(
        [
            jupyter,
            "lab",
            "--allow-root",
            "--no-browser",
            f"--port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root / 'repo'}",
        ],
        cwd=root / "repo",
        env=env,
        stdout=logf,
        stderr=subprocess.STDOUT,
    )
    return proc, root


def expected_errors(nb_json):
    """Cells allowed to show an error (NBVAL_RAISES_EXCEPTION or the raises-exception tag), and
    those of them without the tag: JupyterLab's "run all" stops at such a cell, nbval does not."""
    allowed, untagged = set(), []
    for i, cell in enumerate(nb_json["cells"]):
        src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        tagged = "raises-exception" in cell.get("metadata", {}).get("tags", [])
        if "NBVAL_RAISES_EXCEPTION" in src or tagged:
            allowed.add(i)
            if not tagged:
                untagged.append(i)
    return allowed, untagged


def dismiss_dialogs(page):
    """Accept any dialog JupyterLab shows on opening (e.g. kernel choice)."""
    dlg = page.locator(".jp-Dialog")
    if dlg.count():
        log("   dialog on open:", dlg.first.inner_text()[:120].replace("\n", " | "))
        page.locator(".jp-Dialog .jp-mod-accept").first.click()
        page.wait_for_timeout(500)


def clear_all_outputs(page):
    """Edit menu -> Clear Outputs of All Cells, so that every output seen later comes from this
    run."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Edit").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Clear Outputs of All Cells").first.click()
    page.wait_for_function(
        """() => !document.querySelector(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output')""",
        timeout=30_000,
    )


def restart_and_run_all(page, timeout_s):
    """Kernel menu -> Restart Kernel and Run All Cells..., confirm; returns seconds until idle."""
    page.evaluate(WATCH_BUSY_JS)
    page.locator(".lm-MenuBar-itemLabel", has_text="Kernel").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Restart Kernel and Run All Cells").first.click()
    page.locator(".jp-Dialog .jp-mod-accept").first.click()
    t0 = time.time()
    page.wait_for_function("() => window.__smokeSawBusy === true", timeout=60_000)
    # finished: no "[*]" prompt left and the notebook's kernel indicator idle, for 1.5 s in a row
    stable_since = None
    while True:
        state = page.evaluate("""() => {
          const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
          const busy = [...panel.querySelectorAll('.jp-InputPrompt')]
                       .some(p => p.textContent.includes('*'));
          const ind = panel.querySelector('.jp-Notebook-ExecutionIndicator');
          return {busy, status: ind ? ind.getAttribute('data-status') : null};
        }""")
        done = not state["busy"] and state["status"] in ("idle", None)
        now = time.time()
        if done:
            stable_since = stable_since or now
            if now - stable_since >= 1.5:
                return stable_since - t0
        else:
            stable_since = None
        if now - t0 > timeout_s:
            raise TimeoutError(
                f"still running after {timeout_s} s (kernel status {state['status']})"
            )
        time.sleep(0.2)


def put_notebook(url, token, rel, nb):
    """Write notebook JSON ``nb`` to ``rel`` through the server's contents API."""
    body = json.dumps({"type": "notebook", "format": "json", "content": nb}).encode()
    req = urllib.request.Request(
        f"{url}/api/contents/{rel}?token={token}",
        data=body,
        method="PUT",
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(req, timeout=60).close()


def save_and_read(page, url, token, rel):
    """File -> Save Notebook, then read the saved outputs back (the DOM renders errors and stderr
    alike). The caller puts the original file back afterwards."""
    page.locator(".lm-MenuBar-itemLabel", has_text="File").first.click()
    page.locator(".lm-Menu-itemLabel").filter(has_text=re.compile(r"^Save Notebook$")).first.click()
    page.wait_for_function(
        """() => !document.querySelector('.lm-TabBar-tab.jp-mod-current.jp-mod-dirty')""",
        timeout=60_000,
    )
    return http_json(f"{url}/api/contents/{rel}?token={token}&content=1")["content"]


def screenshot_figures(page, stem, shots, n=2):
    """Screenshots of the first n image outputs; returns the file names."""
    taken = []
    imgs = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output img")
    for k in range(min(n, imgs.count())):
        out = imgs.nth(k).locator("xpath=ancestor::div[contains(@class,'jp-OutputArea-output')][1]")
        out.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        path = shots / f"{stem}_fig{k + 1}.png"
        out.screenshot(path=str(path))
        taken.append(path.name)
        if k == 0:  # the first figure in its place in the JupyterLab window
            page.screenshot(path=str(shots / f"{stem}_page.png"))
            taken.append(f"{stem}_page.png")
    return taken


def img_bytes(image):
    """(size, SHA-256) of the picture the <img> shows now (ipywidgets 8 serves it as a blob:
    URL)."""
    return image.evaluate("""async (el) => {
      const buf = await (await fetch(el.src)).arrayBuffer();
      const dig = await crypto.subtle.digest('SHA-256', buf);
      const hex = [...new Uint8Array(dig)].map(b => b.toString(16).padStart(2, '0')).join('');
      return [buf.byteLength, hex];
    }""")


def settled_picture(page, image, old, seconds=15):
    """Wait until the picture differs from ``old`` and then stays the same for 1 s; returns it."""
    end, last, since = time.time() + seconds, None, None
    while time.time() < end:
        now = img_bytes(image)
        if now != old and now == last:
            if time.time() - since >= 1.0:
                return now
        else:
            last, since = now, time.time()
        page.wait_for_timeout(150)
    return img_bytes(image)


def check_explorer(page, stem, shots):
    """Move each explorer slider with the keyboard; return what was observed."""
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    sliders = panel.locator(".widget-slider")
    result = {"sliders": sliders.count(), "moves": [], "ok": False}
    if not sliders.count():
        result["problem"] = "no .widget-slider on the page"
        return result
    box = sliders.first.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][1]")
    image = box.locator("img").first
    if not image.count():
        result["problem"] = "no Image widget next to the sliders"
        return result
    box.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    box.screenshot(path=str(shots / f"{stem}_explorer_before.png"))
    page.screenshot(path=str(shots / f"{stem}_explorer_page.png"))
    result["shots"] = [f"{stem}_explorer_before.png", f"{stem}_explorer_page.png"]
    for i in range(sliders.count()):
        slider = sliders.nth(i)
        name = slider.locator(".widget-label").first.inner_text().strip()
        readout = slider.locator(".widget-readout").first
        before_val, before_pic = readout.inner_text().strip(), img_bytes(image)
        handle = slider.locator(".noUi-handle").first
        handle.focus()
        t0 = time.time()
        for _ in range(4):  # four steps of 0.05, D down (it starts near the top), W and B up
            page.keyboard.press("ArrowLeft" if name == "D" else "ArrowRight")
            page.wait_for_timeout(150)
        after_pic = settled_picture(page, image, before_pic)
        after_val = readout.inner_text().strip()
        changed = after_pic != before_pic
        result["moves"].append(
            {
                "slider": name,
                "readout_before": before_val,
                "readout_after": after_val,
                "png_before": before_pic,
                "png_after": after_pic,
                "image_changed": changed,
                "seconds_to_settle": round(time.time() - t0, 1),
            }
        )
        log(
            f"   slider {name}: {before_val} -> {after_val}, picture changed: {changed} "
            f"({before_pic[0]} -> {after_pic[0]} bytes)"
        )
        if i == 0:
            box.screenshot(path=str(shots / f"{stem}_explorer_after_{name}.png"))
            result["shots"].append(f"{stem}_explorer_after_{name}.png")
    # and a mouse drag of the first slider's handle, 60 px to the left
    slider = sliders.first
    name = slider.locator(".widget-label").first.inner_text().strip()
    readout = slider.locator(".widget-readout").first
    before_val, before_pic = readout.inner_text().strip(), img_bytes(image)
    hb = slider.locator(".noUi-handle").first.bounding_box()
    x, y = hb["x"] + hb["width"] / 2, hb["y"] + hb["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for k in range(1, 7):
        page.mouse.move(x - 10 * k, y)
        page.wait_for_timeout(100)
    page.mouse.up()
    after_pic = settled_picture(page, image, before_pic)
    after_val = readout.inner_text().strip()
    result["moves"].append(
        {
            "slider": name,
            "by": "mouse drag",
            "readout_before": before_val,
            "readout_after": after_val,
            "png_before": before_pic,
            "png_after": after_pic,
            "image_changed": after_pic != before_pic,
        }
    )
    log(f"   drag {name}: {before_val} -> {after_val}, picture changed: {after_pic != before_pic}")
    page.wait_for_timeout(500)
    box.screenshot(path=str(shots / f"{stem}_explorer_after_all.png"))
    result["shots"].append(f"{stem}_explorer_after_all.png")
    result["ok"] = all(
        m["image_changed"] and m["readout_before"] != m["readout_after"] for m in result["moves"]
    )
    return result


def run_notebook(browser, url, token, rel, shots, timeout_s):
    stem = pathlib.Path(rel).stem
    nb = http_json(f"{url}/api/contents/{rel}?token={token}&content=1")["content"]
    allowed, untagged = expected_errors(nb)
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    console = []
    page.on(
        "console", lambda m: console.append(f"{m.type}: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    page.on(
        "requestfailed",
        lambda r: (
            None
            if "ERR_ABORTED" in (r.failure or "")  # left the page
            else console.append(f"request failed: {r.url[:200]} ({r.failure})")
        ),
    )
    rep = {"notebook": rel, "ok": False, "raises_without_tag": untagged}
    try:
        page.goto(f"{url}/lab/workspaces/smoke-{stem}/tree/{rel}?reset&token={token}")
        page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=120_000)
        page.wait_for_function(
            """() => { const i = document.querySelector(
            '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
            return i && i.getAttribute('data-status') === 'idle'; }""",
            timeout=120_000,
        )
        page.wait_for_timeout(1000)
        dismiss_dialogs(page)
        # JupyterLab's "Jupyter news?" toast would cover the lower right of screenshots; hide it
        # with CSS rather than answer it (an answer is saved in the server's user settings)
        page.add_style_tag(content=".Toastify { display: none !important; }")
        stored = page.evaluate(
            CELLS_JS
        )  # as opened: saved outputs, widgets from saved widget state
        rep["stored_widget_views"] = sum(c["widgets"] > 0 for c in stored)
        clear_all_outputs(page)
        rep["seconds"] = round(restart_and_run_all(page, timeout_s), 1)
        page.wait_for_timeout(1500)  # let late outputs (widgets, images) render
        cells = page.evaluate(CELLS_JS)
        rep["shots"] = screenshot_figures(page, stem, shots)
        if stem.startswith("04_"):
            rep["explorer"] = check_explorer(page, stem, shots)
        try:
            saved = save_and_read(page, url, token, rel)
        finally:
            # the served copy as it was: a notebook saved from JupyterLab differs (merged streams,
            # widget state left stale since JupyterLab does not save widget state by default)
            page.goto("about:blank")
            put_notebook(url, token, rel, nb)
        if len(cells) != len(nb["cells"]):
            rep["problem"] = f"DOM shows {len(cells)} cells, the file has {len(nb['cells'])}"
        # whether a cell ran, from the notebook JupyterLab saved: a collapsed check cell
        # (jupyter.source_hidden) shows no input prompt to read its count from
        code = [i for i, c in enumerate(saved["cells"]) if c["cell_type"] == "code"]
        counts = [saved["cells"][i].get("execution_count") or 0 for i in code]
        not_run = [i for i, n in zip(code, counts, strict=True) if not n]
        rep["code_cells"], rep["not_run"] = len(code), not_run
        rep["counts_in_order"] = counts == list(range(1, len(code) + 1))
        rep["unexpected_errors"], rep["expected_errors"], rep["stderr"], rep["widget_errors"] = (
            [],
            [],
            [],
            [],
        )
        for i, cell in enumerate(saved["cells"]):
            for out in cell.get("outputs", []):
                if out["output_type"] == "error":
                    text = ANSI.sub("", "\n".join(out["traceback"]))
                    entry = {
                        "cell": i,
                        "text": f"{out['ename']}: {out['evalue']}",
                        "traceback": text[-3000:],
                    }
                    (rep["expected_errors"] if i in allowed else rep["unexpected_errors"]).append(
                        entry
                    )
                elif out["output_type"] == "stream" and out["name"] == "stderr":
                    text = out["text"] if isinstance(out["text"], str) else "".join(out["text"])
                    rep["stderr"].append(
                        {"cell": i, "expected": i in allowed, "text": text[-3000:]}
                    )
        for i, c in enumerate(
            cells
        ):  # what the page shows: tracebacks in any output, broken widgets
            if (
                c["traceback"]
                and i not in allowed
                and not any(e["cell"] == i for e in rep["unexpected_errors"])
            ):
                rep["unexpected_errors"].append({"cell": i, "text": "traceback text in an output"})
            for w in c["widgetErrors"]:
                rep["widget_errors"].append({"cell": i, "text": w})
        rep["images"] = sum(c["images"] for c in cells)
        rep["widget_cells"] = [i for i, c in enumerate(cells) if c["widgets"]]
        rep["console_errors"] = console[:20]
        rep["ok"] = (
            not rep["unexpected_errors"]
            and not not_run
            and not rep["widget_errors"]
            and "problem" not in rep
            and rep.get("explorer", {"ok": True})["ok"]
        )
    except Exception as e:  # report and go on with the next notebook
        rep["problem"] = f"{type(e).__name__}: {e}"
        path = shots / f"{stem}_FAILED.png"
        try:
            page.screenshot(path=str(path))
            rep["shots"] = rep.get("shots", []) + [path.name]
        except Exception:
            pass
    finally:
        ctx.close()
        try:
            shut_down_kernel(url, token, rel)
        except OSError as e:
            log(f"   could not shut down the kernel of {rel}: {e}")
    return rep


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--url", help="a running JupyterLab serving a copy of the repository (root = repo)"
    )
    ap.add_argument("--token", default="smoke")
    ap.add_argument(
        "--jupyter", default="jupyter", help="jupyter executable, when the script starts the lab"
    )
    ap.add_argument("--port", type=int, default=8897)
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--notebooks", nargs="*", help="names under notebooks/ (default: all .ipynb)")
    ap.add_argument("--shots", default="/tmp/lab_shots")
    ap.add_argument("--timeout", type=float, default=900, help="seconds per notebook run")
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright  # only here: see the module docstring

    shots = pathlib.Path(args.shots)
    shots.mkdir(parents=True, exist_ok=True)
    proc = tmp = None
    url = args.url
    if url is None:
        proc, tmp = start_server(args.jupyter, args.port, args.token)
        url = f"http://127.0.0.1:{args.port}"
    url = url.rstrip("/")
    reports = []
    try:
        wait_for_server(url, args.token)
        listing = http_json(f"{url}/api/contents/notebooks?token={args.token}&content=1")["content"]
        names = sorted(f["name"] for f in listing if f["name"].endswith(".ipynb"))
        if args.notebooks:
            names = [n for n in names if n in set(args.notebooks)]
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            for name in names:
                log(f"== notebooks/{name}")
                rep = run_notebook(
                    browser, url, args.token, f"notebooks/{name}", shots, args.timeout
                )
                reports.append(rep)
                log(
                    f"   ok={rep['ok']} seconds={rep.get('seconds')} code "
                    f"cells={rep.get('code_cells')} images={rep.get('images')} stderr "
                    f"outputs={len(rep.get('stderr', []))} unexpected "
                    f"errors={len(rep.get('unexpected_errors', []))}"
                    + (f" PROBLEM: {rep['problem']}" if "problem" in rep else "")
                )
                for s in rep.get("stderr", []):
                    log(
                        f"   stderr in cell {s['cell']}{' (expected)' if s['expected'] else ''}: "
                        + s["text"].strip().replace("\n", " | ")[:400]
                    )
                if rep.get("not_run"):
                    log(f"   cells not run (run all stopped): {rep['not_run']}")
                if rep["raises_without_tag"]:
                    log(
                        "   NBVAL_RAISES_EXCEPTION without the raises-exception tag (stops "
                        f"JupyterLab's run all): cells {rep['raises_without_tag']}"
                    )
                for e in rep.get("expected_errors", []):
                    log(f"   expected error in cell {e['cell']}: {e['text'][:200]}")
                for e in rep.get("unexpected_errors", []):
                    log(
                        f"   ERROR in cell {e['cell']}: " + e["text"].strip().splitlines()[-1][:300]
                    )
                for c in rep.get("console_errors", []):
                    log(f"   console {c[:300]}")
            browser.close()
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
            shutil.rmtree(tmp, ignore_errors=True)
    (shots / "report.json").write_text(json.dumps(reports, indent=1))
    bad = [r["notebook"] for r in reports if not r["ok"]]
    log(
        f"lab smoke test: {len(reports) - len(bad)} notebooks ok, {len(bad)} not ok"
        + (f": {bad}" if bad else "")
    )
    log(f"screenshots and report.json in {shots}")
    return 1 if bad or not reports else 0


if __name__ == "__main__":
    sys.exit(main())
