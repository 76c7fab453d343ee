// Tokenizer oracle: Hugging Face's tokenizer logic as transformers.js ships it, loaded from a local folder.
//   node tokenize.mjs --modules DIR/node_modules --model FOLDER --in cases.json --out ids.json
// cases.json: {"cases": [{"text": "...", "pair": "..." (optional), "max_length": n (optional),
//              "add_special_tokens": bool (optional, default true)}]}
// ids.json:   {"oracle": "@huggingface/transformers@<version>", "results": [{"input_ids": [...],
//              "token_type_ids": [...]}]} in the order of the cases.
//
// Truncation does not come from transformers.js: its tokenizer cuts the finished sequence (specials
// included) to max_length, where the Rust tokenizers (and Python transformers) truncate the texts before the
// template adds [CLS]/[SEP], longest_first for pairs (docs/tokenizer.md). For cases with max_length this
// script takes transformers.js's tokens of each text without specials, truncates them as the Rust
// tokenizers' truncate_encodings documents, and applies transformers.js's own post-processor.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

const args = {};
for (let i = 2; i + 1 < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const k of ['modules', 'model', 'in', 'out']) {
  if (!args[k]) {
    console.error(`tokenize.mjs: missing --${k}`);
    process.exit(2);
  }
}

const require = createRequire(join(resolve(args.modules), 'noop.js'));
const { AutoTokenizer, env } = require('@huggingface/transformers');
const version = JSON.parse(
  readFileSync(join(resolve(args.modules), '@huggingface/transformers/package.json'), 'utf8'),
).version;
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = dirname(resolve(args.model)) + '/';
const tokenizer = await AutoTokenizer.from_pretrained(basename(resolve(args.model)));
const inner = tokenizer._tokenizer;

// tokenizers/src/utils/truncation.rs, truncate_encodings with TruncationStrategy::LongestFirst, right side.
function longestFirst(a, b, maxLength) {
  if (b === null) return [a.slice(0, Math.min(a.length, maxLength)), null];
  if (a.length + b.length <= maxLength) return [a, b];
  let n1 = Math.min(a.length, b.length);
  let n2 = n1 > maxLength ? n1 : Math.max(n1, maxLength - n1);
  if (n1 + n2 > maxLength) {
    n1 = Math.floor(maxLength / 2);
    n2 = n1 + (maxLength % 2);
  }
  const [na, nb] = a.length > b.length ? [n2, n1] : [n1, n2];
  return [a.slice(0, na), b.slice(0, nb)];
}

function truncated(c) {
  const special = c.add_special_tokens ?? true;
  const pair = c.pair ?? null;
  const tokensA = inner.encode(c.text, { add_special_tokens: false }).tokens;
  const tokensB = pair === null ? null : inner.encode(pair, { add_special_tokens: false }).tokens;
  const nSpecial = special ? inner.post_processor([], pair === null ? null : [], true).tokens.length : 0;
  if (c.max_length < nSpecial) throw new Error(`max_length ${c.max_length} < ${nSpecial} special tokens`);
  const [a, b] = longestFirst(tokensA, tokensB, c.max_length - nSpecial);
  const out = inner.post_processor(a, b, special);
  return { input_ids: out.tokens.map((t) => inner.token_to_id(t)), token_type_ids: out.token_type_ids };
}

const cases = JSON.parse(readFileSync(args.in, 'utf8')).cases;
const results = cases.map((c) => {
  if (c.max_length !== undefined && c.max_length !== null) return truncated(c);
  const e = tokenizer(c.text, {
    text_pair: c.pair ?? null,
    add_special_tokens: c.add_special_tokens ?? true,
    return_token_type_ids: true,
    return_tensor: false,
  });
  return { input_ids: e.input_ids, token_type_ids: e.token_type_ids };
});
writeFileSync(args.out, JSON.stringify({ oracle: `@huggingface/transformers@${version}`, results }));
