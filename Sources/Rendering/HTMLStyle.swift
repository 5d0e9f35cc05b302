/// The report's inline style sheet and script. System fonts only: a serif body at a
/// ~70-character measure, sans-serif headings, booktabs-style tables with tabular figures.
/// Every width from a 400 px phone up: figures keep a minimum width (their smallest text
/// at 9 CSS px or more) and scroll in their own box, as do wide tables and code; on wide
/// screens the contents sit in a sticky sidebar. Dark mode follows the system, with
/// figures on a light card.
enum HTMLStyle {
    static let css = """
        :root {
          color-scheme: light dark;
          --ink: #1f1f1c; --muted: #6a6860; --faint: #9a978d; --rule: #d8d4ca; --paper: #ffffff;
          --accent: #7b2d26; --link: #1d4f7a; --tint: #f4f2ec; --code-rule: #e2ddd2;
          --caption: #3b3a36; --output: #33332f; --strong-muted: #4a4944; --stripe: rgba(0, 0, 0, 0.018);
          --pass: #2e6b3a; --fail: #a12a1f; --scroll-shadow: rgba(0, 0, 0, 0.2);
          --error-tint: #fcf1ef; --error-rule: #e4b9b3; --error-text: #5a1a14;
          --kept-tint: #fcf6ec; --kept-rule: #ead6b8; --kept-title: #8a5216;
          --tok-keyword: #8a2a6b; --tok-type: #1d4f7a; --tok-string: #9a4a10; --tok-number: #0f6b5c;
          --tok-comment: #66655e; --tok-attribute: #6b4fa0;
          --serif: "Iowan Old Style", "Palatino Linotype", Palatino, "Book Antiqua",
                   "Source Serif 4", "Source Serif Pro", Georgia, "Liberation Serif", "DejaVu Serif", serif;
          --sans: system-ui, -apple-system, "Segoe UI", "Helvetica Neue", "Liberation Sans",
                  "DejaVu Sans", Arial, sans-serif;
          --mono: ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace;
        }
        * { box-sizing: border-box; }
        html { background: var(--paper); }
        body { margin: 0 auto; padding: 3.5rem 1.5rem 4rem; max-width: calc(70ch + 3rem); color: var(--ink);
               background: var(--paper);
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
        #toggle-code, .copy, .fig-zoom {
          font: 500 0.8rem var(--sans); color: var(--muted); background: var(--paper);
          border: 1px solid var(--rule); border-radius: 999px; padding: 0.25rem 0.8rem; cursor: pointer; }
        #toggle-code:hover, .copy:hover, .fig-zoom:hover { color: var(--ink); border-color: var(--muted); }
        .run-stopped { font-family: var(--sans); font-size: 0.9rem; background: var(--error-tint); color: var(--fail);
                       border-left: 3px solid var(--fail); padding: 0.6rem 0.9rem; }
        .toc { font-family: var(--sans); font-size: 0.9rem; margin: 0 0 2.5rem; }
        .toc h2 { font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.12em; color: var(--muted);
                  margin: 0 0 0.5rem; font-weight: 600; }
        .toc ol { list-style: none; margin: 0; padding-left: 0; }
        .toc ol ol { padding-left: 1.6rem; }
        .toc li { margin: 0.15rem 0; }
        .toc a { color: var(--ink); text-decoration: none; }
        .toc a:hover { color: var(--link); text-decoration: underline; }
        .toc a[aria-current] { color: var(--accent); font-weight: 600; }
        .toc .secnum, h2 .secnum, h3 .secnum, h4 .secnum, h5 .secnum, h6 .secnum {
          color: var(--muted); font-variant-numeric: tabular-nums; margin-right: 0.35em; }
        h2, h3, h4, h5, h6 { font-family: var(--sans); line-height: 1.3; color: var(--ink); }
        main h2 { font-size: 1.35rem; font-weight: 600; margin: 2.6rem 0 0.8rem; }
        main h3 { font-size: 1.1rem; font-weight: 600; margin: 2rem 0 0.6rem; }
        main h4, main h5, main h6 { font-size: 1rem; font-weight: 600; margin: 1.6rem 0 0.5rem; }
        main [id] { scroll-margin-top: 1rem; }
        .anchor { margin-left: 0.4em; color: var(--faint); text-decoration: none; font-weight: 400; opacity: 0; }
        :hover > .anchor, .anchor:focus { opacity: 1; }
        @media (hover: none) { .anchor { opacity: 0.6; } }
        p { margin: 0 0 1rem; }
        ul, ol { padding-left: 1.5rem; margin: 0 0 1rem; }
        blockquote { margin: 0 0 1rem; padding: 0 0 0 1rem; border-left: 3px solid var(--rule); color: var(--muted); }
        hr { border: 0; border-top: 1px solid var(--rule); margin: 2rem 0; }
        code { font-family: var(--mono); font-size: 0.84em; background: var(--tint); padding: 0.05em 0.2em; border-radius: 3px; }
        pre { font-family: var(--mono); font-size: 0.8rem; line-height: 1.5; overflow-x: auto; margin: 0 0 1rem; }
        pre code { background: none; padding: 0; font-size: inherit; }
        pre.code { border-left: 3px solid var(--code-rule); padding: 0.75rem 1rem; border-radius: 0 4px 4px 0; }
        pre.wrap { white-space: pre-wrap; overflow-wrap: anywhere; padding-right: 4.5rem; }
        /* Scroll shadows: a box wider than its content shows a shadow on the side that scrolls. */
        pre.code, .table-wrap {
          background: linear-gradient(to right, var(--scroll-bg) 30%, rgba(0, 0, 0, 0)) left center / 2.5rem 100% no-repeat local,
                      linear-gradient(to left, var(--scroll-bg) 30%, rgba(0, 0, 0, 0)) right center / 2.5rem 100% no-repeat local,
                      radial-gradient(farthest-side at 0 50%, var(--scroll-shadow), rgba(0, 0, 0, 0)) left center / 0.8rem 100% no-repeat scroll,
                      radial-gradient(farthest-side at 100% 50%, var(--scroll-shadow), rgba(0, 0, 0, 0)) right center / 0.8rem 100% no-repeat scroll,
                      var(--scroll-bg); }
        pre.code { --scroll-bg: var(--tint); }
        .table-wrap { --scroll-bg: var(--paper); }
        .code-wrap { position: relative; }
        .cell .code-wrap .copy { top: -1.85rem; }
        .code-wrap .copy { position: absolute; top: 0.35rem; right: 0.35rem; padding: 0.1rem 0.6rem; font-size: 0.72rem;
                           opacity: 0; transition: opacity 0.15s; }
        .code-wrap:hover .copy, .code-wrap .copy:focus { opacity: 1; }
        @media (hover: none) { .code-wrap .copy { opacity: 0.85; } }
        .tok-keyword { color: var(--tok-keyword); font-weight: 600; }
        .tok-type { color: var(--tok-type); }
        .tok-string { color: var(--tok-string); }
        .tok-number { color: var(--tok-number); }
        .tok-comment { color: var(--tok-comment); font-style: italic; }
        .tok-attribute { color: var(--tok-attribute); }
        .cell { margin: 0 0 1.25rem; }
        .cell-code > summary { font-family: var(--sans); font-size: 0.78rem; color: var(--muted); cursor: pointer;
                               margin-bottom: 0.4rem; user-select: none; width: max-content; max-width: 100%; }
        .cell-code > summary:hover { color: var(--ink); }
        .cell-meta { color: var(--faint); margin-left: 0.3em; }
        .text-output { background: transparent; border-left: 3px solid var(--rule); padding: 0.2rem 0 0.2rem 1rem; color: var(--output);
                       white-space: pre-wrap; overflow-wrap: anywhere; }
        .markdown-output { margin: 0 0 1rem; }
        .expectation, .metric { font-family: var(--sans); font-size: 0.85rem; margin: 0 0 0.5rem; }
        .expectation .mark { display: inline-block; width: 1.2em; font-weight: 700; }
        .expectation.pass { color: var(--pass); }
        .expectation.fail { color: var(--fail); font-weight: 600; }
        .metric { color: var(--muted); }
        .metric-name { font-family: var(--mono); font-size: 0.95em; }
        .metric-value { color: var(--ink); font-variant-numeric: tabular-nums; }
        .error { border: 1px solid var(--error-rule); border-left: 4px solid var(--fail); background: var(--error-tint);
                 padding: 0.7rem 1rem; margin: 0 0 1rem; border-radius: 0 4px 4px 0; }
        .error-title { font-family: var(--sans); font-weight: 600; color: var(--fail); margin: 0 0 0.4rem; font-size: 0.9rem; }
        .error.kept { border-left-color: #b8742a; background: var(--kept-tint); border-color: var(--kept-rule); }
        .error.kept .error-title { color: var(--kept-title); }
        .error pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; color: var(--error-text); }
        .not-run { font-family: var(--sans); font-size: 0.8rem; color: var(--muted); font-style: italic; }
        figure { margin: 1.75rem 0; }
        .figure { position: relative; }
        .figure-body { overflow-x: auto; overscroll-behavior-x: contain; cursor: zoom-in; }
        .figure-body svg { display: block; width: 100%; min-width: var(--fig-min, 0); height: auto; }
        .figure-body img, main img { max-width: 100%; height: auto; }
        .fig-zoom { position: absolute; top: -1.6rem; right: 0; z-index: 2; padding: 0.1rem 0.55rem; font-size: 0.72rem;
                    opacity: 0; transition: opacity 0.15s; }
        .figure:hover .fig-zoom, .fig-zoom:focus { opacity: 1; }
        @media (hover: none) { .fig-zoom { opacity: 0.85; } }
        .figure.zoomed .figure-body { position: fixed; inset: 0; z-index: 50; margin: 0; padding: 3rem 1rem 1rem;
                                      background: rgba(20, 20, 18, 0.94); overflow: auto; cursor: zoom-out; }
        .figure.zoomed .figure-body svg {
          width: max(calc(var(--fig-min, 0px) * 1.25), min(100%, calc((100vh - 4.5rem) / var(--fig-ratio, 0.7))));
          max-width: none; min-width: 0; margin: 0 auto; background: #fff; border-radius: 4px; }
        .figure.zoomed .fig-zoom { position: fixed; top: 0.75rem; right: 0.75rem; z-index: 51; opacity: 1; }
        body.zooming { overflow: hidden; }
        figcaption { font-size: 0.92rem; line-height: 1.45; color: var(--caption); }
        .figure figcaption { margin-top: 0.6rem; }
        .table figcaption { margin-bottom: 0.5rem; }
        .caption-label { font-family: var(--sans); font-weight: 600; font-size: 0.92em; margin-right: 0.2em; }
        .table-wrap { overflow-x: auto; overscroll-behavior-x: contain; }
        table { border-collapse: collapse; width: auto; min-width: 50%; font-family: var(--sans); font-size: 0.86rem;
                font-variant-numeric: tabular-nums lining-nums; border-top: 1.5px solid var(--ink);
                border-bottom: 1.5px solid var(--ink); margin: 0 0 1rem; hyphens: manual; }
        thead th { border-bottom: 1px solid var(--ink); font-weight: 600; }
        th, td { padding: 0.3rem 0.75rem; text-align: left; vertical-align: top; }
        td.r { white-space: nowrap; }
        td.wide { min-width: 14rem; }
        th:first-child, td:first-child { padding-left: 0.25rem; }
        tbody tr:nth-child(even) { background: var(--stripe); }
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
        .references li a { overflow-wrap: anywhere; }
        .references .ref-number { display: inline-block; min-width: 2.6em; text-indent: 0; font-variant-numeric: tabular-nums; }
        .provenance { margin-top: 3.5rem; padding-top: 1rem; border-top: 1px solid var(--rule);
                      font-family: var(--sans); font-size: 0.78rem; color: var(--muted); }
        .provenance h2 { font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.12em; margin: 0 0 0.6rem; }
        .provenance dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0.15rem 1.2rem; margin: 0 0 0.8rem; }
        .provenance dt { font-weight: 600; color: var(--strong-muted); }
        .provenance dd { margin: 0; overflow-wrap: anywhere; font-variant-numeric: tabular-nums; }
        .provenance summary { cursor: pointer; margin-bottom: 0.4rem; }
        .provenance table { font-size: 0.78rem; min-width: 0; }
        @media (max-width: 600px) {
          body { padding: 2rem 1rem 3rem; font-size: 1rem; }
          .title { font-size: 1.7rem; }
          .provenance dl { grid-template-columns: minmax(0, 1fr); }
          .provenance dd { margin-bottom: 0.3rem; }
        }
        /* Wide screens: the contents beside the text, following the reader. */
        @media screen and (min-width: 1100px) {
          body.with-toc { max-width: calc(70ch + 3rem + 16rem + 3rem); display: grid;
                          grid-template-columns: minmax(0, 70ch) 16rem; column-gap: 3rem; align-items: start; }
          body.with-toc > * { grid-column: 1; }
          body.with-toc > .toc { grid-column: 2; grid-row: 1 / span 12; position: sticky; top: 0;
                                 max-height: 100vh; overflow-y: auto; margin: 0; padding: 0.5rem 0 2rem;
                                 font-size: 0.84rem; border-left: 1px solid var(--rule); }
          body.with-toc > .toc h2 { padding-left: 1rem; }
          body.with-toc > .toc > ol { padding-left: 1rem; }
          body.with-toc > .toc ol ol { padding-left: 1.1rem; }
          body.with-toc > .toc a[aria-current] { box-shadow: -1rem 0 0 -0.85rem var(--accent); }
        }
        @media screen and (prefers-color-scheme: dark) {
          :root {
            --ink: #e7e4db; --muted: #a9a59a; --faint: #8b887f; --rule: #4a4740; --paper: #191917;
            --accent: #f0a398; --link: #8fc0ec; --tint: #25241f; --code-rule: #45423b;
            --caption: #cfcbc1; --output: #d9d6cd; --strong-muted: #c9c5bb; --stripe: rgba(255, 255, 255, 0.035);
            --pass: #80c98e; --fail: #f3948a; --scroll-shadow: rgba(0, 0, 0, 0.65);
            --error-tint: #2f1d1a; --error-rule: #6b3a33; --error-text: #f3c7c0;
            --kept-tint: #2c2418; --kept-rule: #5e4a2a; --kept-title: #e6b06e;
            --tok-keyword: #e597cf; --tok-type: #8fc0ec; --tok-string: #e8ae78; --tok-number: #72d0bb;
            --tok-comment: #9d9b92; --tok-attribute: #bca6ec;
          }
          .callout-note { --callout-accent: #8fc0ec; --callout-tint: #1b2530; --callout-rule: #2f4457; }
          .callout-tip { --callout-accent: #80c98e; --callout-tint: #1b271d; --callout-rule: #2f4a34; }
          .callout-warning { --callout-accent: #e6c06e; --callout-tint: #2a2416; --callout-rule: #56482a; }
          .callout-important { --callout-accent: #f3948a; --callout-tint: #2f1d1a; --callout-rule: #6b3a33; }
          .callout-caution { --callout-accent: #eea878; --callout-tint: #2d2019; --callout-rule: #5e3f2a; }
          /* Figures are drawn for paper: they sit on a light card. */
          .figure-body { background: #fff; border-radius: 6px; padding: 0.4rem; }
          main img { background: #fff; }
        }
        @media print {
          @page { size: auto; margin: 22mm 20mm; }
          html, body { background: #fff; }
          body { max-width: none; padding: 0; font-size: 10.5pt; }
          .controls, .copy, .fig-zoom, .anchor { display: none; }
          details:not([open]) { display: none; }
          .cell-code > summary { display: none; }
          a { color: inherit; text-decoration: none; }
          main h2, main h3 { break-after: avoid; }
          figure, .error, .callout, tr { break-inside: avoid; }
          .callout { background: #fff; }
          .figure-body { overflow: visible; }
          .figure-body svg { min-width: 0; }
          .table-wrap { overflow: visible; }
          pre { white-space: pre-wrap; font-size: 8pt; overflow: visible; }
        }

        """

