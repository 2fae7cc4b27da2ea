// The comparison server: Node.js http answering the same question by running the
// same intents/ patterns one after another (no prefilter), as a typical regex bot would.
const http = require("http");
const fs = require("fs");
const path = require("path");
const dir = process.argv[3] || "intents";
const intents = [];
let cur = null;
for (const f of fs.readdirSync(dir).filter((n) => n.endsWith(".txt")).sort()) {
  for (const line of fs.readFileSync(path.join(dir, f), "utf8").split("\n")) {
    const head = line.trim().match(/^\[intent (\S+)\]$/);
    if (head) { cur = { id: head[1], pats: [] }; intents.push(cur); continue; }
    if (/^\[/.test(line.trim())) { cur = null; continue; }
    const m = line.match(/^\s*pattern(?:\s+([-0-9.]+))?\s*=\s*(.*)$/);
    if (cur && m) {
      const src = m[2].trim().replace(/\(\?&role\)/g, "(?:ems|emr|emt|paramedic)");
      try { cur.pats.push({ re: new RegExp(src, "i"), w: m[1] ? parseFloat(m[1]) : 1 }); } catch (e) { /* PCRE-only syntax */ }
    }
  }
}
function answer(q) {
  const t = q.toLowerCase().replace(/[^a-z0-9 ]+/g, " ").replace(/\s+/g, " ").trim();
  let best = null, bestScore = 0;
  for (const it of intents) {
    let s = 0;
    for (const p of it.pats) if (p.re.test(t)) s += p.w;
    if (s > bestScore) { best = it; bestScore = s; }
  }
  return bestScore >= 1 ? "answer for " + best.id : "I don't know that one";
}
http.createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    let q = "";
    try { q = JSON.parse(body).text || ""; } catch (e) { res.statusCode = 400; return res.end(); }
    res.setHeader("Content-Type", "application/json");
    res.end(JSON.stringify({ text: answer(q) }));
  });
}).listen(parseInt(process.argv[2], 10), "127.0.0.1");
