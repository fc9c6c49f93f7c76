/// The dashboard's one stylesheet, served at `DashboardRoutes.stylesheetPath`.
///
/// In Swift rather than a resource file so the target has no bundle to find at run time, and
/// the state colours are written from `DashboardState` so squares, pills, DAG nodes and Gantt
/// bars cannot disagree.
enum Stylesheet {
    static let css: String = base + states

    /// A short content hash (FNV-1a, 64 bits) for cache-busting; not a security measure.
    static let hash: String = {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in css.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01b3
        }
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }()

    private static var states: String {
        var light = ":root {\n", dark = "@media (prefers-color-scheme: dark) {\n  :root {\n"
        var rules = ""
        for state in DashboardState.allCases {
            light += "  --state-\(state.rawValue): \(state.colors.light);\n"
            dark += "    --state-\(state.rawValue): \(state.colors.dark);\n"
            rules += ".\(state.cssClass) { --state: var(--state-\(state.rawValue)); }\n"
        }
        return light + "}\n" + dark + "  }\n}\n" + rules
    }

    private static let base = """
    :root {
      color-scheme: light dark;
      --bg: #f7f8fa; --panel: #ffffff; --text: #1d2330; --muted: #5f6877; --line: #dde1e7;
      --accent: #2f63c8; --danger: #c03030; --code: #f0f2f5; --edge: #8a93a3;
      --radius: 6px; --gap: 1rem;
    }
    @media (prefers-color-scheme: dark) {
      :root {
        --bg: #12151b; --panel: #1b1f27; --text: #e4e7ec; --muted: #9aa3b2; --line: #2d333e;
        --accent: #7aa7ff; --danger: #ff7070; --code: #0e1116; --edge: #6d7686;
      }
      .pill, .pill.state-pending, .pill.state-skipped, .pill.state-cached { color: #0e1116; }
      button.danger { color: #0e1116; }
    }
    * { box-sizing: border-box; }
    html { -webkit-text-size-adjust: 100%; }
    body { margin: 0; background: var(--bg); color: var(--text);
      font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
    a { color: var(--accent); }
    code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em; }
    .muted { color: var(--muted); }
    header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1.25rem;
      padding: 0.6rem var(--gap); background: var(--panel); border-bottom: 1px solid var(--line); }
    header.top .brand { font-weight: 700; font-size: 1.15rem; text-decoration: none; color: var(--text); }
    header.top nav { display: flex; gap: 1rem; }
    header.top nav a { text-decoration: none; padding: 0.2rem 0; }
    header.top nav a[aria-current="page"] { font-weight: 600; border-bottom: 2px solid var(--accent); }
    header.top .who { margin-left: auto; display: flex; align-items: center; gap: 0.5rem; }
    header.top .who form { margin: 0; }
    main { max-width: 1400px; margin: 0 auto; padding: var(--gap); }
    h1 { font-size: 1.4rem; margin: 0.2rem 0 0.8rem; overflow-wrap: anywhere; }
    h2 { font-size: 1.1rem; margin: 1.5rem 0 0.6rem; }
    section.panel, .card { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius);
      padding: 0.8rem var(--gap); margin-bottom: var(--gap); }
    .notice { background: var(--panel); border-left: 4px solid var(--accent); padding: 0.5rem 0.8rem; margin-bottom: var(--gap); }
    .error-text { color: var(--danger); }
    dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0; }
    dl.facts dt { color: var(--muted); }
    dl.facts dd { margin: 0; overflow-wrap: anywhere; }
    .columns { display: grid; gap: var(--gap); grid-template-columns: 1fr; }
    @media (min-width: 1200px) { .columns { grid-template-columns: 1fr 1fr; } }
    .scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
    table { width: 100%; border-collapse: collapse; background: var(--panel); }
    th, td { text-align: left; padding: 0.45rem 0.6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
    th { font-size: 0.85rem; color: var(--muted); font-weight: 600; white-space: nowrap; }
    td.num { font-variant-numeric: tabular-nums; }
    .table-box { border: 1px solid var(--line); border-radius: var(--radius); overflow: hidden; }
    @media (max-width: 700px) {
      table.cards thead { display: none; }
      table.cards, table.cards tbody, table.cards tr, table.cards td { display: block; width: 100%; }
      table.cards tr { border-bottom: 1px solid var(--line); padding: 0.4rem 0; }
      table.cards td { border: 0; padding: 0.2rem 0.8rem; display: flex; gap: 0.75rem; }
      table.cards td::before { content: attr(data-label); flex: 0 0 7.5rem; color: var(--muted); font-size: 0.85rem; }
      table.cards td > .v { flex: 1 1 auto; min-width: 0; overflow-wrap: anywhere; }
    }
    .pill { display: inline-block; padding: 0.05rem 0.55rem; border-radius: 999px; font-size: 0.8rem;
      font-weight: 600; white-space: nowrap; color: #fff; background: var(--state, #888); }
    .state-pending .pill, .pill.state-pending, .pill.state-skipped, .pill.state-cached { color: #1d2330; }
    .badge { display: inline-block; padding: 0.05rem 0.5rem; border-radius: var(--radius); font-size: 0.8rem;
      border: 1px solid var(--line); background: var(--code); white-space: nowrap; }
    .badge.warn { border-color: var(--state-cancelled); }
    .grid { display: flex; gap: 3px; flex-wrap: nowrap; }
    .grid a.sq { display: block; width: 16px; height: 16px; border-radius: 3px; background: var(--state, #888);
      outline-offset: 1px; }
    .grid a.sq:hover, .grid a.sq:focus { outline: 2px solid var(--text); }
    .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    form.inline { display: inline; }
    form.action { display: flex; flex-wrap: wrap; align-items: end; gap: 0.5rem; margin: 0.4rem 0; }
    label { display: flex; flex-direction: column; font-size: 0.85rem; color: var(--muted); gap: 0.15rem; }
    input, select, button { font: inherit; padding: 0.35rem 0.6rem; border-radius: var(--radius);
      border: 1px solid var(--line); background: var(--bg); color: var(--text); }
    button { cursor: pointer; background: var(--accent); color: #fff; border-color: var(--accent); }
    button.secondary { background: var(--panel); color: var(--text); border-color: var(--line); }
    button.danger { background: var(--danger); border-color: var(--danger); }
    svg.chart { display: block; width: 100%; height: auto; }
    /* The graph keeps its drawn size where it fits and scrolls below 640px rather than
       shrinking its labels away; the timeline always stretches, never below 640px. */
    svg#dag { width: auto; max-width: max(100%, 640px); }
    svg#gantt { min-width: 640px; }
    ul.diagnostics { list-style: none; padding: 0; }
    section.panel > h2:first-child { margin-top: 0; }
    svg.chart text { fill: var(--text); font: 12px system-ui, sans-serif; }
    svg.chart text.sub { fill: var(--muted); font-size: 10.5px; }
    svg.chart .dag-node rect { fill: var(--state, #888); fill-opacity: 0.22; stroke: var(--state, #888); stroke-width: 2; }
    svg.chart .dag-edge { fill: none; stroke: var(--edge); stroke-width: 1.5; }
    svg.chart #dag-arrow path { fill: var(--edge); }
    svg.chart .gantt-bar { fill: var(--state, #888); }
    svg.chart .axis line { stroke: var(--line); }
    svg.chart .axis text { fill: var(--muted); font-size: 11px; }
    svg.chart .row-line { stroke: var(--line); stroke-dasharray: 2 3; }
    .legend { display: flex; flex-wrap: wrap; gap: 0.4rem 0.9rem; font-size: 0.85rem; margin: 0.4rem 0 0; padding: 0; list-style: none; }
    .legend li { display: flex; align-items: center; gap: 0.35rem; }
    .legend .swatch { width: 12px; height: 12px; border-radius: 3px; background: var(--state, #888); }
    details.log-panel { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); margin-bottom: 0.6rem; }
    details.log-panel summary { padding: 0.5rem 0.8rem; cursor: pointer; display: flex; gap: 0.6rem; align-items: center; flex-wrap: wrap; }
    pre.log { margin: 0; padding: 0.6rem 0.8rem; background: var(--code); max-height: 28rem; overflow: auto;
      white-space: pre-wrap; overflow-wrap: anywhere; border-top: 1px solid var(--line); }
    pre.log > span { display: block; min-height: 1.2em; }
    .diag { border-left: 4px solid var(--state-failed); padding: 0.4rem 0.8rem; margin: 0.5rem 0; background: var(--code); overflow-wrap: anywhere; }
    .diag.warning { border-left-color: var(--state-cancelled); }
    .signin { max-width: 26rem; margin: 3rem auto; }
    .signin form { display: flex; flex-direction: column; gap: 0.8rem; }

    """
}
