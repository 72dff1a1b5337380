// Render math spans with KaTeX and report every one that fails.
// stdin: JSON [{"latex": "...", "display": true}, ...]
// stdout: JSON [{"index": i, "error": "..."}, ...] for the spans that failed.
// KATEX_PATH names the katex package folder (the test passes the one .ci/run installs).
const katex = require(process.env.KATEX_PATH || "katex");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const failures = [];
  JSON.parse(input).forEach((span, index) => {
    try {
      katex.renderToString(span.latex, {
        displayMode: span.display,
        throwOnError: true,
        // Strict mode "error" turns KaTeX's LaTeX-compatibility warnings
        // (e.g. a Unicode character in math mode, "\\" in display math)
        // into failures; these are things other renderers (MathJax, LaTeX)
        // may also reject, so they count as errors.
        strict: "error",
      });
    } catch (e) {
      failures.push({ index, error: String(e.message || e) });
    }
  });
  process.stdout.write(JSON.stringify(failures));
});
