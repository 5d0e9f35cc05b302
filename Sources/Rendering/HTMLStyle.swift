/// The report's inline style sheet and script. System fonts only: a serif body at a
/// ~70-character measure, sans-serif headings, booktabs-style tables with tabular figures.
enum HTMLStyle {
    static let css = """
    :root {
      --ink: #1f1f1c; --muted: #6a6860; --rule: #d8d4ca; --paper: #ffffff;
      --accent: #7b2d26; --link: #1d4f7a; --tint: #f4f2ec; --code-rule: #e2ddd2;
      --pass: #2e6b3a; --fail: #a12a1f;
      --serif: "Iowan Old Style", "Palatino Linotype", Palatino, "Book Antiqua",
               "Source Serif 4", "Source Serif Pro", Georgia, "Liberation Serif", "DejaVu Serif", serif;
      --sans: system-ui, -apple-system, "Segoe UI", "Helvetica Neue", "Liberation Sans",
              "DejaVu Sans", Arial, sans-serif;
      --mono: ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace;
    }
    * { box-sizing: border-box; }
    html { background: var(--paper); }
    body { margin: 0 auto; padding: 3.5rem 1.5rem 4rem; max-width: calc(70ch + 3rem); color: var(--ink);
           font-family: var(--serif); font-size: 1.125rem; line-height: 1.6;
           text-rendering: optimizeLegibility; font-kerning: normal; hyphens: auto;
           overflow-wrap: break-word; }
    a { color: var(--link); }
    .title-block { border-bottom: 1px solid var(--rule); padding-bottom: 1.25rem; margin-bottom: 1.5rem; }
    .title { font-family: var(--serif); font-weight: 600; font-size: 2.1rem; line-height: 1.2;
             letter-spacing: -0.01em; margin: 0 0 0.6rem; }
    .byline { font-family: var(--sans); font-size: 0.95rem; color: var(--muted); margin: 0; }
    .byline .author { color: var(--ink); font-weight: 500; }
    .controls { margin: 0.9rem 0 0; }
    #toggle-code { font: 500 0.8rem var(--sans); color: var(--muted); background: transparent;
                   border: 1px solid var(--rule); border-radius: 999px; padding: 0.25rem 0.8rem; cursor: pointer; }
    #toggle-code:hover { color: var(--ink); border-color: var(--muted); }
    .run-stopped { font-family: var(--sans); font-size: 0.9rem; background: #fbeeec; color: var(--fail);
                   border-left: 3px solid var(--fail); padding: 0.6rem 0.9rem; }
    .toc { font-family: var(--sans); font-size: 0.9rem; margin: 0 0 2.5rem; }
    .toc h2 { font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.12em; color: var(--muted);
              margin: 0 0 0.5rem; font-weight: 600; }
    .toc ol { list-style: none; margin: 0; padding-left: 0; }
    .toc ol ol { padding-left: 1.6rem; }
    .toc li { margin: 0.15rem 0; }
    .toc a { color: var(--ink); text-decoration: none; }
    .toc a:hover { color: var(--link); text-decoration: underline; }
    .toc .secnum, h2 .secnum, h3 .secnum, h4 .secnum, h5 .secnum, h6 .secnum {
      color: var(--muted); font-variant-numeric: tabular-nums; margin-right: 0.35em; }
    h2, h3, h4, h5, h6 { font-family: var(--sans); line-height: 1.3; color: var(--ink); }
    main h2 { font-size: 1.35rem; font-weight: 600; margin: 2.6rem 0 0.8rem; }
    main h3 { font-size: 1.1rem; font-weight: 600; margin: 2rem 0 0.6rem; }
    main h4, main h5, main h6 { font-size: 1rem; font-weight: 600; margin: 1.6rem 0 0.5rem; }
    p { margin: 0 0 1rem; }
    ul, ol { padding-left: 1.5rem; margin: 0 0 1rem; }
    blockquote { margin: 0 0 1rem; padding: 0 0 0 1rem; border-left: 3px solid var(--rule); color: var(--muted); }
    hr { border: 0; border-top: 1px solid var(--rule); margin: 2rem 0; }
    code { font-family: var(--mono); font-size: 0.84em; background: var(--tint); padding: 0.05em 0.2em; border-radius: 3px; }
    p code, li code { white-space: nowrap; }
    pre { font-family: var(--mono); font-size: 0.8rem; line-height: 1.5; overflow-x: auto; margin: 0 0 1rem; }
    pre code { background: none; padding: 0; font-size: inherit; }
    pre.code { background: var(--tint); border-left: 3px solid var(--code-rule); padding: 0.75rem 1rem; border-radius: 0 4px 4px 0; }
    .tok-keyword { color: #8a2a6b; font-weight: 600; }
    .tok-type { color: #1d4f7a; }
    .tok-string { color: #9a4a10; }
    .tok-number { color: #0f6b5c; }
    .tok-comment { color: #7b7a72; font-style: italic; }
    .tok-attribute { color: #6b4fa0; }
    .cell { margin: 0 0 1.25rem; }
    .cell-code > summary { font-family: var(--sans); font-size: 0.78rem; color: var(--muted); cursor: pointer;
                           margin-bottom: 0.4rem; user-select: none; width: max-content; }
    .cell-code > summary:hover { color: var(--ink); }
    .cell-meta { color: #9a978d; margin-left: 0.3em; }
    .text-output { background: transparent; border-left: 3px solid var(--rule); padding: 0.2rem 0 0.2rem 1rem; color: #33332f; }
    .markdown-output { margin: 0 0 1rem; }
    .expectation, .metric { font-family: var(--sans); font-size: 0.85rem; margin: 0 0 0.5rem; }
    .expectation .mark { display: inline-block; width: 1.2em; font-weight: 700; }
    .expectation.pass { color: var(--pass); }
    .expectation.fail { color: var(--fail); font-weight: 600; }
    .metric { color: var(--muted); }
    .metric-name { font-family: var(--mono); font-size: 0.95em; }
    .metric-value { color: var(--ink); font-variant-numeric: tabular-nums; }
    .error { border: 1px solid #e4b9b3; border-left: 4px solid var(--fail); background: #fcf1ef;
             padding: 0.7rem 1rem; margin: 0 0 1rem; border-radius: 0 4px 4px 0; }
    .error-title { font-family: var(--sans); font-weight: 600; color: var(--fail); margin: 0 0 0.4rem; font-size: 0.9rem; }
    .error.kept { border-left-color: #b8742a; background: #fcf6ec; border-color: #ead6b8; }
    .error.kept .error-title { color: #8a5216; }
    .error pre { margin: 0; white-space: pre-wrap; color: #5a1a14; }
    .not-run { font-family: var(--sans); font-size: 0.8rem; color: var(--muted); font-style: italic; }
    figure { margin: 1.75rem 0; }
    .figure-body svg { display: block; width: 100%; height: auto; }
    .figure-body img, main img { max-width: 100%; height: auto; }
    figcaption { font-size: 0.92rem; line-height: 1.45; color: #3b3a36; }
    .figure figcaption { margin-top: 0.6rem; }
    .table figcaption { margin-bottom: 0.5rem; }
    .caption-label { font-family: var(--sans); font-weight: 600; font-size: 0.92em; margin-right: 0.2em; }
    .table-wrap { overflow-x: auto; }
    table { border-collapse: collapse; width: auto; min-width: 50%; font-family: var(--sans); font-size: 0.86rem;
            font-variant-numeric: tabular-nums lining-nums; border-top: 1.5px solid var(--ink);
            border-bottom: 1.5px solid var(--ink); margin: 0 0 1rem; }
    thead th { border-bottom: 1px solid var(--ink); font-weight: 600; }
    th, td { padding: 0.3rem 0.75rem; text-align: left; vertical-align: top; }
    th:first-child, td:first-child { padding-left: 0.25rem; }
    tbody tr:nth-child(even) { background: rgba(0, 0, 0, 0.018); }
    .r { text-align: right; } .c { text-align: center; } .l { text-align: left; }
    a.xref { text-decoration: none; border-bottom: 1px dotted var(--link); }
    .xref-missing, .inline-missing { color: var(--fail); }
    .inline-value { font-variant-numeric: tabular-nums; }
    .missing-image { color: var(--muted); font-style: italic; }
    .callout { margin: 0 0 1.2rem; padding: 0.7rem 1rem 0.1rem; border: 1px solid var(--callout-rule);
               border-left: 4px solid var(--callout-accent); background: var(--callout-tint); border-radius: 0 4px 4px 0; }
    .callout-title { font-family: var(--sans); font-size: 0.85rem; font-weight: 600; color: var(--callout-accent);
                     margin: 0 0 0.45rem; }
    .callout > :last-child { margin-bottom: 0.6rem; }
    .callout-note { --callout-accent: #1d5a8c; --callout-tint: #f1f6fb; --callout-rule: #cfdeeb; }
    .callout-tip { --callout-accent: #2e6b3a; --callout-tint: #f1f8f2; --callout-rule: #cfe3d3; }
    .callout-warning { --callout-accent: #8a5a06; --callout-tint: #fdf7ea; --callout-rule: #efdcb2; }
    .callout-important { --callout-accent: #a12a1f; --callout-tint: #fcf1ef; --callout-rule: #eccbc6; }
    .callout-caution { --callout-accent: #a14a10; --callout-tint: #fdf3ec; --callout-rule: #efd3bf; }
    .citation a { text-decoration: none; }
    .references { margin-top: 3rem; }
    .references h2 { font-size: 1.35rem; font-weight: 600; margin: 0 0 0.8rem; }
    .references ol { list-style: none; padding-left: 0; }
    .references li { padding-left: 2.6em; text-indent: -2.6em; margin: 0 0 0.5rem; font-size: 0.95rem; }
    .references .ref-number { display: inline-block; min-width: 2.6em; text-indent: 0; font-variant-numeric: tabular-nums; }
    .provenance { margin-top: 3.5rem; padding-top: 1rem; border-top: 1px solid var(--rule);
                  font-family: var(--sans); font-size: 0.78rem; color: var(--muted); }
    .provenance h2 { font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.12em; margin: 0 0 0.6rem; }
    .provenance dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 1.2rem; margin: 0 0 0.8rem; }
    .provenance dt { font-weight: 600; color: #4a4944; }
    .provenance dd { margin: 0; overflow-wrap: anywhere; font-variant-numeric: tabular-nums; }
    .provenance summary { cursor: pointer; margin-bottom: 0.4rem; }
    .provenance table { font-size: 0.78rem; min-width: 0; }
    @media (max-width: 600px) { body { padding-top: 2rem; font-size: 1rem; } .title { font-size: 1.7rem; } }
    @media print {
      @page { size: auto; margin: 22mm 20mm; }
      html, body { background: #fff; }
      body { max-width: none; padding: 0; font-size: 10.5pt; }
      .controls { display: none; }
      details:not([open]) { display: none; }
      .cell-code > summary { display: none; }
      a { color: inherit; text-decoration: none; }
      main h2, main h3 { break-after: avoid; }
      figure, .error, .callout, tr { break-inside: avoid; }
      .callout { background: #fff; }
      pre { white-space: pre-wrap; font-size: 8pt; }
    }

    """

    /// Show/hide all code. Plain ES5, no globals, no errors when there are no cells.
    static let script = """
    (function () {
      var button = document.getElementById("toggle-code");
      if (!button) { return; }
      var blocks = document.querySelectorAll("details.cell-code");
      function setAll(open) {
        for (var i = 0; i < blocks.length; i++) { blocks[i].open = open; }
        button.textContent = open ? "Hide all code" : "Show all code";
        button.setAttribute("aria-pressed", open ? "true" : "false");
      }
      button.addEventListener("click", function () {
        var anyClosed = false;
        for (var i = 0; i < blocks.length; i++) { if (!blocks[i].open) { anyClosed = true; } }
        setAll(anyClosed);
      });
    })();

    """
}
