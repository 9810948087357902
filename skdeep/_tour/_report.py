"""The tour's outputs: the printed table and the self-contained HTML report."""

import csv
import html
from pathlib import Path

NAME_WIDTH = 34


def format_table(result):
    """The section's table as printed: model, mean +- std, fit seconds per fold."""
    lines = [result.title, f"  {'model':<{NAME_WIDTH}}{result.metric:>10}{'':>10}{'fit s/fold':>12}"]
    for row in result.rows:
        lines.append(
            f"  {row.name:<{NAME_WIDTH}}{row.scores.mean():>10.4f} +- {row.scores.std():<6.4f}"
            f"{row.fit_times.mean():>12.2f}"
        )
    return "\n".join(lines)


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1100px;
margin:2em auto;padding:0 1em;color:#1d1d1f;line-height:1.45}
h1{margin-bottom:.2em}.meta{color:#555}
table{border-collapse:collapse;margin:.8em 0}
th,td{padding:.3em .9em;border-bottom:1px solid #ddd;text-align:right}
th:first-child,td:first-child{text-align:left}
tr.baseline td{color:#555}tr.skdeep td:first-child{font-weight:600}
section{border-top:2px solid #e4e4e4;margin-top:2em;padding-top:.5em}
figure{display:inline-table;margin:.5em 1em .5em 0;vertical-align:top}
figure img{max-width:100%;border:1px solid #eee}
figcaption{display:table-caption;caption-side:bottom;font-size:.9em;color:#444;padding-top:.3em}
.note{color:#7a4b00}
"""


def _table_html(result):
    head = (f"<tr><th>model</th><th>{html.escape(result.metric)} (mean)</th><th>std</th>"
            "<th>fit seconds per fold</th><th>folds</th></tr>")
    body = "".join(
        f'<tr class="{"baseline" if row.baseline else "skdeep"}"><td>{html.escape(row.name)}</td>'
        f"<td>{row.scores.mean():.4f}</td><td>{row.scores.std():.4f}</td>"
        f"<td>{row.fit_times.mean():.2f}</td><td>{len(row.scores)}</td></tr>"
        for row in result.rows
    )
    return f"<table>{head}{body}</table>"


def _section_html(result):
    parts = [f'<section id="{result.key}"><h2>{html.escape(result.title)}</h2>']
    if result.description:
        parts.append(f"<p>{html.escape(result.description)}</p>")
    if result.rows:
        parts.append(_table_html(result))
    parts += [f'<p class="note">{html.escape(note)}</p>' for note in result.notes]
    for fig in result.figures:
        parts.append(
            f'<figure><img alt="{html.escape(fig.title)}" src="data:image/png;base64,{fig.png}">'
            f"<figcaption><b>{html.escape(fig.title)}.</b> {html.escape(fig.caption)}</figcaption></figure>"
        )
    parts.append(f"<p class=\"meta\">Section time {result.seconds:.0f} s.</p></section>")
    return "".join(parts)


def write_report(results, output, header, settings):
    """Write ``index.html`` (one self-contained page) and ``results.csv`` to ``output``."""
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    toc = "".join(f'<li><a href="#{r.key}">{html.escape(r.title)}</a></li>' for r in results)
    page = (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<title>skdeep tour</title>"
        f"<style>{_CSS}</style></head><body>"
        "<h1>skdeep tour</h1>"
        f"<p class=\"meta\">{html.escape(header)}<br>{html.escape(settings)}</p>"
        "<p>Each family is cross-validated on bundled data; every skdeep model is scored "
        "on the same folds as its classical baseline (grey rows). Fit times are seconds "
        "per fold on this machine.</p>"
        f"<ul>{toc}</ul>"
        + "".join(_section_html(r) for r in results)
        + "</body></html>"
    )
    index = output / "index.html"
    index.write_text(page, encoding="utf-8")
    with open(output / "results.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["section", "model", "baseline", "metric", "mean", "std",
                         "fit_seconds_per_fold", "folds"])
        for result in results:
            for row in result.rows:
                writer.writerow([result.key, row.name, row.baseline, result.metric,
                                 f"{row.scores.mean():.6f}", f"{row.scores.std():.6f}",
                                 f"{row.fit_times.mean():.4f}", len(row.scores)])
    return index
