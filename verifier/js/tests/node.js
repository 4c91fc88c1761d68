// Node: the wasm verifier on the committed real proofs (tests/data/proofs), honest and
// tampered, under both commitment schemes.  node tests/node.js PKG_DIR PROOFS_DIR
const fs = require("fs");
const path = require("path");
const assert = require("assert");
const { verify } = require(path.resolve(process.argv[2], "zkseal_verifier_js.js"));

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

  const cut = verify(vk.subarray(0, 100), record, proof);
  assert.strictEqual(cut.valid, false);
  assert.strictEqual(cut.malformed, true, cut.message);
  console.log(`node ${scheme}: honest accepted; tampered rejected (${bad.message}); truncated key malformed`);
}
