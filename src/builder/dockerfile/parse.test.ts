import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DockerfileParseError, parseDockerfile, parseDockerfileWithWarnings } from './parse.js';
import type { CopyInstruction, Instruction } from './ast.js';

/** The instruction type of a kind (COPY and ADD share one). */
type Of<K extends Instruction['kind']> = K extends 'COPY' | 'ADD' ? CopyInstruction : Extract<Instruction, { kind: K }>;
import { InvalidArgument } from '../../core/errors.js';

/** Instructions of the only stage of `FROM busybox\n<body>`. */
function body(text: string): Instruction[] {
  const df = parseDockerfile(`FROM busybox\n${text}`);
  assert.equal(df.stages.length, 1);
  return df.stages[0]!.instructions;
}

function one<K extends Instruction['kind']>(text: string, kind: K): Of<K> {
  const list = body(text);
  assert.equal(list.length, 1, `one instruction expected in ${JSON.stringify(text)}`);
  const ins = list[0]!;
  assert.equal(ins.kind, kind);
  return ins as Of<K>;
}

/** Asserts the parse error: its line and Docker's reason; the message names file and line. */
function fails(text: string, line: number | undefined, reason: string | RegExp, file = 'Dockerfile'): void {
  assert.throws(
    () => parseDockerfile(text, file),
    (err: unknown) => {
      assert.ok(err instanceof DockerfileParseError, `expected DockerfileParseError, got ${String(err)}`);
      assert.ok(err instanceof InvalidArgument);
      assert.equal(err.line, line);
      if (typeof reason === 'string') assert.equal(err.reason, reason);
      else assert.match(err.reason, reason);
      if (line !== undefined) assert.equal(err.message, `${file}:${line}: ${err.reason}`);
      return true;
    },
  );
}

describe('parseDockerfile: structure', () => {
  it('parses stages, names (lower-cased), meta ARGs and locations', () => {
    const df = parseDockerfile('ARG A=1\nARG B\nFROM busybox AS Base\nRUN true\n\nFROM base\nCOPY --from=base /a /b\n', 'build/Dockerfile.dev');
    assert.deepEqual(df.directives, { escape: '\\' });
    assert.equal(df.metaArgs.length, 2);
    assert.deepEqual(df.metaArgs[0]!.args, [{ name: 'A', defaultValue: '1' }]);
    assert.deepEqual(df.metaArgs[1]!.args, [{ name: 'B' }]);
    assert.equal(df.stages.length, 2);
    assert.equal(df.stages[0]!.name, 'base');
    assert.equal(df.stages[0]!.index, 0);
    assert.equal(df.stages[0]!.from.image, 'busybox');
    assert.equal(df.stages[0]!.from.original, 'FROM busybox AS Base');
    assert.deepEqual(df.stages[0]!.from.loc, { file: 'build/Dockerfile.dev', line: 3, endLine: 3 });
    assert.equal(df.stages[1]!.name, undefined);
    assert.equal(df.stages[1]!.from.image, 'base');
    assert.equal(df.stages[1]!.instructions[0]!.loc.line, 7);
  });

  it('accepts keywords in any case and keeps the user case in original', () => {
    const df = parseDockerfile('from busybox as x\nrun echo hi\nCoPy a b\n');
    assert.equal(df.stages[0]!.name, 'x');
    assert.equal(df.stages[0]!.instructions[0]!.kind, 'RUN');
    assert.equal(df.stages[0]!.instructions[0]!.original, 'run echo hi');
    assert.equal(df.stages[0]!.instructions[1]!.kind, 'COPY');
  });

  it('skips comments, blank lines and indentation; strips a BOM; accepts CRLF', () => {
    const df = parseDockerfile('\uFEFF# hello\r\n\r\n   # indented comment\r\n  FROM busybox\r\n\tRUN echo hi\r\n');
    assert.equal(df.stages[0]!.from.image, 'busybox');
    const run = df.stages[0]!.instructions[0]!;
    assert.equal(run.kind === 'RUN' && run.command.form === 'shell' && run.command.script, 'echo hi');
    assert.equal(run.loc.line, 5);
  });

  it('keeps a # inside an instruction line', () => {
    const run = one('RUN echo a # not a comment', 'RUN');
    assert.deepEqual(run.command, { form: 'shell', script: 'echo a # not a comment' });
  });
});