    /// Show/hide all code, copy buttons on code, heading permalinks, figures that open full
    /// size, and the contents marking the section being read. Plain ES5, no globals, no
    /// errors when a part is missing; nothing is fetched.
    static let script = """
        (function () {
          var doc = document;
          function each(selector, f) { var l = doc.querySelectorAll(selector); for (var i = 0; i < l.length; i++) { f(l[i]); } }
          function button(cls, label, text) {
            var b = doc.createElement("button");
            b.type = "button"; b.className = cls; b.setAttribute("aria-label", label); b.textContent = text;
            return b;
          }

          var toggle = doc.getElementById("toggle-code");
          if (toggle) {
            var blocks = doc.querySelectorAll("details.cell-code");
            toggle.addEventListener("click", function () {
              var anyClosed = false, i;
              for (i = 0; i < blocks.length; i++) { if (!blocks[i].open) { anyClosed = true; } }
              for (i = 0; i < blocks.length; i++) { blocks[i].open = anyClosed; }
              toggle.textContent = anyClosed ? "Hide all code" : "Show all code";
              toggle.setAttribute("aria-pressed", anyClosed ? "true" : "false");
            });
          }

          each("pre.code", function (pre) {
            var wrap = doc.createElement("div");
            wrap.className = "code-wrap";
            pre.parentNode.insertBefore(wrap, pre);
            wrap.appendChild(pre);
            var b = button("copy", "Copy code", "Copy");
            wrap.appendChild(b);
            b.addEventListener("click", function () {
              var text = pre.textContent;
              function done(ok) {
                b.textContent = ok ? "Copied" : "Select and copy";
                setTimeout(function () { b.textContent = "Copy"; }, 1500);
              }
              if (navigator.clipboard && navigator.clipboard.writeText) {
                navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(false); });
              } else {
                var range = doc.createRange(); range.selectNodeContents(pre);
                var sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
                var ok = false;
                try { ok = doc.execCommand("copy"); } catch (e) { ok = false; }
                done(ok);
              }
            });
          });

          each("main h2[id], main h3[id], main h4[id], main h5[id], main h6[id]", function (h) {
            var a = doc.createElement("a");
            a.className = "anchor"; a.href = "#" + h.id; a.textContent = "#";
            a.setAttribute("aria-label", "Link to this section");
            h.appendChild(a);
          });

          var open = null;
          function zoom(figure, on) {
            if (open && open !== figure) { zoom(open, false); }
            figure.classList.toggle("zoomed", on);
            doc.body.classList.toggle("zooming", on);
            var b = figure.querySelector(".fig-zoom");
            if (b) { b.textContent = on ? "Close" : "Enlarge"; b.setAttribute("aria-expanded", on ? "true" : "false"); }
            open = on ? figure : null;
          }
          each("figure.figure", function (figure) {
            var body = figure.querySelector(".figure-body");
            if (!body) { return; }
            var b = button("fig-zoom", "Show the figure full size", "Enlarge");
            b.setAttribute("aria-expanded", "false");
            figure.insertBefore(b, body);
            b.addEventListener("click", function () { zoom(figure, !figure.classList.contains("zoomed")); });
            body.addEventListener("click", function () { zoom(figure, !figure.classList.contains("zoomed")); });
          });
          doc.addEventListener("keydown", function (e) { if (open && (e.key === "Escape" || e.key === "Esc")) { zoom(open, false); } });

          var links = doc.querySelectorAll(".toc a[href^='#']");
          if (links.length && window.addEventListener) {
            var targets = [];
            for (var i = 0; i < links.length; i++) {
              var t = doc.getElementById(decodeURIComponent(links[i].getAttribute("href").slice(1)));
              if (t) { targets.push({ link: links[i], target: t }); }
            }
            var current = null, pending = false;
            var mark = function () {
              pending = false;
              var line = Math.min(120, window.innerHeight * 0.25), found = null;
              for (var k = 0; k < targets.length; k++) {
                if (targets[k].target.getBoundingClientRect().top <= line) { found = targets[k].link; } else { break; }
              }
              if (found === current) { return; }
              if (current) { current.removeAttribute("aria-current"); }
              if (found) { found.setAttribute("aria-current", "location"); }
              current = found;
            };
            window.addEventListener("scroll", function () {
              if (!pending) { pending = true; window.requestAnimationFrame(mark); }
            }, { passive: true });
            mark();
          }
        })();

        """
}
