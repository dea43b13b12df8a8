/** One `WWW-Authenticate` challenge: scheme (lower case) and its parameters. */
export interface Challenge {
  scheme: 'basic' | 'bearer' | string;
  params: Record<string, string>;
}

/**
 * Parses `WWW-Authenticate` values (RFC 7235): `Bearer realm="https://auth",
 * service="registry",scope="repository:x:pull"`, `Basic realm="r"`. Several
 * challenges may share one header; quoted values may hold commas and escapes.
 */
export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  const values = Array.isArray(header) ? header : [header];
  const out: Challenge[] = [];
  for (const value of values) {
    let i = 0;
    let current: Challenge | undefined;
    const s = value;
    while (i < s.length) {
      while (i < s.length && /[\s,]/.test(s[i]!)) i++;
      const tokenStart = i;
      while (i < s.length && /[^\s,=]/.test(s[i]!)) i++;
      const token = s.slice(tokenStart, i);
      if (!token) break;
      while (i < s.length && s[i] === ' ') i++;
      if (s[i] === '=') {
        i++;
        while (i < s.length && s[i] === ' ') i++;
        let val = '';
        if (s[i] === '"') {
          i++;
          while (i < s.length && s[i] !== '"') {
            if (s[i] === '\\' && i + 1 < s.length) i++;
            val += s[i];
            i++;
          }
          i++;
        } else {
          const vs = i;
          while (i < s.length && s[i] !== ',') i++;
          val = s.slice(vs, i).trim();
        }
        if (current) current.params[token.toLowerCase()] = val;
      } else {
        current = { scheme: token.toLowerCase(), params: {} };
        out.push(current);
      }
    }
  }
  return out;
}