describe('parseDockerfile: parser directives', () => {
  it('reads syntax, escape and check before anything else, case-insensitively', () => {
    const df = parseDockerfile('# syntax=docker/dockerfile:1\n#ESCAPE = `\n# check=skip=all\nFROM busybox\n');
    assert.deepEqual(df.directives, { syntax: 'docker/dockerfile:1', escape: '`', check: 'skip=all' });
  });

  it('ignores directives after a comment, a blank line or an instruction', () => {
    assert.equal(parseDockerfile('# hello\n# escape=`\nFROM busybox\n').directives.escape, '\\');
    assert.equal(parseDockerfile('\n# escape=`\nFROM busybox\n').directives.escape, '\\');
    assert.equal(parseDockerfile('FROM busybox\n# escape=`\n').directives.escape, '\\');
    // an unknown directive ends the directive block and is a comment
    assert.equal(parseDockerfile('# unknown=x\n# escape=`\nFROM busybox\n').directives.escape, '\\');
  });

  it('refuses a repeated directive and a bad escape token', () => {
    fails('# escape=`\n# escape=\\\nFROM busybox\n', 2, 'only one escape parser directive can be used');
    fails('# syntax=a\n# SYNTAX=b\nFROM busybox\n', 2, 'only one syntax parser directive can be used');
    fails('# escape=x\nFROM busybox\n', 1, "invalid escape token 'x' does not match ` or \\");
  });
});

describe('parseDockerfile: line continuations', () => {
  it('joins lines as Docker does (escape removed, nothing added) and spans the lines', () => {
    const run = one('RUN echo a \\\n  && echo b\\\n&& echo c', 'RUN');
    assert.deepEqual(run.command, { form: 'shell', script: 'echo a   && echo b&& echo c' });
    assert.equal(run.original, 'RUN echo a   && echo b&& echo c');
    assert.deepEqual([run.loc.line, run.loc.endLine], [2, 4]);
  });

  it('skips comment lines and blank lines inside a continuation, and warns about blank ones', () => {
    const { dockerfile, warnings } = parseDockerfileWithWarnings('FROM busybox\nRUN echo a \\\n# comment\n   # indented comment\n\n  && echo b\nCMD x\n');
    const run = dockerfile.stages[0]!.instructions[0]!;
    assert.equal(run.kind === 'RUN' && run.command.form === 'shell' && run.command.script, 'echo a   && echo b');
    assert.deepEqual([run.loc.line, run.loc.endLine], [2, 6]);
    assert.equal(dockerfile.stages[0]!.instructions[1]!.loc.line, 7);
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!, /Empty continuation line found in:\n {4}RUN echo a {3}&& echo b/);
  });

  it('allows trailing blanks after the escape, and an escaped escape ends the line', () => {
    assert.equal(body('RUN a \\   \nb\n').length, 1);
    const list = body('RUN echo a\\\\\nRUN b');
    assert.equal(list.length, 2);
    assert.equal(list[0]!.kind === 'RUN' && list[0]!.command.form === 'shell' && list[0]!.command.script, 'echo a\\\\');
  });

  it('a continuation at end of file still makes an instruction', () => {
    const run = one('RUN echo a \\', 'RUN');
    assert.deepEqual(run.command, { form: 'shell', script: 'echo a' });
  });

  it('with `# escape=`` the backtick continues lines and backslashes are plain (Windows style)', () => {
    const df = parseDockerfile('# escape=`\nFROM mcr.microsoft.com/windows/servercore\nCOPY testfile.txt c:\\\nRUN dir c:\\ `\n    && echo done\nWORKDIR c:\\windows\\\n');
    const [copy, run, workdir] = df.stages[0]!.instructions;
    assert.equal(copy!.kind === 'COPY' && copy!.dest, 'c:\\');
    assert.equal(run!.kind === 'RUN' && run!.command.form === 'shell' && run!.command.script, 'dir c:\\     && echo done');
    assert.equal(workdir!.kind === 'WORKDIR' && workdir!.path, 'c:\\windows\\');
    assert.equal(df.directives.escape, '`');
  });
});

