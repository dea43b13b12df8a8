import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  familiarName,
  familiarString,
  formatReference,
  isShortIdCandidate,
  parseReference,
  parseRepositoryAndTag,
  parseTag,
  referenceEquals,
  repositoryOf,
  type Reference,
} from './reference.js';
import { InvalidArgument } from './errors.js';

const HEX = 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff';
const DGST = `sha256:${HEX}`;
const REAL = 'sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c';

function throwsInvalid(input: string, message?: string | RegExp): void {
  assert.throws(
    () => parseReference(input),
    (err: unknown) => {
      assert.ok(err instanceof InvalidArgument, `${input}: expected InvalidArgument, got ${String(err)}`);
      if (typeof message === 'string') assert.equal(err.message, message);
      else if (message) assert.match(err.message, message);
      return true;
    },
    `expected ${JSON.stringify(input)} to be refused`,
  );
}

describe('parseReference normalisation', () => {
  const cases: Array<[string, Reference]> = [
    ['busybox', { domain: 'docker.io', path: 'library/busybox', tag: 'latest' }],
    ['busybox:1.36', { domain: 'docker.io', path: 'library/busybox', tag: '1.36' }],
    ['user/repo', { domain: 'docker.io', path: 'user/repo', tag: 'latest' }],
    ['docker.io/busybox', { domain: 'docker.io', path: 'library/busybox', tag: 'latest' }],
    ['docker.io/library/busybox', { domain: 'docker.io', path: 'library/busybox', tag: 'latest' }],
    ['index.docker.io/busybox', { domain: 'docker.io', path: 'library/busybox', tag: 'latest' }],
    ['index.docker.io/user/repo:x', { domain: 'docker.io', path: 'user/repo', tag: 'x' }],
    ['localhost/x', { domain: 'localhost', path: 'x', tag: 'latest' }],
    ['localhost:5000/x', { domain: 'localhost:5000', path: 'x', tag: 'latest' }],
    ['localhost:5000/a/b:v1', { domain: 'localhost:5000', path: 'a/b', tag: 'v1' }],
    ['example.com/private/moonbase', { domain: 'example.com', path: 'private/moonbase', tag: 'latest' }],
    ['127.0.0.1:8000/privatebase', { domain: '127.0.0.1:8000', path: 'privatebase', tag: 'latest' }],
    ['[::1]:5000/repo', { domain: '[::1]:5000', path: 'repo', tag: 'latest' }],
    ['[2001:db8::1]/repo:tag', { domain: '[2001:db8::1]', path: 'repo', tag: 'tag' }],
    ['test_com/foo', { domain: 'docker.io', path: 'test_com/foo', tag: 'latest' }],
    ['test-com:8080/foo', { domain: 'test-com:8080', path: 'foo', tag: 'latest' }],
    ['xn--n3h.com:18080/foo', { domain: 'xn--n3h.com:18080', path: 'foo', tag: 'latest' }],
    ['docker.io/library/foo/bar', { domain: 'docker.io', path: 'library/foo/bar', tag: 'latest' }],
    // An uppercase first component can only be a domain (Docker's FIXME, kept for compatibility).
    ['Foo/bar', { domain: 'Foo', path: 'bar', tag: 'latest' }],
    // A single component is always a repository on Docker Hub, even if it looks like a host.
    ['192.168.0.1', { domain: 'docker.io', path: 'library/192.168.0.1', tag: 'latest' }],
    ['192.168.0.1:80', { domain: 'docker.io', path: 'library/192.168.0.1', tag: '80' }],
    ['test.com:5000', { domain: 'docker.io', path: 'library/test.com', tag: '5000' }],
    ['lowercase:Uppercase', { domain: 'docker.io', path: 'library/lowercase', tag: 'Uppercase' }],
    [`busybox@${REAL}`, { domain: 'docker.io', path: 'library/busybox', digest: REAL as Reference['digest'] }],
    [
      `busybox:latest@${REAL}`,
      { domain: 'docker.io', path: 'library/busybox', tag: 'latest', digest: REAL as Reference['digest'] },
    ],
    [
      `[2001:db8::1]:5000/repo:tag@${DGST}`,
      { domain: '[2001:db8::1]:5000', path: 'repo', tag: 'tag', digest: DGST as Reference['digest'] },
    ],
    ['dbcc1', { domain: 'docker.io', path: 'library/dbcc1', tag: 'latest' }],
    // 63 hex characters are a name; 64 are refused (see below).
    [HEX.slice(1), { domain: 'docker.io', path: `library/${HEX.slice(1)}`, tag: 'latest' }],
    [`docker.io/${HEX}`, { domain: 'docker.io', path: `library/${HEX}`, tag: 'latest' }],
  ];
  for (const [input, want] of cases) {
    it(`parses ${input}`, () => {
      assert.deepEqual(parseReference(input), want);
    });
  }

  it('omits the default tag when asked', () => {
    assert.deepEqual(parseReference('busybox', { defaultTag: false }), { domain: 'docker.io', path: 'library/busybox' });
  });

  it('never adds a default tag to a digest reference', () => {
    assert.equal(parseReference(`busybox@${REAL}`).tag, undefined);
  });
});

