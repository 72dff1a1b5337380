// Convert math spans with MathJax 3's TeX input and report every one that fails.
// stdin: JSON [{"latex": "...", "display": true}, ...]
// stdout: JSON [{"index": i, "error": "..."}, ...] for the spans that failed.
// MATHJAX_PATH names the mathjax-full package folder (the test passes the one .ci/run installs).
const path = process.env.MATHJAX_PATH || "mathjax-full";
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
const packages = AllPackages.filter((name) => !leftOut.includes(name));

let current = null;   // the errors of the span being converted
const tex = new TeX({
  packages,
  // MathJax does not throw on a TeX error: it builds an <merror> node.
  // Record the message; the tree is also searched for merror below.
  formatError: (jax, error) => { current.push(error.message); return jax.formatError(error); },
});
RegisterHTMLHandler(liteAdaptor());
const doc = mathjax.document("", { InputJax: tex });

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const failures = [];
  JSON.parse(input).forEach((span, index) => {
    current = [];
    try {
      const tree = doc.convert(span.latex, { display: span.display, end: STATE.CONVERT });
      let merror = false;
      tree.walkTree((node) => { if (node.isKind("merror")) merror = true; });
      if (merror && current.length === 0) current.push("merror node in the output");
    } catch (e) {
      current.push(String(e.message || e));
    }
    if (current.length) failures.push({ index, error: current.join("; ") });
  });
  process.stdout.write(JSON.stringify(failures));
});