describe('parseDockerfile: flags', () => {
  it('parses --name=value and bare boolean flags, with quotes removed', () => {
    const copy = one('COPY --from=build --chown="1000:1000" --chmod=0755 --link --parents=false a b /dst/', 'COPY');
    assert.deepEqual(copy.flags, { from: 'build', chown: '1000:1000', chmod: '0755', link: undefined, parents: 'false' });
    assert.ok('link' in copy.flags);
    assert.deepEqual(copy.sources, ['a', 'b']);
    assert.equal(copy.dest, '/dst/');
  });

  it('keeps every value of a repeatable flag', () => {
    const run = one('RUN --mount=type=cache,target=/root/.cache --mount=type=bind,from=x,target=/x --network=none make', 'RUN');
    assert.deepEqual(run.repeatedFlags, { mount: ['type=cache,target=/root/.cache', 'type=bind,from=x,target=/x'] });
    assert.equal(run.flags['mount'], 'type=bind,from=x,target=/x');
    assert.equal(run.flags['network'], 'none');
    assert.deepEqual(run.command, { form: 'shell', script: 'make' });
    const add = one('ADD --exclude=*.md --exclude=*.txt --keep-git-dir=true --checksum=sha256:abc --unpack https://x/y.tar /z', 'ADD');
    assert.deepEqual(add.repeatedFlags, { exclude: ['*.md', '*.txt'] });
    assert.equal(add.flags['keep-git-dir'], 'true');
  });

  it('a bare -- ends the flags', () => {
    const run = one('RUN -- --not-a-flag', 'RUN');
    assert.deepEqual(run.command, { form: 'shell', script: '--not-a-flag' });
    assert.deepEqual(run.flags, {});
  });

  it('FROM --platform', () => {
    const df = parseDockerfile('FROM --platform=linux/amd64 busybox AS b\n');
    assert.equal(df.stages[0]!.from.platform, 'linux/amd64');
    assert.equal(df.stages[0]!.from.flags['platform'], 'linux/amd64');
  });

  it('refuses unknown, duplicated and malformed flags with Docker wording', () => {
    fails('FROM busybox\nCOPY --foo=bar a b\n', 2, 'unknown flag: foo');
    fails('FROM busybox\nRUN --from=x true\n', 2, 'unknown flag: from');
    fails('FROM busybox\nADD --from=x a b\n', 2, 'unknown flag: from');
    fails('FROM busybox\nENV --x=1 A=b\n', 2, 'unknown flag: x');
    fails('FROM --plaform=linux/amd64 busybox\n', 1, 'unknown flag: plaform');
    fails('FROM busybox\nCOPY --from=a --from=b a b\n', 2, 'duplicate flag specified: from');
    fails('FROM busybox\nCOPY --from a b\n', 2, 'missing a value on flag: from');
    fails('FROM busybox\nCOPY --link= a b\n', 2, 'missing a value on flag: link');
    fails('FROM busybox\nCOPY --link=yes a b\n', 2, 'expecting boolean value for flag link, not: yes');
  });
});

describe('parseDockerfile: FROM', () => {
  it('errors with Docker wording', () => {
    fails('FROM\n', 1, 'FROM requires either one or three arguments');
    fails('FROM a b\n', 1, 'FROM requires either one or three arguments');
    fails('FROM a AS\n', 1, 'FROM requires either one or three arguments');
    fails('FROM a FOR b\n', 1, 'FROM requires either one or three arguments');
    fails('FROM a AS 1st\n', 1, 'invalid name for build stage: "1st", name can\'t start with a number or contain symbols');
    fails('FROM a AS b$c\n', 1, /^invalid name for build stage: "b\$c"/);
    fails('FROM a AS x\nFROM b AS X\n', 2, 'duplicate stage name "x"');
  });
  it('accepts dots, dashes and underscores in names', () => {
    assert.equal(parseDockerfile('FROM a AS my-stage_1.0\n').stages[0]!.name, 'my-stage_1.0');
  });
});

