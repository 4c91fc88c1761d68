// Node: the wasm verifier on the committed real proofs (tests/data/proofs), honest and
// tampered, under both commitment schemes, with and without the client's own input (the
// first line of tests/data/digits/test.jsonl, which the proofs answer).
//   node tests/node.js PKG_DIR PROOFS_DIR
const fs = require("fs");
const path = require("path");
const assert = require("assert");
const { verify } = require(path.resolve(process.argv[2], "zkseal_verifier_js.js"));

const digits = path.join(process.argv[3], "..", "digits", "test.jsonl");
const real = JSON.parse(fs.readFileSync(digits, "utf8").split("\n")[0]).input;

for (const scheme of ["lego", "poseidon"]) {
  const dir = path.join(process.argv[3], scheme);
  const vk = fs.readFileSync(path.join(dir, "verifying.key"));
  const record = fs.readFileSync(path.join(dir, "commitment.json"), "utf8");
  const proof = fs.readFileSync(path.join(dir, "proof.json"), "utf8");

  const ok = verify(vk, record, proof);
  assert.strictEqual(ok.valid, true, `${scheme}: ${ok.message}`);
  assert.strictEqual(ok.message, "");
  assert.strictEqual(ok.output.length, JSON.parse(proof).output_float.length);
  const rec = JSON.parse(record);
  const field = scheme === "lego" ? "commitment_point" : "commitment";
  assert.strictEqual(ok.opened_field, field, `${scheme}: the opened commitment is named`);
  assert.strictEqual(ok.opened, rec[field].toLowerCase());

  const bundle = JSON.parse(proof);
  bundle.input[0] += 1;
  const bad = verify(vk, record, JSON.stringify(bundle));
  assert.strictEqual(bad.valid, false, `${scheme}: a changed input verified`);
  assert.strictEqual(bad.malformed, false);
  assert.match(bad.message, /pairing check failed/);
  assert.strictEqual(bad.opened_field, "");

  // The client's own input: a Float64Array or a plain array, quantized to the proof's.
  for (const input of [Float64Array.from(real), real]) {
    const query = verify(vk, record, proof, input);
    assert.strictEqual(query.valid, true, `${scheme}: the proof's own input: ${query.message}`);
    assert.strictEqual(query.opened, ok.opened);
  }
  const other = real.slice();
  other[3] += 0.25;
  const asked = verify(vk, record, proof, other);
  assert.strictEqual(asked.valid, false, `${scheme}: another input accepted`);
  assert.strictEqual(asked.malformed, false);
  assert.match(asked.message, /value 3 differs \(64 values given, 64 proven/);
  assert.deepStrictEqual(Array.from(asked.output), [], "no outputs for another query");
  const short = verify(vk, record, proof, real.slice(0, 10));
  assert.match(short.message, /value 10 differs \(10 values given, 64 proven/);
  assert.strictEqual(verify(vk, record, proof, undefined).valid, true, "no input: no check");

  const cut = verify(vk.subarray(0, 100), record, proof);
  assert.strictEqual(cut.valid, false);
  assert.strictEqual(cut.malformed, true, cut.message);
  console.log(
    `node ${scheme}: honest accepted, with its own input too; another input refused (${asked.message}); ` +
      `tampered rejected (${bad.message}); truncated key malformed`,
  );
}
