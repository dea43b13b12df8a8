/**
 * The subset of Go's text/template that `--format` strings use with Docker:
 * `{{.Field}}`, `{{.A.B}}`, `{{json .}}`, `{{json .Field}}`, `{{index .Map "key"}}`,
 * `{{upper .X}}`, `{{lower .X}}`, `{{join .List ","}}`, `{{range .List}}..{{end}}`,
 * `{{if .X}}..{{else}}..{{end}}`, `{{.}}` inside range, `{{.Label "key"}}` and `{{-`/`-}}` trim markers.
 */
type Value = unknown;

interface Node {
  kind: 'text' | 'action' | 'range' | 'if';
  text?: string;
  expr?: string;
  body?: Node[];
  elseBody?: Node[];
}

export class TemplateError extends Error {}

function tokenize(src: string): Array<{ text: string } | { action: string }> {
  const out: Array<{ text: string } | { action: string }> = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) {
      out.push({ text: src.slice(i) });
      break;
    }
    if (open > i) out.push({ text: src.slice(i, open) });
    const close = src.indexOf('}}', open);
    if (close < 0) throw new TemplateError(`template: unclosed action in "${src}"`);
    let inner = src.slice(open + 2, close);
    // Go's trim markers: "{{- " eats the whitespace before the action, " -}}" the whitespace after it.
    if (/^-\s/.test(inner)) {
      inner = inner.slice(1);
      const prev = out.at(-1);
      if (prev && 'text' in prev) prev.text = prev.text.trimEnd();
    }
    let trimAfter = false;
    if (/\s-$/.test(inner)) {
      inner = inner.slice(0, -1);
      trimAfter = true;
    }
    out.push({ action: inner.trim() });
    i = close + 2;
    if (trimAfter) while (i < src.length && /\s/.test(src[i]!)) i++;
  }
  return out;
}

function parse(tokens: ReturnType<typeof tokenize>): Node[] {
  let pos = 0;
  const block = (until: string[]): { nodes: Node[]; end: string } => {
    const nodes: Node[] = [];
    while (pos < tokens.length) {
      const t = tokens[pos++]!;
      if ('text' in t) {
        nodes.push({ kind: 'text', text: t.text });
        continue;
      }
      const a = t.action;
      if (until.includes(a)) return { nodes, end: a };
      if (a.startsWith('range ')) {
        const inner = block(['end']);
        nodes.push({ kind: 'range', expr: a.slice(6).trim(), body: inner.nodes });
      } else if (a.startsWith('if ')) {
        const inner = block(['else', 'end']);
        const node: Node = { kind: 'if', expr: a.slice(3).trim(), body: inner.nodes };
        if (inner.end === 'else') node.elseBody = block(['end']).nodes;
        nodes.push(node);
      } else if (a === 'end' || a === 'else') {
        throw new TemplateError(`template: unexpected {{${a}}}`);
      } else nodes.push({ kind: 'action', expr: a });
    }
    if (until.length) throw new TemplateError(`template: missing {{end}}`);
    return { nodes, end: '' };
  };
  return block([]).nodes;
}

function splitArgs(expr: string): string[] {
  return expr.match(/"(?:\\.|[^"\\])*"|\S+/g) ?? [];
}

function lookup(dot: Value, path: string): Value {
  if (path === '.') return dot;
  let cur: Value = dot;
  for (const key of path.split('.').filter(Boolean)) {
    if (cur === null || cur === undefined || typeof cur !== 'object') {
      throw new TemplateError(`template: can't evaluate field ${key}`);
    }
    const obj = cur as Record<string, Value>;
    if (!(key in obj)) throw new TemplateError(`template: can't evaluate field ${key} in type ${typeof cur}`);
    cur = obj[key];
  }
  return cur;
}

function evalArg(dot: Value, arg: string): Value {
  if (arg.startsWith('"')) return JSON.parse(arg) as string;
  if (/^-?\d+$/.test(arg)) return Number(arg);
  if (arg.startsWith('.')) return lookup(dot, arg);
  throw new TemplateError(`template: unexpected "${arg}"`);
}

function evalExpr(dot: Value, expr: string): Value {
  const args = splitArgs(expr);
  if (args.length === 0) return '';
  const [fn, ...rest] = args;
  const vals = () => rest.map((a) => evalArg(dot, a));
  switch (fn) {
    case 'json':
      return JSON.stringify(vals()[0] ?? null);
    case 'upper':
      return String(vals()[0]).toUpperCase();
    case 'lower':
      return String(vals()[0]).toLowerCase();
    case 'title': {
      const s = String(vals()[0]);
      return s.charAt(0).toUpperCase() + s.slice(1);
    }
    case 'join': {
      const [list, sep] = vals();
      return Array.isArray(list) ? list.join(String(sep)) : '';
    }
    case 'index': {
      const [obj, key] = vals();
      if (obj === null || obj === undefined) return '';
      return (obj as Record<string, Value>)[String(key)] ?? '';
    }
    case 'len': {
      const v = vals()[0];
      return Array.isArray(v) ? v.length : typeof v === 'object' && v ? Object.keys(v).length : String(v ?? '').length;
    }
    case 'println':
      return vals().map(toText).join(' ') + '\n';
    case '.Label': {
      // Docker's ContainerContext.Label(name): one label's value, from the row's labels (map or "k=v,..." text).
      const labels = lookup(dot, '.Labels');
      const key = String(vals()[0]);
      if (labels && typeof labels === 'object') return (labels as Record<string, Value>)[key] ?? '';
      for (const pair of String(labels ?? '').split(',')) {
        const eq = pair.indexOf('=');
        if (eq >= 0 && pair.slice(0, eq) === key) return pair.slice(eq + 1);
      }
      return '';
    }
    default:
      if (rest.length) throw new TemplateError(`template: function "${fn}" not defined`);
      return evalArg(dot, fn!);
  }
}

function truthy(v: Value): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (v && typeof v === 'object') return Object.keys(v).length > 0;
  return Boolean(v);
}

/** Go prints maps as `map[k:v]`, slices as `[a b]`, nil as `<no value>`. */
function toText(v: Value): string {
  if (v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(toText).join(' ')}]`;
  if (typeof v === 'object') {
    return `map[${Object.keys(v as object)
      .sort()
      .map((k) => `${k}:${toText((v as Record<string, Value>)[k])}`)
      .join(' ')}]`;
  }
  return String(v);
}

function render(nodes: Node[], dot: Value): string {
  let out = '';
  for (const n of nodes) {
    if (n.kind === 'text') out += n.text;
    else if (n.kind === 'action') out += toText(evalExpr(dot, n.expr!));
    else if (n.kind === 'range') {
      const list = evalExpr(dot, n.expr!);
      const items = Array.isArray(list) ? list : list && typeof list === 'object' ? Object.values(list) : [];
      for (const item of items) out += render(n.body!, item);
    } else if (n.kind === 'if') {
      out += truthy(evalExpr(dot, n.expr!)) ? render(n.body!, dot) : render(n.elseBody ?? [], dot);
    }
  }
  return out;
}

export interface CompiledTemplate {
  execute(dot: Value): string;
}

/** Compiles once; `\t` and `\n` escapes in the format string are honoured as Docker does. */
export function compileTemplate(src: string): CompiledTemplate {
  const nodes = parse(tokenize(src.replace(/\\t/g, '\t').replace(/\\n/g, '\n')));
  return { execute: (dot) => render(nodes, dot) };
}