describe('parseDockerfile: RUN, CMD, ENTRYPOINT', () => {
  it('takes the exec form from a JSON array of strings', () => {
    assert.deepEqual(one('RUN ["echo", "a b", "\\u00e9"]', 'RUN').command, { form: 'exec', args: ['echo', 'a b', 'é'] });
    assert.deepEqual(one('CMD ["nginx", "-g", "daemon off;"]', 'CMD').command, { form: 'exec', args: ['nginx', '-g', 'daemon off;'] });
    assert.deepEqual(one('ENTRYPOINT []', 'ENTRYPOINT').command, { form: 'exec', args: [] });
  });
  it('falls back to the shell form when the JSON is invalid, as Docker does', () => {
    assert.deepEqual(one("CMD ['single', 'quotes']", 'CMD').command, { form: 'shell', script: "['single', 'quotes']" });
    assert.deepEqual(one('CMD ["unterminated"', 'CMD').command, { form: 'shell', script: '["unterminated"' });
    assert.deepEqual(one('RUN [ -f /x ] && echo y', 'RUN').command, { form: 'shell', script: '[ -f /x ] && echo y' });
  });
  it('refuses a JSON array with non-strings', () => {
    fails('FROM busybox\nCMD ["a", 1]\n', 2, 'when using JSON array syntax, arrays must be comprised of strings only');
  });
  it('keeps the shell form raw', () => {
    assert.deepEqual(one('ENTRYPOINT exec "$0" ${A:-b} \'c\'', 'ENTRYPOINT').command, { form: 'shell', script: 'exec "$0" ${A:-b} \'c\'' });
    assert.deepEqual(one('CMD', 'CMD').command, { form: 'shell', script: '' });
  });
});

describe('parseDockerfile: heredocs', () => {
  it('RUN <<EOF reads the body, which may contain blank and comment lines', () => {
    const list = body('RUN <<EOF\necho a\n\n# not a Dockerfile comment\necho $HOME\nEOF\nCMD x\n');
    const run = list[0]!;
    assert.ok(run.kind === 'RUN');
    assert.deepEqual(run.command, { form: 'shell', script: '<<EOF' });
    assert.deepEqual(run.heredocs, [{ name: 'EOF', content: 'echo a\n\n# not a Dockerfile comment\necho $HOME\n', expand: true, chomp: false }]);
    assert.equal(run.original, 'RUN <<EOF');
    assert.deepEqual([run.loc.line, run.loc.endLine], [2, 7]);
    assert.equal(list[1]!.kind, 'CMD');
    assert.equal(list[1]!.loc.line, 8);
  });

  it('quoted delimiters turn expansion off; <<- strips leading tabs', () => {
    const run = one('RUN <<"EOT" cat <<-\'X\' <<-Y\nbody $1\nEOT\n\tindented\n\t\tmore\n\tX\n\ty\n\tY\n', 'RUN');
    assert.deepEqual(run.heredocs, [
      { name: 'EOT', content: 'body $1\n', expand: false, chomp: false },
      { name: 'X', content: 'indented\nmore\n', expand: false, chomp: true },
      { name: 'Y', content: 'y\n', expand: true, chomp: true },
    ]);
    assert.deepEqual(run.command, { form: 'shell', script: '<<"EOT" cat <<-\'X\' <<-Y' });
  });

  it('a heredoc with a command and redirections, and an empty body', () => {
    const run = one('RUN python3 <<EOF > /out\nEOF', 'RUN');
    assert.deepEqual(run.heredocs, [{ name: 'EOF', content: '', expand: true, chomp: false }]);
    assert.deepEqual(run.command, { form: 'shell', script: 'python3 <<EOF > /out' });
  });

  it('COPY <<EOF /dest: the heredoc is a file, not a source path', () => {
    const copy = one('COPY --chmod=600 <<EOF a <<two /etc/\nx=1\nEOF\nsecond\ntwo\n', 'COPY');
    assert.deepEqual(copy.sources, ['a']);
    assert.equal(copy.dest, '/etc/');
    assert.deepEqual(copy.heredocs.map((h) => [h.name, h.content]), [['EOF', 'x=1\n'], ['two', 'second\n']]);
  });

  it('no heredoc in quotes, in JSON form, glued to a word, or for other instructions', () => {
    assert.deepEqual(one('RUN echo "<<EOF"', 'RUN').heredocs, []);
    assert.deepEqual(one('RUN ["cat", "<<EOF"]', 'RUN').heredocs, []);
    assert.deepEqual(one('RUN cat<<EOF', 'RUN').heredocs, []);
    assert.deepEqual(one('RUN echo a <<', 'RUN').heredocs, []);
    // CMD takes no heredoc: the next line is an instruction of its own
    fails('FROM busybox\nCMD cat <<EOF\nEOF\n', 3, 'unknown instruction: EOF');
  });

  it('a heredoc after a continuation starts after the last joined line', () => {
    const run = one('RUN cat \\\n  <<EOF\nhi\nEOF', 'RUN');
    assert.deepEqual(run.heredocs.map((h) => h.content), ['hi\n']);
    assert.deepEqual([run.loc.line, run.loc.endLine], [2, 5]);
  });

  it('unterminated heredoc and heredoc destination are errors', () => {
    fails('FROM busybox\nRUN <<EOF\necho hi\n', 2, 'unterminated heredoc');
    fails('FROM busybox\nCOPY a <<EOF\nx\nEOF\n', 2, 'COPY cannot accept a heredoc as a destination');
  });

  it('ONBUILD RUN <<EOF keeps the body in the stored expression', () => {
    const ob = one('ONBUILD RUN <<EOF\necho hi\nEOF', 'ONBUILD');
    assert.equal(ob.expression, 'RUN <<EOF\necho hi\nEOF');
    assert.ok(ob.trigger.kind === 'RUN');
    assert.deepEqual(ob.trigger.heredocs.map((h) => h.content), ['echo hi\n']);
  });
});

