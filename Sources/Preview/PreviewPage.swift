/// The markup the preview adds to a report page: a progress strip, an error overlay and the
/// script that listens to `/events`. The report underneath is the same HTML `render` writes.
enum PreviewPage {
    static func snippet(version: Int) -> String {
        """
        <style id="emotive-preview-style">
        #emotive-strip { position: fixed; top: 0; left: 0; right: 0; z-index: 2147483646; display: none;
          padding: 6px 14px; font: 13px/1.4 system-ui, sans-serif; color: #fff; background: #0969da;
          box-shadow: 0 1px 4px rgba(0,0,0,.3); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
        #emotive-strip::before { content: ""; display: inline-block; width: .7em; height: .7em; margin-right: .6em;
          border-radius: 50%; background: #fff; animation: emotive-pulse 1s infinite alternate; }
        @keyframes emotive-pulse { from { opacity: .25; } to { opacity: 1; } }
        #emotive-overlay { position: fixed; inset: 0; z-index: 2147483647; display: none; overflow: auto;
          background: rgba(15, 15, 20, .55); }
        #emotive-overlay .emotive-box { margin: 10vh auto; max-width: 52rem; padding: 1rem 1.4rem;
          background: #fff; color: #1f2328; border-left: 6px solid #cf222e; border-radius: 6px;
          font: 15px/1.45 system-ui, sans-serif; box-shadow: 0 6px 30px rgba(0,0,0,.4); }
        #emotive-overlay .emotive-where { margin: 0 0 .6rem; font-weight: 600; color: #cf222e; }
        #emotive-overlay pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere;
          font: 13px/1.45 ui-monospace, "DejaVu Sans Mono", monospace; }
        #emotive-overlay button { margin-top: .9rem; font: inherit; }
        </style>
        <div id="emotive-strip" role="status" aria-live="polite"></div>
        <div id="emotive-overlay" role="alert"><div class="emotive-box">
        <p class="emotive-where"></p><pre></pre>
        <p style="margin: .8rem 0 0; color: #59636e">The last good report is underneath; it updates when the notebook renders again.</p>
        <button type="button">Hide</button></div></div>
        <script id="emotive-preview-script">
        (function () {
          var version = \(version);
          var key = "emotive-preview-scroll:" + location.pathname;
          var saved = sessionStorage.getItem(key);
          if (saved !== null) {
            sessionStorage.removeItem(key);
            var y = Number(saved);
            if ("scrollRestoration" in history) history.scrollRestoration = "manual";
            window.scrollTo(0, y);
            window.addEventListener("load", function () { window.scrollTo(0, y); });
          }
          var strip = document.getElementById("emotive-strip");
          var overlay = document.getElementById("emotive-overlay");
          var hidden = null;
          overlay.querySelector("button").addEventListener("click", function () {
            overlay.style.display = "none";
            hidden = overlay.querySelector("pre").textContent;
          });
          function apply(state) {
            if (state.version !== version) {
              sessionStorage.setItem(key, String(window.scrollY));
              location.reload();
              return;
            }
            strip.textContent = state.rendering ? "Rendering: " + (state.progress || "…") : "";
            strip.style.display = state.rendering ? "block" : "none";
            var e = state.error;
            if (e) {
              overlay.querySelector(".emotive-where").textContent = e.file + (e.line ? ":" + e.line : "");
              overlay.querySelector("pre").textContent = e.message;
              if (hidden !== e.message) overlay.style.display = "block";
            } else {
              overlay.style.display = "none";
              hidden = null;
            }
            document.documentElement.dataset.emotivePreview = JSON.stringify(state);
          }
          var source = new EventSource("/events");
          source.addEventListener("state", function (m) { apply(JSON.parse(m.data)); });
          source.addEventListener("reload", function (m) { apply(JSON.parse(m.data)); });
        })();
        </script>

        """
    }
}
