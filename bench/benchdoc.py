"""The Markdown of bench/run's results: tables, targets and verdicts.

bench/run measures; this module turns its results into the tables of
docs/PERFORMANCE.md (between its markers) and says which targets are met.
"""
import os
import platform
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BEGIN = "<!-- bench:begin -->"
END = "<!-- bench:end -->"


def machine():
    """Where the figures come from."""
    model = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1])
    with open("/proc/loadavg") as f:
        load = f.read().split()[0]
    try:
        import bugzilla
        pyver = bugzilla.__version__
    except Exception:
        pyver = None
    rev = subprocess.run(["git", "-C", TOP, "rev-parse", "--short", "HEAD"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True).stdout.strip()
    return {"nproc": os.cpu_count(), "cpu": model,
            "memory_mib": mem // 1024, "kernel": platform.release(),
            "loadavg_1min_at_start": float(load),
            "python_bugzilla": pyver, "python": platform.python_version(),
            "commit": rev}


def ms(s):
    """Seconds as milliseconds for the tables."""
    return "%.1f" % (s * 1e3)


def mib(k):
    """KiB as MiB."""
    return "%.1f" % (k / 1024.0)


def row(name, scale, r):
    """One line of the scenario table."""
    fl = r.get("floor")
    ratio = "%.2f" % (r["requests"] / fl) if fl else ""
    return "| %s | %d× | %d | %s | %s | %.0f | %s | %s | %s |" % (
        name, scale, r["requests"], fl if fl else "", ratio,
        r["bytes"] / 1024.0, ms(r["wall_s"]), ms(r["cpu_s"]),
        mib(r["rss_kib"]))


def verdict(ok):
    """Met or missed."""
    return "met" if ok else "**missed**"


def targets(by):
    """The issue's targets against the figures."""
    t = []
    one, ten = by.get(1), by.get(10)
    for sc in sorted(by):
        b = by[sc].get("backfill")
        if b is not None:
            t.append(("backfill at the floor (%d×, issue 18)" % sc,
                      "%d / %d" % (b["requests"], b["floor"]),
                      verdict(b["requests"] <= b["floor"])))
    if one:
        w = one["warm"]
        t.append(("warm poll, no change: 2 requests, < 5 ms CPU "
                  "(`ccwatch sync`, whole process)",
                  "%d req, %s ms" % (w["requests"], ms(w["cpu_s"])),
                  verdict(w["requests"] == 2 and w["cpu_s"] < 0.005)))
        pc = one["daemon"]["cpu_s_per_incremental_cycle"]
        if pc is not None:
            t.append(("warm poll, no change: < 5 ms CPU (a ccwatchd cycle)",
                      "%s ms" % ms(pc), verdict(pc < 0.005)))
        q, qb = one.get("quiet"), one.get("quiet_base")
        if q is not None:
            t.append(("quiet ccwatchd cycle (feed, alerts): 2 requests",
                      "max %d" % max(q["requests_per_quiet_cycle"]),
                      verdict(set(q["requests_per_quiet_cycle"]) == {2})))
            ev = q["evaluations_per_cycle"]
            t.append(("one evaluation per cycle (issue 14)",
                      "%.2f" % ev if ev is not None else "n/a",
                      verdict(ev == 1)))
        if q is not None and qb is not None:
            t.append(("CPU per quiet cycle no worse than before (issue 14)",
                      "%s ms vs %s ms" % (ms(q["cpu_s_per_quiet_cycle"]),
                                          ms(qb["cpu_s_per_quiet_cycle"])),
                      verdict(q["cpu_s_per_quiet_cycle"] <=
                              qb["cpu_s_per_quiet_cycle"])))
        c = one["cold"]
        t.append(("cold sync: requests ≤ 1.1 × floor (1×)",
                  "%d / %d" % (c["requests"], c["floor"]),
                  verdict(c["requests"] <= 1.1 * c["floor"])))
        py = one["python_bugzilla"]
        ratio = py["cpu_s"] / c["cpu_s"]
        t.append(("cold sync: ≥ 20× less CPU than python-bugzilla (1×)",
                  "%.1f×" % ratio, verdict(ratio >= 20)))
        t.append(("cold sync: peak RSS < 32 MB (1×)",
                  "%s MiB" % mib(c["rss_kib"]),
                  verdict(c["rss_kib"] < 32 * 1000)))
        e = one["eval"]
        t.append(("evaluating every clock (1×): < 20 ms",
                  "%.1f ms eval + %.1f ms load" % (e["eval_cpu_ms"],
                                                   e["load_cpu_ms"]),
                  verdict(e["eval_cpu_ms"] + e["load_cpu_ms"] < 20)))
    if one and ten:
        c1, c10 = one["cold"], ten["cold"]
        t.append(("cold sync: requests ≤ 1.1 × floor (10×)",
                  "%d / %d" % (c10["requests"], c10["floor"]),
                  verdict(c10["requests"] <= 1.1 * c10["floor"])))
        if "parse" in ten:
            f = ten["parse"]["jansson_cpu_ms"] / 1e3
            t.append(("cold sync CPU within 1.3 × parsing its responses "
                      "alone (10×, issue 16)",
                      "%.2f× (%s ms / %.1f ms)" % (c10["cpu_s"] / f,
                                                  ms(c10["cpu_s"]), f * 1e3),
                      verdict(c10["cpu_s"] <= 1.3 * f)))
        ir = ten.get("instructions") or {}
        if ir.get("cold") and ir.get("floor"):
            t.append(("cold sync instructions within 1.3 × parsing alone "
                      "(10×, issue 16)",
                      "%.2f×" % (ir["cold"] / ir["floor"]),
                      verdict(ir["cold"] <= 1.3 * ir["floor"])))
        if ir.get("cold") and ir.get("cold_noarena"):
            t.append(("the arena saves instructions (10×)",
                      "%.2f× of those without"
                      % (ir["cold"] / ir["cold_noarena"]),
                      verdict(ir["cold"] < ir["cold_noarena"])))
        py = ten["python_bugzilla"]
        ratio = py["cpu_s"] / c10["cpu_s"]
        t.append(("cold sync: ≥ 20× less CPU than python-bugzilla (10×)",
                  "%.1f×" % ratio, verdict(ratio >= 20)))
        g = c10["rss_kib"] / c1["rss_kib"]
        t.append(("cold sync: RSS sub-linear 1× → 10×",
                  "%.2f× the RSS for 10× the bugs" % g, verdict(g < 10)))
        e1, e10 = one["eval"], ten["eval"]
        if e1["instructions"] and e10["instructions"]:
            gi = e10["instructions"] / e1["instructions"]
            ge = (e10["comments"] + e10["history"]) / \
                (e1["comments"] + e1["history"])
            t.append(("evaluation linear 1× → 10×",
                      "%.2f× the instructions for %.2f× the events"
                      % (gi, ge), verdict(gi <= 1.25 * ge)))
        if e1.get("action_instructions") and e10.get("action_instructions"):
            ga = e10["action_instructions"] / e1["action_instructions"]
            t.append(("action items linear 1× → 10×",
                      "%.2f× the instructions for %.2f× the events"
                      % (ga, ge), verdict(ga <= 1.25 * ge)))
    return t


def markdown(results):
    """The tables of a run."""
    m = results["machine"]
    by = {r["scale"]: r for r in results["scales"]}
    out = ["Run of %s on %d × %s, %d MiB, Linux %s (load %.2f at start), "
           "commit %s; python-bugzilla %s."
           % (results["date"], m["nproc"], m["cpu"], m["memory_mib"],
              m["kernel"], m["loadavg_1min_at_start"], m["commit"],
              m["python_bugzilla"]), ""]
    out.append("| scenario | corpus | requests | floor | ×floor | KiB | "
               "wall ms | CPU ms | peak RSS MiB |")
    out.append("|---|---|---|---|---|---|---|---|---|")
    for s in sorted(by):
        r = by[s]
        if "startup" in r:
            out.append(row("`ccwatch version` (start-up only)", s,
                           r["startup"]))
        out.append(row("cold sync (open bugs, full threads)", s, r["cold"]))
        out.append(row("python-bugzilla, same work", s,
                       r["python_bugzilla"]))
        out.append(row("warm poll, no change", s, r["warm"]))
        out.append(row("warm poll, %d bugs changed (%d open)"
                       % (r["corpus"]["changed"],
                          r["corpus"]["changed_open"]), s,
                       r["warm_changed"]))
        if "backfill" in r:
            out.append(row("sync --backfill, %d resolved bugs"
                           % r["backfill"]["bugs"], s, r["backfill"]))
            out.append(row("report, every bug as of the anchor (%d "
                           "deadlines)" % r["report_as_of"]["deadlines"], s,
                           r["report_as_of"]))
            out.append(row("report, filling the outcome cache", s,
                           r["report_cache_cold"]))
            out.append(row("report, from the cache", s,
                           r["report_cache_warm"]))
    out += ["", "| cold sync against parsing alone (CPU ms) | corpus | "
            "response KiB | cold sync | without the arena | before "
            "(--base) | parse only: jansson (floor) | jansson in an arena | "
            "into the model | into the model, no arena | cold ÷ floor |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    for s in sorted(by):
        r = by[s]
        if "parse" not in r:
            continue
        pa, base = r["parse"], r.get("cold_base")
        out.append("| | %d× | %.0f | %s | %s | %s | %.1f | %.1f | %.1f | "
                   "%.1f | %.2f× |"
                   % (s, pa["bytes"] / 1024.0, ms(r["cold"]["cpu_s"]),
                      ms(r["cold_noarena"]["cpu_s"]),
                      ms(base["cpu_s"]) if base else "n/a",
                      pa["jansson_cpu_ms"], pa["arena_cpu_ms"],
                      pa["model_cpu_ms"], pa["model_noarena_cpu_ms"],
                      r["cold"]["cpu_s"] * 1e3 / pa["jansson_cpu_ms"]))
    out += ["", "| cold sync against parsing alone (instructions, callgrind) "
            "| corpus | cold sync | without the arena | before (--base) | "
            "parse only: jansson (floor) | into the model | cold ÷ floor |",
            "|---|---|---|---|---|---|---|---|"]
    for s in sorted(by):
        ir = by[s].get("instructions")
        if not ir or not ir.get("floor") or not ir.get("cold"):
            continue
        out.append("| | %d× | %s | %s | %s | %s | %s | %.2f× |"
                   % (s, "{:,}".format(ir["cold"]),
                      "{:,}".format(ir["cold_noarena"]),
                      "{:,}".format(ir["cold_base"])
                      if ir.get("cold_base") else "n/a",
                      "{:,}".format(ir["floor"]), "{:,}".format(ir["model"]),
                      ir["cold"] / ir["floor"]))
    out += ["", "| evaluation | corpus | open bugs | comments + history | "
            "clocks | load CPU ms | eval CPU ms | instructions (callgrind) "
            "| peak RSS MiB |", "|---|---|---|---|---|---|---|---|---|"]
    for s in sorted(by):
        e = by[s]["eval"]
        out.append("| policy_eval, every open bug | %d× | %d | %d | %d | "
                   "%.1f | %.2f | %s | %s |"
                   % (s, e["bugs"], e["comments"] + e["history"],
                      e["clocks"], e["load_cpu_ms"], e["eval_cpu_ms"],
                      "{:,}".format(e["instructions"])
                      if e["instructions"] else "n/a", mib(e["rss_kib"])))
    out += ["", "| action items | corpus | items | open / overdue / complete / "
            "canceled / dropped | action-item clocks | instructions "
            "(callgrind) | share of policy_eval |", "|---|---|---|---|---|---|---|"]
    for s in sorted(by):
        e = by[s]["eval"]
        st = e.get("action_items_by_state", {})
        ai = e.get("action_instructions")
        out.append("| policy_eval_actions, every open bug | %d× | %d | %s | %d | "
                   "%s | %s |"
                   % (s, e.get("action_items", 0),
                      " / ".join(str(st.get(k, 0)) for k in
                                 ("open", "overdue", "complete", "canceled",
                                  "dropped")),
                      e.get("action_item_clocks", 0),
                      "{:,}".format(ai) if ai else "n/a",
                      "%.1f %%" % (100.0 * ai / e["instructions"])
                      if ai and e["instructions"] else "n/a"))
    out += ["", "| daemon (poll_interval 2 s) | corpus | cycles | requests "
            "| RSS at end MiB | VmHWM MiB | CPU ms | CPU ms per "
            "incremental cycle |", "|---|---|---|---|---|---|---|---|"]
    for s in sorted(by):
        d = by[s]["daemon"]
        pc = d["cpu_s_per_incremental_cycle"]
        out.append("| ccwatchd, first cycle full, then incremental | %d× | "
                   "%d | %d | %s | %s | %s | %s |"
                   % (s, d["cycles"], d["requests"], mib(d["rss_kib"]),
                      mib(d["hwm_kib"]), ms(d["cpu_s"]),
                      ms(pc) if pc is not None else "n/a"))
    out += ["", "| ccwatchd quiet cycle (feed directory, alerts, "
            "STATUS=; every 2 s) | corpus | requests per cycle | CPU ms "
            "per cycle | evaluations per cycle |", "|---|---|---|---|---|"]
    for s in sorted(by):
        for key, name in (("quiet", "this build"),
                          ("quiet_base", "before (--base)")):
            q = by[s].get(key)
            if q is None:
                continue
            ev = q["evaluations_per_cycle"]
            out.append("| %s | %d× | %s | %s | %s |"
                       % (name, s, ", ".join(str(n) for n in
                                             q["requests_per_quiet_cycle"]),
                          ms(q["cpu_s_per_quiet_cycle"]),
                          "%.2f" % ev if ev is not None else "not counted"))
    out += ["", "| python-bugzilla ÷ ccwatch, cold | corpus | requests | "
            "CPU | peak RSS | same bugs, comments, history |",
            "|---|---|---|---|---|---|"]
    for s in sorted(by):
        c, py = by[s]["cold"], by[s]["python_bugzilla"]
        out.append("| | %d× | %.1f× | %.1f× | %.1f× | %s |"
                   % (s, py["requests"] / c["requests"],
                      py["cpu_s"] / c["cpu_s"], py["rss_kib"] / c["rss_kib"],
                      "yes" if by[s]["same_work"] else "**no**"))
    out += ["", "| target (issues 8, 14, 16, 18) | measured | verdict |",
            "|---|---|---|"]
    for name, got, v in targets(by):
        out.append("| %s | %s | %s |" % (name, got, v))
    return "\n".join(out) + "\n"


def update_doc(path, text):
    """Replace what lies between the markers of path with text."""
    with open(path, encoding="utf-8") as f:
        doc = f.read()
    a, b = doc.find(BEGIN), doc.find(END)
    if a < 0 or b < a:
        print("bench: %s has no %s ... %s markers; not updated"
              % (path, BEGIN, END), file=sys.stderr)
        return
    doc = doc[:a + len(BEGIN)] + "\n" + text + doc[b:]
    with open(path, "w", encoding="utf-8") as f:
        f.write(doc)
