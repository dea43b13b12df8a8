import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTemplate, TemplateError } from '../../../src/cli/format/template.js';

const run = (src: string, dot: unknown) => compileTemplate(src).execute(dot);
const row = { Names: 'web', Status: 'Up 2 seconds', Labels: { role: 'db', tier: '' }, List: ['a', 'b'], State: { Running: true, ExitCode: 0 }, Empty: [], Cmd: 'a && b <x>' };

test('fields, nested fields and plain text', () => {
  assert.equal(run('{{.Names}} {{.Status}}', row), 'web Up 2 seconds');
  assert.equal(run('{{ .State.ExitCode }}/{{.State.Running}}', row), '0/true');
  assert.equal(run('no actions', row), 'no actions');
  assert.equal(run('{{.}}', 'x'), 'x');
});

test('\\t and \\n escapes in the format string become tab and newline, as Docker replaces them', () => {
  assert.equal(run('{{.Names}}\\t{{.Status}}\\n', row), 'web\tUp 2 seconds\n');
});

test('json keeps HTML characters (Docker turns SetEscapeHTML off) and encodes maps and lists', () => {
  assert.equal(run('{{json .Cmd}}', row), '"a && b <x>"');
  assert.equal(run('{{json .Labels}}', row), '{"role":"db","tier":""}');
  assert.equal(run('{{json .List}}', row), '["a","b"]');
  assert.equal(run('{{json .State}}', row), '{"Running":true,"ExitCode":0}');
});

test('index, upper, lower, title, join, len, println', () => {
  assert.equal(run('{{index .Labels "role"}}', row), 'db');
  assert.equal(run('{{index .Labels "nope"}}', row), '');
  assert.equal(run('{{upper .Names}} {{lower "ABC"}} {{title .Names}}', row), 'WEB abc Web');
  assert.equal(run('{{join .List ","}}', row), 'a,b');
  assert.equal(run('{{len .List}} {{len .Labels}} {{len .Names}}', row), '2 2 3');
  assert.equal(run('{{println .Names}}', row), 'web\n');
});

test('Go printing of maps, slices and nil', () => {
  assert.equal(run('{{.Labels}}', row), 'map[role:db tier:]');
  assert.equal(run('{{.List}}', row), '[a b]');
  assert.equal(run('{{.X}}', { X: null }), '<nil>');
});

test('range over lists and maps, with . bound to the element', () => {
  assert.equal(run('{{range .List}}<{{.}}>{{end}}', row), '<a><b>');
  assert.equal(run('{{range .Empty}}x{{end}}', row), '');
  assert.equal(run('{{range .Labels}}[{{.}}]{{end}}', row), '[db][]');
  assert.equal(run('{{range .Items}}{{.Name}};{{end}}', { Items: [{ Name: 'a' }, { Name: 'b' }] }), 'a;b;');
});

test('if / else on Go truthiness: false, 0, "", empty list and map are false', () => {
  assert.equal(run('{{if .State.Running}}up{{else}}down{{end}}', row), 'up');
  for (const v of [false, 0, '', [], {}, null]) assert.equal(run('{{if .V}}y{{else}}n{{end}}', { V: v }), 'n', JSON.stringify(v));
  for (const v of [true, 1, 'x', ['a'], { a: 1 }]) assert.equal(run('{{if .V}}y{{end}}', { V: v }), 'y', JSON.stringify(v));
  assert.equal(run('{{if .List}}{{range .List}}{{.}}{{end}}{{end}}', row), 'ab');
});

test('errors: unknown field, unknown function, unclosed action, missing end, stray end', () => {
  assert.throws(() => run('{{.Nope}}', row), TemplateError);
  assert.throws(() => run('{{.State.Nope}}', row), /can't evaluate field Nope/);
  assert.throws(() => run('{{nofunc .Names}}', row), /function "nofunc" not defined/);
  assert.throws(() => compileTemplate('{{.Names'), /unclosed action/);
  assert.throws(() => compileTemplate('{{range .List}}x'), /missing \{\{end\}\}/);
  assert.throws(() => compileTemplate('x{{end}}'), /unexpected \{\{end\}\}/);
});

test('compiled once, executed many times', () => {
  const t = compileTemplate('{{.Names}}');
  assert.deepEqual([{ Names: 'a' }, { Names: 'b' }].map((r) => t.execute(r)), ['a', 'b']);
});

test('{{- and -}} trim the whitespace next to the action, as Go does', () => {
  assert.equal(run('a {{- .Names -}} b', row), 'awebb');
});

test('ps rows have Docker\'s {{.Label "key"}} method', () => {
  assert.equal(run('{{.Label "role"}}', row), 'db');
});
