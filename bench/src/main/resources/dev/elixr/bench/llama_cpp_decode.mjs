// llama.cpp's prefill and decode speed on a GGUF file, through npm's node-llama-cpp (its prebuilt CPU build), for
// `elixr bench llm`: node llama_cpp_decode.mjs DIR MODEL.gguf THREADS PROMPT_TOKENS DECODE_TOKENS ROUNDS, where DIR holds
// node_modules/node-llama-cpp (npm i -E node-llama-cpp@3.21.1). Greedy from a fixed random prompt of token ids; a
// warm-up round, then ROUNDS timed ones. Prints one JSON line: {"prefill_tok_s": [...], "decode_tok_s": [...]}.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const [dir, gguf, threads, promptTokens, decodeTokens, rounds] = process.argv.slice(2);
const entry = createRequire(dir + "/package.json").resolve("node-llama-cpp");
const { getLlama } = await import(pathToFileURL(entry).href);

const llama = await getLlama({ gpu: false, build: "never", logLevel: "error" });
const model = await llama.loadModel({ modelPath: gguf, gpuLayers: 0 });
const P = Number(promptTokens), D = Number(decodeTokens), T = Number(threads);
const context = await model.createContext({ contextSize: P + D + 16, threads: T, batchSize: P });
const sequence = context.getSequence();
let seed = 1;
const prompt = Array.from({ length: P }, () => 3 + ((seed = (seed * 1103515245 + 12345) % 2147483648) % 256));
const prefill = [], decode = [];
for (let r = 0; r <= Number(rounds); r++) {
  await sequence.clearHistory();
  const t0 = process.hrtime.bigint();
  let t1 = 0n, n = 0;
  for await (const token of sequence.evaluate(prompt, { temperature: 0 })) {
    if (n === 0) t1 = process.hrtime.bigint(); // the prompt evaluated and its next token sampled
    if (++n > D) break;
  }
  const t2 = process.hrtime.bigint();
  if (r === 0) continue; // warm-up
  prefill.push(P / (Number(t1 - t0) * 1e-9));
  decode.push((n - 1) / (Number(t2 - t1) * 1e-9));
}
console.log(JSON.stringify({ prefill_tok_s: prefill, decode_tok_s: decode, threads: T }));
await context.dispose();
await model.dispose();