describe('parseDockerfile: ENV and LABEL', () => {
  it('key=value pairs keep quotes and escapes raw', () => {
    assert.deepEqual(one('ENV A=1 B="two words" C=\'x\' D=a\\ b E= F=${A}', 'ENV').pairs, [
      ['A', '1'], ['B', '"two words"'], ['C', "'x'"], ['D', 'a\\ b'], ['E', ''], ['F', '${A}'],
    ]);
    assert.deepEqual(one('LABEL "com.example.vendor"="ACME Inc" version=1.0 multi.label="a \\\n  b"', 'LABEL').pairs, [
      ['"com.example.vendor"', '"ACME Inc"'], ['version', '1.0'], ['multi.label', '"a   b"'],
    ]);
  });
  it('the legacy `ENV key value` form takes the rest of the line', () => {
    assert.deepEqual(one('ENV PATH /usr/local/bin:$PATH  and more', 'ENV').pairs, [['PATH', '/usr/local/bin:$PATH  and more']]);
    assert.deepEqual(one('LABEL maintainer someone <a@b>', 'LABEL').pairs, [['maintainer', 'someone <a@b>']]);
  });
  it('errors with Docker wording', () => {
    fails('FROM busybox\nENV\n', 2, 'ENV requires at least one argument');
    fails('FROM busybox\nENV A\n', 2, 'ENV must have two arguments');
    fails('FROM busybox\nLABEL a\n', 2, 'LABEL must have two arguments');
    fails('FROM busybox\nENV A=1 B\n', 2, 'Syntax error - can\'t find = in "B". Must be of the form: name=value');
    fails('FROM busybox\nENV =x\n', 2, 'ENV names can not be blank');
    fails('FROM busybox\nLABEL\n', 2, 'LABEL requires at least one argument');
  });
});

describe('parseDockerfile: ARG', () => {
  it('names with and without defaults, several per line, raw', () => {
    assert.deepEqual(one('ARG A B=2 C="x y" D=', 'ARG').args, [
      { name: 'A' }, { name: 'B', defaultValue: '2' }, { name: 'C', defaultValue: '"x y"' }, { name: 'D', defaultValue: '' },
    ]);
  });
  it('errors', () => {
    fails('FROM busybox\nARG\n', 2, 'ARG requires at least one argument');
    fails('FROM busybox\nARG =x\n', 2, 'ARG names can not be blank');
  });
});

describe('parseDockerfile: single-argument instructions', () => {
  it('WORKDIR, USER, STOPSIGNAL, MAINTAINER take the whole rest', () => {
    assert.equal(one('WORKDIR /path with spaces/$DIR', 'WORKDIR').path, '/path with spaces/$DIR');
    assert.equal(one('USER app:app', 'USER').user, 'app:app');
    assert.equal(one('STOPSIGNAL SIGTERM', 'STOPSIGNAL').signal, 'SIGTERM');
    assert.equal(one('MAINTAINER Jane Doe <jane@example.com>', 'MAINTAINER').name, 'Jane Doe <jane@example.com>');
  });
  it('errors', () => {
    fails('FROM busybox\nWORKDIR\n', 2, 'WORKDIR requires exactly one argument');
    fails('FROM busybox\nUSER\n', 2, 'USER requires exactly one argument');
    fails('FROM busybox\nSTOPSIGNAL\n', 2, 'STOPSIGNAL requires exactly one argument');
    fails('FROM busybox\nMAINTAINER\n', 2, 'MAINTAINER requires exactly one argument');
  });
});

