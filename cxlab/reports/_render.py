"""Turn executed notebooks into what reviewers read: HTML pages, PNG figures and an index."""
from __future__ import annotations

import base64
import html
import logging
from pathlib import Path
from typing import Any

__all__ = ["render_html", "extract_figures", "write_index"]

_STATUS_COLOUR = {"ok": "#1a7f37", "failed": "#cf222e", "skipped": "#6e7781", "running": "#9a6700",
                  "interrupted": "#9a6700"}


def render_html(notebook: Path, target: Path, *, hide_code: bool = False) -> Path:
    """Write an HTML render of ``notebook`` to ``target`` (code cells hidden if ``hide_code``)."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(notebook, as_version=4)
    exporter = HTMLExporter(
        template_name="lab",
        exclude_input=hide_code,
        exclude_input_prompt=hide_code,
        exclude_output_prompt=hide_code,
    )
    if hide_code:
        # the injected-parameters cell has no output: without its code it is an empty box
        nb.cells = [c for c in nb.cells if "injected-parameters" not in c.metadata.get("tags", [])]
    # nbconvert warns for every matplotlib image (they carry no alt text): noise in cron logs
    log, level = exporter.log, exporter.log.level
    log.setLevel(logging.ERROR)
    try:
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": notebook.stem}})
    finally:
        log.setLevel(level)
    _write_text(target, body)
    return target


def _user_cells(nb):
    """Cells of the source notebook: without papermill's injected and error-marker cells."""
    skip = {"injected-parameters", "papermill-error-cell-tag"}
    return [c for c in nb.cells if not skip & set(c.metadata.get("tags", []))]


def extract_figures(notebook: Path, folder: Path) -> list[Path]:
    """Save every PNG output of ``notebook`` as ``<notebook>_<cell>_<n>.png`` in ``folder``.

    ``<cell>`` is the cell's 1-based position in the source notebook (zero-padded; the same
    whatever parameters were injected) and ``<n>`` numbers the images of that cell from 1.
    """
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    written = []
    for position, cell in enumerate(_user_cells(nb), start=1):
        n = 0
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" not in data:
                continue
            n += 1
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{notebook.stem}_{position:02d}_{n}.png"
            path.write_bytes(base64.b64decode(data["image/png"]))
            written.append(path)
    return written


def notebook_title(notebook: Path) -> str:
    """The first Markdown heading of ``notebook`` (``""`` when it has none)."""
    import json

    try:
        nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        for line in ("".join(source) if isinstance(source, list) else source).splitlines():
            if line.startswith("#"):
                return line.lstrip("#").strip()
    return ""


def _write_text(target: Path, text: str) -> None:
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)


def _fmt_params(params: dict[str, Any]) -> str:
    if not params:
        return "<span class='muted'>defaults</span>"
    return "<br>".join(
        f"<code>{html.escape(k)} = {html.escape(repr(v))}</code>" for k, v in params.items()
    )


def _when(stamp) -> str:
    return str(stamp).replace("T", " ").replace("Z", " UTC") if stamp else "-"


def write_index(manifest: dict[str, Any], target: Path) -> Path:
    """Write ``index.html``: one row per notebook with its status and links."""
    esc = html.escape
    rows = []
    for nb in manifest["notebooks"]:
        colour = _STATUS_COLOUR.get(nb["status"], "#000")
        name = esc(nb.get("title") or nb["name"])
        link = f"<a href='{esc(nb['html'])}'>{name}</a>" if nb.get("html") else name
        link += f"<div class='muted small'>{esc(nb['name'])}</div>"
        files = []
        if nb.get("executed"):
            files.append(f"<a href='{esc(nb['executed'])}'>notebook</a>")
        if nb.get("figures"):
            links = " ".join(f"<a href='{esc(f)}'>{i}</a>" for i, f in enumerate(nb["figures"], 1))
            files.append(f"figures {links}")
        duration = f"{nb['duration_s']:.1f} s" if nb.get("duration_s") is not None else ""
        detail = ""
        if nb.get("error"):
            err = nb["error"]
            where = f"cell {err['cell']}" if err.get("cell") else "start-up"
            if err.get("execution_count"):
                where += f" (In [{err['execution_count']}])"
            detail = f"<div class='err'>{esc(where)}: {esc(err['line'])}</div>"
        rows.append(
            f"<tr><td>{link}{detail}</td>"
            f"<td><span class='badge' style='background:{colour}'>{esc(nb['status'])}</span></td>"
            f"<td class='num'>{duration}</td><td>{_fmt_params(nb.get('given', {}))}</td>"
            f"<td>{' &middot; '.join(files)}</td></tr>"
        )
    inputs = manifest.get("inputs", {})
    n_files = len(inputs.get("files", {}))
    folders = ", ".join(esc(f) for f in inputs.get("folders", []))
    input_text = (f"{n_files} file(s) under {folders}, hashed (sha256) in the manifest" if folders
                  else "no input folder recorded (no data_dir or *_file parameter)")
    status = manifest.get("status", "")
    body = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>cxlab report {esc(manifest['run_id'])}</title>
<style>
body {{ font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2rem auto;
       max-width: 1100px; color: #1f2328; line-height: 1.45; padding: 0 1rem; }}
h1 {{ font-size: 1.6rem; margin-bottom: .2rem; }}
.muted {{ color: #6e7781; }}
.small {{ font-size: .8rem; }}
table {{ border-collapse: collapse; width: 100%; margin: 1rem 0; }}
th, td {{ text-align: left; padding: .55rem .7rem; border-bottom: 1px solid #d0d7de; vertical-align: top; }}
th {{ background: #f6f8fa; font-weight: 600; }}
td.num {{ text-align: right; white-space: nowrap; }}
.badge {{ color: white; border-radius: 1em; padding: .1rem .6rem; font-size: .85rem; }}
.err {{ color: #cf222e; font-family: monospace; font-size: .85rem; margin-top: .3rem; }}
code {{ font-size: .85rem; }}
dl {{ display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; }}
dt {{ font-weight: 600; }} dd {{ margin: 0; }}
</style></head><body>
<h1>cxlab report <code>{esc(manifest['run_id'])}</code></h1>
<p class="muted">Run <b>{esc(status)}</b>; started {esc(_when(manifest.get('started_at')))},
finished {esc(_when(manifest.get('finished_at')))}; cxlab {esc(manifest.get('cxlab_version', ''))}.
Open a notebook's title to read it.</p>
<table><thead><tr><th>Notebook</th><th>Status</th><th>Time</th><th>Parameters given</th>
<th>Files</th></tr></thead><tbody>
{''.join(rows)}
</tbody></table>
<dl>
<dt>Input data</dt><dd>{input_text}</dd>
<dt>Details</dt><dd><a href="manifest.json">manifest.json</a> (parameters, input hashes,
package versions, timings)</dd>
</dl>
</body></html>
"""
    _write_text(target, body)
    return target
