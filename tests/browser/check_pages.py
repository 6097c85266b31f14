#!/usr/bin/python3
"""Checks attention-explorer pages in headless Chromium (Debian's chromium,
chromium-driver and python3-selenium), and keeps a screenshot of each.

  check_pages.py --shots DIR page.html [page.html ...]

For every page: no console errors; for every explorer on it, the matrix has as
many cells as the JSON has weights (each attention of the first sentences);
hovering an output token highlights exactly the cells of its JSON row, with the
same weights, and hovering a source token its column; the step control
advances; the beam tree has at most beam x steps nodes; the SVG export has one
rectangle per cell. Prints the page's size and its first contentful paint.
Exit code 1 when a check fails.
"""
import argparse
import os
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("  FAIL: " + what)
    return ok


def driver():
    o = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1200,1600",
              "--hide-scrollbars", "--disable-dev-shm-usage"):
        o.add_argument(a)
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)


def weights_equal(dom, json_row):
    return len(dom) == len(json_row) and all(abs(float(a) - float(b)) < 1e-9
                                             for a, b in zip(dom, json_row))


def wait_drawn(root, seconds=60):
    """Large matrices are drawn in chunks: wait for the last one."""
    end = time.time() + seconds
    while not root.find_elements(By.CSS_SELECTOR, ".grid[data-done]"):
        if time.time() > end:
            check(False, "the matrix was not drawn within %d s" % seconds)
            return
        time.sleep(0.05)


