/**
 * pyJsonLoads against Python 3.11's json.loads: each case's answer was printed by Debian's python3
 * (the interpreter the real clients run on), value or JSONDecodeError text.
 */
import { describe, expect, it } from 'vitest';
import { pyJsonLoads } from './pyjson.js';

const CASES: Array<[string, { value: unknown } | { error: string }]> = [
  ["", { error: "Expecting value: line 1 column 1 (char 0)" }],
  [" ", { error: "Expecting value: line 1 column 2 (char 1)" }],
  ["{", { error: "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)" }],
  ["[", { error: "Expecting value: line 1 column 2 (char 1)" }],
  ["}", { error: "Expecting value: line 1 column 1 (char 0)" }],
  ["{\"a\":1}", { value: {"a": 1} }],
  ["{\"a\": 1, \"b\": [1, 2.5, null, true, false]}", { value: {"a": 1, "b": [1, 2.5, null, true, false]} }],
  ["{\"a\" 1}", { error: "Expecting ':' delimiter: line 1 column 6 (char 5)" }],
  ["{\"a\":1,}", { error: "Expecting property name enclosed in double quotes: line 1 column 8 (char 7)" }],
  ["[1,]", { error: "Expecting value: line 1 column 4 (char 3)" }],
  ["[1 2]", { error: "Expecting ',' delimiter: line 1 column 4 (char 3)" }],
  ["{a:1}", { error: "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)" }],
  ["\"abc", { error: "Unterminated string starting at: line 1 column 1 (char 0)" }],
  ["\"a\\qb\"", { error: "Invalid \\escape: line 1 column 3 (char 2)" }],
  ["\"\\u12\"", { error: "Invalid \\uXXXX escape: line 1 column 3 (char 2)" }],
  ["\"\\u12g4\"", { error: "Invalid \\uXXXX escape: line 1 column 3 (char 2)" }],
  ["\"\\ud83d\\ude00\"", { value: "\ud83d\ude00" }],
  ["\"\\ud83d\\u12x4\"", { error: "Invalid \\uXXXX escape: line 1 column 9 (char 8)" }],
  ["\"a\tb\"", { error: "Invalid control character at: line 1 column 3 (char 2)" }],
  ["1 2", { error: "Extra data: line 1 column 3 (char 2)" }],
  ["01", { error: "Extra data: line 1 column 2 (char 1)" }],
  ["-", { error: "Expecting value: line 1 column 1 (char 0)" }],
  ["-0", { value: 0 }],
  ["1.", { error: "Extra data: line 1 column 2 (char 1)" }],
  ["1.5e", { error: "Extra data: line 1 column 4 (char 3)" }],
  ["1e5", { value: 100000.0 }],
  ["NaN", { value: NaN }],
  ["-Infinity", { value: -Infinity }],
  ["nul", { error: "Expecting value: line 1 column 1 (char 0)" }],
  ["tru", { error: "Expecting value: line 1 column 1 (char 0)" }],
  ["{\"a\":1}\n\n x", { error: "Extra data: line 3 column 2 (char 10)" }],
  ["\n\n{", { error: "Expecting property name enclosed in double quotes: line 3 column 2 (char 3)" }],
  [" [1, {\"b\": }]", { error: "Expecting value: line 1 column 12 (char 11)" }],
  ["{\"a\":1,\"a\":2}", { value: {"a": 2} }],
  ["\"\\/\\b\\f\\n\\r\\t\\\"\\\\\"", { value: "/\b\f\n\r\t\"\\" }],
  ["[[[]]]", { value: [[[]]] }],
  ["{\"k\": {\"x\": [1, {\"y\": \"z\"}]}}", { value: {"k": {"x": [1, {"y": "z"}]}} }],
  ["\ufeff{}", { error: "Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)" }],
  ["{\"a\":1} ", { value: {"a": 1} }],
  ["x=1", { error: "Expecting value: line 1 column 1 (char 0)" }],
  ["\"\\u0041", { error: "Invalid \\uXXXX escape: line 1 column 3 (char 2)" }],
  ["\"\\u0041\"", { value: "A" }],
  ["\"\\ud83d\"", { value: "\ud83d" }],
  ["1e", { error: "Extra data: line 1 column 2 (char 1)" }],
  ["1E+", { error: "Extra data: line 1 column 2 (char 1)" }],
  ["2.", { error: "Extra data: line 1 column 2 (char 1)" }],
  ["-1.5E-3", { value: -0.0015 }],
  ["[-]", { error: "Expecting value: line 1 column 2 (char 1)" }],
  ["{\"a\":\n}", { error: "Expecting value: line 2 column 1 (char 6)" }],
  ["true false", { error: "Extra data: line 1 column 6 (char 5)" }],
];

describe('pyJsonLoads', () => {
  it.each(CASES)('json.loads(%j)', (input, want) => {
    const got = pyJsonLoads(input);
    if ('error' in want) expect(got).toEqual({ ok: false, message: want.error });
    else expect(got).toEqual({ ok: true, value: want.value });
  });

  it('gives up at the nesting where the real client does (983 containers parse, the 984th does not)', () => {
    expect(pyJsonLoads('['.repeat(983))).toEqual({ ok: false, message: 'Expecting value: line 1 column 984 (char 983)' });
    expect(pyJsonLoads('['.repeat(984))).toEqual({ ok: false, message: 'maximum recursion depth exceeded while decoding a JSON array from a unicode string', fatal: true });
    expect(pyJsonLoads('[{"a":'.repeat(492))).toEqual({ ok: false, message: 'maximum recursion depth exceeded while decoding a JSON object from a unicode string', fatal: true });
    // A learner's longest line nests no deeper than that, however it is built.
    expect(pyJsonLoads('['.repeat(200_000)).ok).toBe(false);
  });
});