describe('parseDockerfile: EXPOSE, VOLUME, SHELL', () => {
  it('EXPOSE words', () => {
    assert.deepEqual(one('EXPOSE 80/tcp 443 ${PORT}/udp', 'EXPOSE').ports, ['80/tcp', '443', '${PORT}/udp']);
    fails('FROM busybox\nEXPOSE\n', 2, 'EXPOSE requires at least one argument');
  });
  it('VOLUME as JSON or words', () => {
    assert.deepEqual(one('VOLUME ["/data", "/var/log app"]', 'VOLUME').paths, ['/data', '/var/log app']);
    assert.deepEqual(one('VOLUME /a /b', 'VOLUME').paths, ['/a', '/b']);
    fails('FROM busybox\nVOLUME\n', 2, 'VOLUME requires at least one argument');
    fails('FROM busybox\nVOLUME []\n', 2, 'VOLUME requires at least one argument');
    fails('FROM busybox\nVOLUME [" "]\n', 2, 'VOLUME specified can not be an empty string');
  });
  it('SHELL must be JSON', () => {
    assert.deepEqual(one('SHELL ["/bin/bash", "-o", "pipefail", "-c"]', 'SHELL').shell, ['/bin/bash', '-o', 'pipefail', '-c']);
    fails('FROM busybox\nSHELL /bin/bash -c\n', 2, 'SHELL requires the arguments to be in JSON form');
    fails('FROM busybox\nSHELL []\n', 2, 'SHELL requires at least one argument');
    fails('FROM busybox\nSHELL\n', 2, 'SHELL requires at least one argument');
  });
});

describe('parseDockerfile: COPY and ADD', () => {
  it('JSON form keeps paths with spaces', () => {
    const copy = one('COPY ["a file", "b", "/dest dir/"]', 'COPY');
    assert.deepEqual([copy.sources, copy.dest, copy.heredocs], [['a file', 'b'], '/dest dir/', []]);
    const add = one('ADD https://example.com/x.tar.gz /opt/', 'ADD');
    assert.deepEqual([add.kind, add.sources, add.dest], ['ADD', ['https://example.com/x.tar.gz'], '/opt/']);
  });
  it('needs a destination', () => {
    fails('FROM busybox\nCOPY a\n', 2, 'COPY requires at least two arguments, but only one was provided. Destination could not be determined');
    fails('FROM busybox\nADD\n', 2, 'ADD requires at least two arguments, but only one was provided. Destination could not be determined');
    fails('FROM busybox\nCOPY ["a"]\n', 2, /^COPY requires at least two arguments/);
  });
});

describe('parseDockerfile: HEALTHCHECK', () => {
  it('NONE, CMD shell form, CMD exec form and options', () => {
    const none = one('HEALTHCHECK NONE', 'HEALTHCHECK');
    assert.equal(none.test, undefined);
    const shell = one('HEALTHCHECK --interval=30s --timeout=3s --start-period=1m --start-interval=2s --retries=3 CMD curl -f http://localhost/ || exit 1', 'HEALTHCHECK');
    assert.deepEqual(shell.test, { form: 'shell', script: 'curl -f http://localhost/ || exit 1' });
    assert.deepEqual(shell.flags, { interval: '30s', timeout: '3s', 'start-period': '1m', 'start-interval': '2s', retries: '3' });
    assert.deepEqual(one('healthcheck cmd ["true"]', 'HEALTHCHECK').test, { form: 'exec', args: ['true'] });
  });
  it('errors with Docker wording', () => {
    fails('FROM busybox\nHEALTHCHECK\n', 2, 'HEALTHCHECK requires at least one argument');
    fails('FROM busybox\nHEALTHCHECK NONE x\n', 2, 'HEALTHCHECK NONE takes no arguments');
    fails('FROM busybox\nHEALTHCHECK CMD\n', 2, 'Missing command after HEALTHCHECK CMD');
    fails('FROM busybox\nHEALTHCHECK CMD []\n', 2, 'Missing command after HEALTHCHECK CMD');
    fails('FROM busybox\nHEALTHCHECK RUN x\n', 2, 'Unknown type "RUN" in HEALTHCHECK (try CMD)');
    fails('FROM busybox\nHEALTHCHECK --interval=abc CMD x\n', 2, 'time: invalid duration "abc"');
    fails('FROM busybox\nHEALTHCHECK --interval=5 CMD x\n', 2, 'time: missing unit in duration "5"');
    fails('FROM busybox\nHEALTHCHECK --timeout=0s CMD x\n', 2, 'Interval "timeout" cannot be less than 1ms');
    fails('FROM busybox\nHEALTHCHECK --retries=0 CMD x\n', 2, '--retries must be at least 1 (not 0)');
    fails('FROM busybox\nHEALTHCHECK --retries=x CMD x\n', 2, 'strconv.ParseInt: parsing "x": invalid syntax');
    fails('FROM busybox\nHEALTHCHECK --foo=1 CMD x\n', 2, 'unknown flag: foo');
  });
});

