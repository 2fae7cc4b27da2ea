// The whole-process reference for `studybot ask --json`: NLP.js (@nlpjs/basic), trained
// at start on every topic's example questions of data/topics (intent = the topic's id,
// answer = its answer), then one JSON answer a line for each question on stdin.
// Start-up and training are part of the time, as the bot's loading is.
//
//   NODE_PATH=DIR/node_modules node bench/nlpjs_ask.js DATA_DIR < questions > answers
const fs = require("fs");
const path = require("path");
const { dockStart } = require("@nlpjs/basic");

async function main() {
  const dir = path.join(process.argv[2] || "data", "topics");
  const quiet = console.log;
  console.log = () => {};                       // NLP.js reports its training on stdout
  const dock = await dockStart({
    settings: { nlp: { languages: ["en"], autoSave: false, autoLoad: false, forceNER: false } },
    use: ["Basic"],
  });
  const nlp = dock.get("nlp");
  nlp.addLanguage("en");
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith(".json")).sort()) {
    const t = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
    for (const q of t.examples || []) nlp.addDocument("en", q, t.id);
    if (t.answer) nlp.addAnswer("en", t.id, typeof t.answer === "string" ? t.answer : JSON.stringify(t.answer));
  }
  await nlp.train();
  console.log = quiet;
  const questions = fs.readFileSync(0, "utf8").split("\n");
  if (questions.length && questions[questions.length - 1] === "") questions.pop();
  let out = [];
  for (const q of questions) {
    const r = await nlp.process("en", q);
    const matched = r.intent !== "None" && r.score >= 0.5;
    out.push(JSON.stringify({ matched, answer: matched ? r.answer || "" : "I don't know that one.",
      intent: null, topic: matched ? r.intent : null, score: Math.round(r.score * 100) / 100,
      sources: [], suggestions: [] }));
    if (out.length >= 1024) { fs.writeSync(1, out.join("\n") + "\n"); out = []; }
  }
  if (out.length) fs.writeSync(1, out.join("\n") + "\n");
}
main().catch((e) => { console.error(e); process.exit(1); });