def check_explorer(d, i, ex):
    root = d.find_element(By.CSS_SELECTOR, '.explorer[data-i="%d"]' % i)
    sel = root.find_elements(By.CSS_SELECTOR, "select.pick")
    n_sent = min(len(ex["sentences"]), 3)
    for si in range(n_sent):
        if si > 0:
            d.execute_script("var s=arguments[0]; s.value=String(arguments[1]);"
                             "s.dispatchEvent(new Event('change'));", sel[0], si)
        s = ex["sentences"][si]
        for ai, a in enumerate(s["attn"]):
            root.find_elements(By.CSS_SELECTOR, "button.attn")[ai].click()
            where = "explorer %d sentence %d attention %d" % (i, si, ai)
            wait_drawn(root)
            cells = root.find_elements(By.CSS_SELECTOR, ".grid .c")
            want = sum(len(r) for r in a["rows"])
            check(len(cells) == want, "%s: %d cells drawn, the JSON has %d" % (where, len(cells), want))
            # Hover the output token of a middle row: exactly its JSON row lights up.
            r = next((k for k in range(len(a["rows"]) // 2, -1, -1) if a["rows"][k]), None)
            if r is not None:
                rh = root.find_element(By.CSS_SELECTOR, '.grid .rh[data-r="%d"]' % r)
                d.execute_script("arguments[0].scrollIntoView({block:'center'})", rh)
                ActionChains(d).move_to_element(rh).perform()
                hl = d.execute_script(
                    "return Array.from(arguments[0].querySelectorAll('.grid .c.hl'))"
                    ".sort((a,b)=>a.dataset.c-b.dataset.c).map(e=>[e.dataset.r,e.dataset.w])", root)
                check(all(int(x[0]) == r for x in hl) and weights_equal([x[1] for x in hl], a["rows"][r]),
                      "%s: hovering output token %d highlights %s, JSON row %s" % (where, r, hl, a["rows"][r]))
                # ... and a source token: its column.
                c = 0
                ch = root.find_element(By.CSS_SELECTOR, '.grid .ch[data-c="%d"]' % c)
                d.execute_script("arguments[0].scrollIntoView({block:'center'})", ch)
                ActionChains(d).move_to_element(ch).perform()
                col = d.execute_script(
                    "return Array.from(arguments[0].querySelectorAll('.grid .c.hl'))"
                    ".sort((a,b)=>a.dataset.r-b.dataset.r).map(e=>e.dataset.w)", root)
                check(weights_equal(col, [row[c] for row in a["rows"] if len(row) > c]),
                      "%s: hovering column %d highlights the wrong cells" % (where, c))
            svg = d.execute_script("return window.s2sExplorer.explorers[arguments[0]].svg()", i)
            check(svg.startswith("<svg") and svg.count("<rect x=") == want,
                  "%s: the SVG export has %d cells, want %d" % (where, svg.count("<rect x="), want))
        # The step control: each click shows the next step, with the chosen token's probability.
        nb = root.find_element(By.CSS_SELECTOR, "button.step-next")
        lab = root.find_element(By.CSS_SELECTOR, ".step-label")
        steps = []
        for _ in range(min(3, len(s["tgt"]))):
            nb.click()
            steps.append(int(lab.get_attribute("data-step")))
        check(steps == list(range(len(steps))), "explorer %d: the step control gave steps %s" % (i, steps))
        if steps:
            info = root.find_element(By.CSS_SELECTOR, ".stepinfo").text
            check(s["tgt"][steps[-1]] in info, "explorer %d: step %d does not name its token" % (i, steps[-1]))
        root.find_element(By.CSS_SELECTOR, "button.step-all").click()
        if "beam" in s:
            nodes = root.find_elements(By.CSS_SELECTOR, ".beam .bnode")
            n_steps = max(n[1] for n in s["beam"]) + 1
            check(len(nodes) == len(s["beam"]) and len(nodes) <= ex["beam"] * n_steps,
                  "explorer %d: beam tree has %d nodes (JSON %d), beam %d x %d steps"
                  % (i, len(nodes), len(s["beam"]), ex["beam"], n_steps))
    if sel:
        d.execute_script("var s=arguments[0]; s.value='0'; s.dispatchEvent(new Event('change'));", sel[0])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shots", required=True, help="folder for the screenshots")
    ap.add_argument("pages", nargs="+")
    args = ap.parse_args()
    os.makedirs(args.shots, exist_ok=True)
    d = driver()
    try:
        for page in args.pages:
            path = os.path.abspath(page)
            name = os.path.basename(os.path.dirname(path)) + "_" + os.path.basename(path)
            with open(path, encoding="utf-8") as f:  # the page says its language
                if '<html lang="zh' in f.read(200):
                    name = "zh_" + name
            print("%s: %.0f kB" % (page, os.path.getsize(path) / 1024))
            d.get_log("browser")  # drop the previous page's
            t0 = time.time()
            d.get("file://" + path)
            load = time.time() - t0
            fcp = -1
            for _ in range(50):  # the paint entry may come a frame after the load event
                fcp = d.execute_script(
                    "var p=performance.getEntriesByType('paint').filter("
                    "e=>e.name==='first-contentful-paint');return p.length ? p[0].startTime : -1")
                if fcp >= 0:
                    break
                time.sleep(0.05)
            drawn_ms = d.execute_script(
                "var g=document.querySelectorAll('.grid');for(var k=0;k<g.length;k++)"
                "if(!g[k].hasAttribute('data-done'))return -1;return performance.now()")
            while drawn_ms < 0 and time.time() - t0 < 60:
                time.sleep(0.05)
                drawn_ms = d.execute_script(
                    "var g=document.querySelectorAll('.grid');for(var k=0;k<g.length;k++)"
                    "if(!g[k].hasAttribute('data-done'))return -1;return performance.now()")
            print("  loaded in %.2f s, first contentful paint %.0f ms, all matrices drawn by %.0f ms"
                  % (load, fcp, drawn_ms))
            data = d.execute_script("return window.s2sExplorer ? window.s2sExplorer.data : null")
            check(data is not None, "%s: the explorer script did not run" % page)
            if data:
                drawn = len(d.find_elements(By.CSS_SELECTOR, ".explorer[data-i]"))
                check(drawn == len(data["explorers"]), "%s: %d explorers drawn, JSON has %d"
                      % (page, drawn, len(data["explorers"])))
                for i, ex in enumerate(data["explorers"]):
                    check_explorer(d, i, ex)
            d.execute_script("window.scrollTo(0,0);document.querySelectorAll('.grid-wrap')"
                             ".forEach(function(e){e.scrollTop=0;e.scrollLeft=0})")
            d.save_screenshot(os.path.join(args.shots, name.replace(".html", ".png")))
            for sec in d.find_elements(By.CSS_SELECTOR, "section.explorers")[:1]:
                d.execute_script("arguments[0].scrollIntoView()", sec)
                sec.screenshot(os.path.join(args.shots, name.replace(".html", "_explorer.png")))
            errors = [e for e in d.get_log("browser") if e.get("level") == "SEVERE"]
            check(not errors, "%s: console errors: %s" % (page, errors))
    finally:
        d.quit()
    print("browser checks: %d pages, %d failures" % (len(args.pages), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