describe('parseDockerfile: ONBUILD', () => {
  it('parses the trigger as an instruction, with its flags', () => {
    const ob = one('ONBUILD COPY --from=builder . /app', 'ONBUILD');
    assert.equal(ob.expression, 'COPY --from=builder . /app');
    assert.ok(ob.trigger.kind === 'COPY');
    assert.equal(ob.trigger.flags['from'], 'builder');
    assert.deepEqual(ob.trigger.sources, ['.']);
    assert.equal(one('onbuild   run echo hi', 'ONBUILD').expression, 'run echo hi');
  });
  it('refuses ONBUILD ONBUILD, FROM and MAINTAINER triggers, bad triggers and no trigger', () => {
    fails('FROM busybox\nONBUILD ONBUILD RUN x\n', 2, 'Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
    fails('FROM busybox\nONBUILD FROM x\n', 2, 'FROM isn\'t allowed as an ONBUILD trigger');
    fails('FROM busybox\nONBUILD maintainer x\n', 2, 'MAINTAINER isn\'t allowed as an ONBUILD trigger');
    fails('FROM busybox\nONBUILD\n', 2, 'ONBUILD requires at least one argument');
    fails('FROM busybox\nONBUILD FOO x\n', 2, 'unknown instruction: FOO');
    fails('FROM busybox\nONBUILD COPY a\n', 2, /^COPY requires at least two arguments/);
  });
});

describe('parseDockerfile: whole-file errors', () => {
  it('unknown instruction names the file and line', () => {
    fails('FROM busybox\nRUN true\n\n# c\n\nRUN true\nFOO bar\n', 7, 'unknown instruction: FOO');
    fails('FROM busybox\nfoo bar\n', 2, 'unknown instruction: FOO', 'build/Dockerfile.dev');
    assert.throws(() => parseDockerfile('FROM busybox\nFOO bar\n', 'Dockerfile.dev'), { message: 'Dockerfile.dev:2: unknown instruction: FOO' });
  });
  it('a RUN --mount that cannot work names the line; one with variables waits for its step', () => {
    fails('FROM busybox\nRUN true\nRUN --mount=type=cache make\n', 3, /mount target is required/);
    fails('FROM busybox\nRUN --mount=target=/a --mount=type=ssh git clone x\n', 2, /type=ssh needs BuildKit's session/);
    assert.doesNotThrow(() => parseDockerfile('FROM busybox\nARG T\nRUN --mount=type=$T,target=/a true\n'));
  });
  it('exposes Docker\'s own wording too', () => {
    try {
      parseDockerfile('FROM busybox\nFOO\n');
      assert.fail('expected an error');
    } catch (err) {
      assert.ok(err instanceof DockerfileParseError);
      assert.equal(err.dockerMessage, 'dockerfile parse error on line 2: unknown instruction: FOO');
    }
  });
  it('empty, comment-only and ARG-only files', () => {
    fails('', undefined, 'the Dockerfile (Dockerfile) cannot be empty');
    fails(' \n\t\n', undefined, 'the Dockerfile (Dockerfile) cannot be empty');
    assert.throws(() => parseDockerfile('', 'Dockerfile.x'), { message: 'the Dockerfile (Dockerfile.x) cannot be empty' });
    fails('# only\n# comments\n', 2, 'file with no instructions');
    fails('ARG A=1\n', undefined, 'dockerfile contains no stages to build');
  });
  it('an instruction before FROM', () => {
    fails('RUN echo hi\nFROM busybox\n', 1, 'no build stage in current context');
    fails('ARG A\n\nENV B=1\nFROM busybox\n', 3, 'no build stage in current context');
  });
  it('the first error wins', () => {
    fails('FROM busybox\nFOO\nBAR\n', 2, 'unknown instruction: FOO');
  });
});