describe('parseReference validity table (distribution/reference tests)', () => {
  const valid = [
    'docker/docker',
    'library/debian',
    'debian',
    'docker.io/docker/docker',
    'docker.io/library/debian',
    'docker.io/debian',
    'index.docker.io/docker/docker',
    'index.docker.io/library/debian',
    'index.docker.io/debian',
    '127.0.0.1:5000/docker/docker',
    '127.0.0.1:5000/library/debian',
    '127.0.0.1:5000/debian',
    '192.168.0.1',
    '192.168.0.1:80',
    '192.168.0.1:8/debian',
    '192.168.0.2:25000/debian',
    'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev',
    '[fc00::1]:5000/docker',
    '[fc00::1]:5000/docker/docker',
    '[fc00:1:2:3:4:5:6:7]:5000/library/debian',
    'docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
    'Docker/docker',
    'DOCKER/docker',
    'docker-rules/docker',
    'docker---rules/docker',
    'doc/docker',
    'd/docker',
    'jess/t',
    'dock__er/docker',
    'sub-dom1.foo.com/bar/baz/quux:some-long-tag',
    'b.gcr.io/test.example.com/my-app:test.example.com',
    'xn--n3h.com/myimage:xn--n3h.com',
    'foo/foo_bar.com:8080',
    `test:5000/repo:tag@${DGST}`,
    'a'.repeat(10) + ':' + 'T'.repeat(128),
  ];
  for (const input of valid) {
    it(`accepts ${input}`, () => {
      parseReference(input);
    });
  }

  const invalid = [
    '',
    ':justtag',
    `@${DGST}`,
    'https://github.com/docker/docker',
    '-docker',
    '-docker/docker',
    '-docker.io/docker/docker',
    'docker///docker',
    'docker.io/docker///docker',
    '[fc00::1]',
    '[fc00::1]:5000',
    'fc00::1:5000/debian',
    '[fe80::1%eth0]:5000/debian',
    '[2001:db8:3:4::192.0.2.33]:5000/debian',
    'docker-/docker',
    '-docker-/docker',
    '____/____',
    '_docker/_docker',
    'dock..er/docker',
    'dock_.er/docker',
    'dock-.er/docker',
    'docker/',
    'aa/asdf$$^/aa',
    'busybox:',
    'busybox:-tag',
    'busybox:.tag',
    'a:' + 'T'.repeat(129),
    'busybox@',
    'repo@sha256:ffffffffffffffffffffffffffffffffff',
    `validname@invaliddigest:${HEX}`,
    `busybox@sha256:${HEX.toUpperCase()}`,
    'busybox latest',
  ];
  for (const input of invalid) {
    it(`refuses ${JSON.stringify(input)}`, () => throwsInvalid(input));
  }
});

describe('parseReference error messages', () => {
  it('says plain "invalid reference format" for bad syntax', () => {
    throwsInvalid('-docker', 'invalid reference format');
    throwsInvalid('', 'invalid reference format');
    throwsInvalid('docker///docker', 'invalid reference format');
  });

  it('names the repository when it has uppercase letters', () => {
    throwsInvalid('Busybox', 'invalid reference format: repository name (library/Busybox) must be lowercase');
    throwsInvalid('docker/Docker', 'invalid reference format: repository name (docker/Docker) must be lowercase');
    throwsInvalid(
      'test:5000/Uppercase/lowercase:tag',
      'invalid reference format: repository name (Uppercase/lowercase) must be lowercase',
    );
  });

  it('refuses a 64-hex string as a repository name', () => {
    const id = '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a';
    throwsInvalid(id, `invalid repository name (${id}), cannot specify 64-byte hexadecimal strings`);
  });

  it('limits the full name to 255 characters', () => {
    const longNs =
      'this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255/docker';
    throwsInvalid(longNs, 'repository name must not be more than 255 characters');
    // the implied docker.io/ counts too
    throwsInvalid(`${'a/'.repeat(125)}x`, /must not be more than 255/);
    // exactly 255 is fine; the tag does not count
    const at255 = `a.com/${'b'.repeat(249)}`;
    assert.equal(at255.length, 255);
    assert.equal(parseReference(`${at255}:tag-puts-this-over-max`).path.length, 249);
    throwsInvalid(`a.com/${'b'.repeat(250)}`, /must not be more than 255/);
  });

  it('refuses a name Docker would leave without a registry', () => {
    throwsInvalid('foo_bar.com/x', 'invalid reference format');
  });
});

