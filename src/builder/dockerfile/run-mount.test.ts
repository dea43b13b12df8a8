import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgument } from '../../core/errors.js';
import { describeRunMount, parseRunMount } from './run-mount.js';

describe('parseRunMount', () => {
  it('bind is the default type, read-only unless rw, source defaults to the root', () => {
    assert.deepEqual(parseRunMount('target=/src'), { type: 'bind', target: '/src', source: '/', readonly: true });
    assert.deepEqual(parseRunMount('type=bind,from=build,src=/out,dst=/in,rw'), { type: 'bind', target: '/in', source: '/out', from: 'build', readonly: false });
    assert.deepEqual(parseRunMount('type=bind,source=a,destination=/a,readwrite=true'), { type: 'bind', target: '/a', source: 'a', readonly: false });
    assert.equal((parseRunMount('target=/a,ro=false') as { readonly: boolean }).readonly, false);
  });

  it('cache: id defaults to the target, shared, 0755 root-owned, writable', () => {
    assert.deepEqual(parseRunMount('type=cache,target=/root/.cache'), {
      type: 'cache', target: '/root/.cache', id: '/root/.cache', readonly: false, sharing: 'shared', mode: 0o755, uid: 0, gid: 0,
    });
    assert.deepEqual(parseRunMount('type=cache,id=pip,target=/c,sharing=locked,mode=0700,uid=1000,gid=1000,ro'), {
      type: 'cache', target: '/c', id: 'pip', readonly: true, sharing: 'locked', mode: 0o700, uid: 1000, gid: 1000,
    });
  });

  it('tmpfs with an optional size in bytes, k, m or g', () => {
    assert.deepEqual(parseRunMount('type=tmpfs,target=/t'), { type: 'tmpfs', target: '/t' });
    assert.deepEqual(parseRunMount('type=tmpfs,target=/t,size=64m'), { type: 'tmpfs', target: '/t', size: 64 * 1024 * 1024 });
  });

  it('refuses what it cannot do, saying what and why', () => {
    const bad: Array<[string, RegExp]> = [
      ['type=cache', /mount target is required/],
      ['type=volume,target=/v', /unsupported mount type 'volume'/],
      ['target=/a,colour=red', /unexpected key 'colour'/],
      ['target', /must be a key=value pair/],
      ['type=cache,target=/c,sharing=sometimes', /unrecognized sharing 'sometimes'/],
      ['type=cache,target=/c,mode=999', /invalid mode '999'/],
      ['type=cache,target=/c,from=x', /'from' does not apply to a cache mount/],
      ['type=tmpfs,target=/t,size=lots', /invalid size 'lots'/],
      ['target=/a,ro,rw', /readonly and readwrite cannot both be given/],
      ['type=secret,id=npmrc', /needs BuildKit's session/],
      ['type=ssh', /needs BuildKit's session/],
    ];
    for (const [text, re] of bad) assert.throws(() => parseRunMount(text), (err: unknown) => err instanceof InvalidArgument && re.test(err.message), text);
  });

  it('describes a mount for history and the cache key, a bind with its content', () => {
    assert.equal(describeRunMount(parseRunMount('type=cache,target=/c')), '--mount=type=cache,id=/c,target=/c,sharing=shared');
    assert.equal(describeRunMount(parseRunMount('from=b,source=/o,target=/i'), 'sha256:abc'), '--mount=type=bind,from=b,source=/o,target=/i sha256:abc');
    assert.equal(describeRunMount(parseRunMount('type=tmpfs,target=/t,size=1k')), '--mount=type=tmpfs,target=/t,size=1024');
  });
});
