// Render math spans with KaTeX or MathJax 3 and report every one that fails.
// usage: node render_spans.js katex|mathjax
// stdin: JSON [{"latex": "...", "display": true}, ...]
// stdout: JSON [{"index": i, "error": "..."}, ...] for the spans that failed.
// RENDERER_PATH names the npm package folder (the test passes the one .ci/run installs).

function katexChecker(path) {
  const katex = require(path || "katex");
  return (span) => {
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
      return [];
    } catch (e) {
      return [String(e.message || e)];
    }
  };
}

function mathjaxChecker(path) {
  path = path || "mathjax-full";
  const { mathjax } = require(`${path}/js/mathjax.js`);
  const { TeX } = require(`${path}/js/input/tex.js`);
  const { liteAdaptor } = require(`${path}/js/adaptors/liteAdaptor.js`);
  const { RegisterHTMLHandler } = require(`${path}/js/handlers/html.js`);
  const { STATE } = require(`${path}/js/core/MathItem.js`);
  const { AllPackages } = require(`${path}/js/input/tex/AllPackages.js`);
  // Every package MathJax ships (what its autoload reaches on GitHub and elsewhere)
  // except the two that hide errors: noerrors shows the TeX source instead of the
  // error, noundefined shows an unknown macro in red instead of failing; and
  // bussproofs (proof trees), which needs an output jax this script does not load.
  const leftOut = ["noerrors", "noundefined", "bussproofs"];
  let current = null;   // the errors of the span being converted
  const tex = new TeX({
    packages: AllPackages.filter((name) => !leftOut.includes(name)),
    // MathJax does not throw on a TeX error: it builds an <merror> node.
    // Record the message; the tree is also searched for merror below.
    formatError: (jax, error) => { current.push(error.message); return jax.formatError(error); },
  });
  RegisterHTMLHandler(liteAdaptor());
  const doc = mathjax.document("", { InputJax: tex });
  return (span) => {
    current = [];
    try {
      const tree = doc.convert(span.latex, { display: span.display, end: STATE.CONVERT });
      let merror = false;
      tree.walkTree((node) => { if (node.isKind("merror")) merror = true; });
      if (merror && current.length === 0) current.push("merror node in the output");
    } catch (e) {
      current.push(String(e.message || e));
    }
    return current;
  };
}

const checkers = { katex: katexChecker, mathjax: mathjaxChecker };
const check = checkers[process.argv[2]](process.env.RENDERER_PATH);

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const failures = [];
  JSON.parse(input).forEach((span, index) => {
    const errors = check(span);
    if (errors.length) failures.push({ index, error: errors.join("; ") });
  });
  process.stdout.write(JSON.stringify(failures));
});