describe('formatting', () => {
  const cases: Array<[string, string, string, string, string]> = [
    // input, full, repository, familiar name, familiar string
    ['busybox', 'docker.io/library/busybox:latest', 'docker.io/library/busybox', 'busybox', 'busybox:latest'],
    ['user/repo:1', 'docker.io/user/repo:1', 'docker.io/user/repo', 'user/repo', 'user/repo:1'],
    ['localhost:5000/x', 'localhost:5000/x:latest', 'localhost:5000/x', 'localhost:5000/x', 'localhost:5000/x:latest'],
    [
      'library/foo/bar',
      'docker.io/library/foo/bar:latest',
      'docker.io/library/foo/bar',
      'library/foo/bar',
      'library/foo/bar:latest',
    ],
    [`x@${REAL}`, `docker.io/library/x@${REAL}`, 'docker.io/library/x', 'x', `x@${REAL}`],
    [
      `busybox:latest@${REAL}`,
      `docker.io/library/busybox:latest@${REAL}`,
      'docker.io/library/busybox',
      'busybox',
      `busybox:latest@${REAL}`,
    ],
    ['example.com/library/x', 'example.com/library/x:latest', 'example.com/library/x', 'example.com/library/x', 'example.com/library/x:latest'],
  ];
  for (const [input, full, repo, fam, famStr] of cases) {
    it(`formats ${input}`, () => {
      const r = parseReference(input);
      assert.equal(formatReference(r), full);
      assert.equal(repositoryOf(r), repo);
      assert.equal(familiarName(r), fam);
      assert.equal(familiarString(r), famStr);
    });
  }

  it('round-trips through formatReference', () => {
    for (const input of ['busybox', 'a/b:c', `localhost:5000/x:y@${REAL}`, '[::1]:5000/repo']) {
      const r = parseReference(input);
      assert.ok(referenceEquals(parseReference(formatReference(r)), r));
      assert.ok(referenceEquals(parseReference(familiarString(r)), r));
    }
  });
});

describe('parseTag', () => {
  it('accepts Docker tags', () => {
    for (const t of ['latest', '1.0', 'v1_2-3', 'UPPER', '_x', '0', 'a'.repeat(128)]) assert.equal(parseTag(t), t);
  });
  it('refuses invalid tags', () => {
    for (const t of ['', '-x', '.x', 'a:b', 'a/b', 'a@b', 'a'.repeat(129), 'é']) {
      assert.throws(() => parseTag(t), { name: 'InvalidArgument', message: 'invalid tag format' });
    }
  });
});

describe('parseRepositoryAndTag', () => {
  it('defaults to latest without a tag', () => {
    assert.deepEqual(parseRepositoryAndTag('busybox'), { domain: 'docker.io', path: 'library/busybox', tag: 'latest' });
    assert.deepEqual(parseRepositoryAndTag('busybox', ''), parseReference('busybox'));
  });
  it('uses the separate tag, replacing one in repo', () => {
    assert.deepEqual(parseRepositoryAndTag('localhost:5000/app', 'v2'), { domain: 'localhost:5000', path: 'app', tag: 'v2' });
    assert.equal(parseRepositoryAndTag('app:v1', 'v2').tag, 'v2');
  });
  it('takes a digest passed as tag (docker pull x@sha256:...)', () => {
    assert.deepEqual(parseRepositoryAndTag('busybox', REAL), { domain: 'docker.io', path: 'library/busybox', digest: REAL });
  });
  it('validates both parts', () => {
    assert.throws(() => parseRepositoryAndTag('Busybox', 'x'), InvalidArgument);
    assert.throws(() => parseRepositoryAndTag('busybox', '-x'), { message: 'invalid tag format' });
    assert.throws(() => parseRepositoryAndTag('busybox', 'sha256:abc'), InvalidArgument);
  });
});

describe('isShortIdCandidate', () => {
  it('accepts 1..64 lowercase hex', () => {
    for (const s of ['a', 'abc', '0123456789ab', HEX]) assert.equal(isShortIdCandidate(s), true);
  });
  it('refuses everything else', () => {
    for (const s of ['', 'ABC', 'xyz', `${HEX}0`, 'sha256:abc', 'abc ']) assert.equal(isShortIdCandidate(s), false);
  });
  it('overlaps with names on purpose', () => {
    assert.equal(isShortIdCandidate('abc'), true);
    assert.equal(parseReference('abc').path, 'library/abc');
  });
});
