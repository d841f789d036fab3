#!/usr/bin/env python3
"""The README's reference-network table from scripts/reference-verify.sh's reports.

Usage: reference-table.py OUT STEPS BATCH   (OUT holds json/NAME.json and json/NAME.meta)
A model without a report, or whose report is an error, gets a row saying so: no number is made up.
"""
import json
import os
import subprocess
import sys

ORDER = ["resnet18", "mobilenet_v1", "mobilenet_v2", "resnet50", "resnet50_v2", "vgg16_bn", "densenet121",
         "efficientnet_b0", "inception_v3", "xception", "unet", "unet_paper",
         "transformer_block", "bert_base", "bert_large", "vit_base", "lstm_lm"]


def dec(v):
    return "NaN" if v is None else "%+.2f" % v


def measured(m):
    """verdict (first-to-last, signal) of one measurement, or where it stopped being finite."""
    if m is None:
        return "not trained"
    v = m["verdict"]
    if m.get("nonFiniteAt") and v == "unknown":
        v = "not finite (at `%s`)" % m["nonFiniteAt"]
    return "%s (%s, %s)" % (v, dec(m.get("firstToLastDecades")), dec(m.get("signalDecades")))


def findings(model):
    fs = model.get("findings", [])
    if not fs:
        return "none"
    groups = {}
    for f in fs:
        groups.setdefault((f["rule"], f["severity"], f.get("check")), []).append(f.get("layer") or "-")
    out = []
    for (rule, severity, check), layers in groups.items():
        where = "at `%s`" % layers[0] if len(layers) == 1 else "%d, at `%s`..`%s`" % (len(layers), layers[0],
                                                                                      layers[-1])
        out.append("%s %s %s%s" % (rule, severity, where, " (%s)" % check if check else ""))
    return "; ".join(out)


def main():
    out, steps, batch = sys.argv[1], sys.argv[2], sys.argv[3]
    print("| model | input, batch, steps | predicted: verdict (first-to-last, signal) | measured at initialisation "
          "| measured after the steps | findings (check) | agreement | time |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in ORDER:
        path = os.path.join(out, "json", name + ".json")
        meta = os.path.join(out, "json", name + ".meta")
        res, secs = "", ""
        if os.path.exists(meta):
            res, secs = open(meta).read().split()
        if not os.path.exists(path):
            print("| `%s.json` | | | not measured in this run | | | | |" % name)
            continue
        report = json.load(open(path))
        if not report.get("models"):
            msg = "; ".join(e["message"] for e in report.get("errors", [])) or "no result"
            # the prediction still stands: lint the same copy
            lint = lint_copy(out, name)
            pred = "%s (%s, %s)" % (lint["verdict"], dec(lint["gradient"].get("firstToLastDecades")),
                                    dec(lint["gradient"].get("signalDecades"))) if lint else ""
            print("| `%s.json` | %s, %s, %s | %s | not measured: %s | | %s | | %s s |"
                  % (name, shape(name, res), batch, steps, pred, msg.replace("|", "\\|"),
                     findings(lint) if lint else "", secs))
            continue
        m = report["models"][0]
        g = m["gradient"]
        meas = m["measured"]
        after = meas.get("afterSteps")
        pred = "%s (%s, %s)" % (m["verdict"], dec(g.get("firstToLastDecades")), dec(g.get("signalDecades")))
        agree = "yes" if meas["verdict"] == m["verdict"] and (after is None or after["verdict"] == m["verdict"]) \
            else "no"
        if g.get("firstToLastDecades") is not None and meas.get("firstToLastDecades") is not None:
            agree += "; first-to-last off by %.2f" % abs(g["firstToLastDecades"] - meas["firstToLastDecades"])
        trained = meas.get("steps", 0)
        cut = " (%s)" % meas["cut"] if meas.get("cut") else ""
        print("| `%s.json` | %s, %s, %s | %s | %s | %s%s | %s | %s | %s s |"
              % (name, shape(name, res), batch, trained, pred, measured(meas), measured(after), cut,
                 findings(m), agree, secs))


def lint_copy(out, name):
    """gradflow lint's JSON report of the measured copy, or None."""
    path = os.path.join(out, "models", name + ".json")
    if not os.path.exists(path):
        return None
    r = subprocess.run(["./gradflow", "lint", "--format", "json", path], capture_output=True, text=True)
    models = json.loads(r.stdout).get("models", []) if r.stdout.strip() else []
    return models[0] if models else None


def shape(name, res):
    if not res:
        return "?"
    if name in ("transformer_block", "bert_base", "bert_large", "lstm_lm"):
        return "as written"
    if name == "vit_base":
        return "%sx%s (%d patches)" % (res, res, (int(res) // 16) ** 2)
    return "%sx%s" % (res, res)


if __name__ == "__main__":
    main()
