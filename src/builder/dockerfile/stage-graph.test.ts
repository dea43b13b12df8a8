import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from './parse.js';
import { fromFlagStageIndex, fromStageIndex, metaArgEnv, planStages, type StagePlan } from './stage-graph.js';
import { InvalidArgument } from '../../core/errors.js';

/** [index, deps] per planned stage, in plan order. */
function shape(plan: StagePlan): Array<[number, number[]]> {
  return plan.order.map((p) => [p.stage.index, p.deps]);
}

const MULTI = `
FROM golang AS deps
RUN go mod download

FROM deps AS build
RUN go build -o /app

FROM node AS web
RUN npm run build

FROM alpine AS unused
RUN true

FROM busybox AS final
COPY --from=build /app /app
COPY --from=web /dist /srv
COPY --from=nginx:alpine /etc/nginx /etc/nginx
`;

describe('planStages', () => {
  it('builds only what the last stage needs, dependencies first', () => {
    const plan = planStages(parseDockerfile(MULTI));
    assert.equal(plan.target, 4);
    assert.deepEqual(shape(plan), [[0, []], [1, [0]], [2, []], [4, [1, 2]]]);
    assert.deepEqual(plan.order[1]!.base, { kind: 'stage', index: 0 });
    assert.deepEqual(plan.order[0]!.base, { kind: 'image', ref: 'golang' });
    // an image in --from is not a stage dependency
    assert.deepEqual(plan.order[3]!.base, { kind: 'image', ref: 'busybox' });
  });

  it('honours --target by name (case-insensitive) or index, and skips later stages', () => {
    const df = parseDockerfile(MULTI);
    assert.deepEqual(shape(planStages(df, { target: 'BUILD' })), [[0, []], [1, [0]]]);
    assert.deepEqual(shape(planStages(df, { target: 'unused' })), [[3, []]]);
    assert.deepEqual(shape(planStages(df, { target: 2 })), [[2, []]]);
    assert.equal(planStages(df, { target: '' }).target, 4);
  });

  it('refuses an unknown target', () => {
    const df = parseDockerfile(MULTI);
    assert.throws(() => planStages(df, { target: 'nope' }), (e: unknown) => e instanceof InvalidArgument && e.message === 'failed to reach build target nope in Dockerfile');
    assert.throws(() => planStages(df, { target: 9 }), { message: 'failed to reach build target 9 in Dockerfile' });
  });

  it('follows COPY --from=<index> and RUN --mount from=', () => {
    const df = parseDockerfile('FROM a\nFROM b\nFROM c AS c\nCOPY --from=0 /x /x\nRUN --mount=type=bind,from=1,target=/m --mount=type=cache,target=/c true\n');
    assert.deepEqual(shape(planStages(df)), [[0, []], [1, []], [2, [0, 1]]]);
  });

  it('FROM <name> means an earlier stage only; `FROM node AS node` is the image', () => {
    const df = parseDockerfile('FROM node AS node\nRUN true\nFROM node\n');
    const plan = planStages(df);
    assert.deepEqual(plan.order[0]!.base, { kind: 'image', ref: 'node' });
    assert.deepEqual(shape(plan), [[0, []], [1, [0]]]);
  });

  it('COPY --from may name a later stage; a cycle is an error', () => {
    const fwd = parseDockerfile('FROM a AS one\nCOPY --from=two /x /x\nFROM b AS two\nRUN true\n');
    assert.deepEqual(shape(planStages(fwd, { target: 'one' })), [[1, []], [0, [1]]]);
    const cycle = parseDockerfile('FROM a AS one\nCOPY --from=two /x /x\nFROM b AS two\nCOPY --from=one /y /y\n');
    assert.throws(() => planStages(cycle), { message: /^circular dependency detected on stage: (one|two)$/ });
    const self = parseDockerfile('FROM a AS one\nCOPY --from=one /x /x\n');
    assert.throws(() => planStages(self), { message: 'circular dependency detected on stage: one' });
    const selfIndex = parseDockerfile('FROM a\nCOPY --from=0 /x /x\n');
    assert.throws(() => planStages(selfIndex), { message: 'circular dependency detected on stage: 0' });
  });

  it('refuses an out-of-range stage index', () => {
    const df = parseDockerfile('FROM a\nCOPY --from=3 /x /x\n');
    assert.throws(() => planStages(df), { message: 'invalid stage index 3' });
  });

  it('expands FROM and --from with meta ARGs and build args', () => {
    const df = parseDockerfile('ARG BASE=alpine\nARG TAG=${BASE}-tag\nARG SRC=builder\nFROM ${BASE} AS builder\nFROM busybox:${TAG}\nCOPY --from=${SRC} /a /a\n');
    const plan = planStages(df);
    assert.deepEqual(plan.order.map((p) => p.base), [{ kind: 'image', ref: 'alpine' }, { kind: 'image', ref: 'busybox:alpine-tag' }]);
    assert.deepEqual(shape(plan), [[0, []], [1, [0]]]);
    const overridden = planStages(df, { buildArgs: { BASE: 'debian', SRC: 'ubuntu' } });
    // SRC now names an image: stage 0 is not needed any more
    assert.deepEqual(shape(overridden), [[1, []]]);
    assert.deepEqual(overridden.order[0]!.base, { kind: 'image', ref: 'busybox:debian-tag' });
  });

  it('a FROM that expands to a stage name uses the stage', () => {
    const df = parseDockerfile('ARG WHICH=base\nFROM busybox AS base\nFROM ${WHICH}\n');
    assert.deepEqual(planStages(df).order.map((p) => p.base), [{ kind: 'image', ref: 'busybox' }, { kind: 'stage', index: 0 }]);
  });
});

describe('stage references at dispatch time', () => {
  it('FROM names earlier stages only; --from names any other stage by name or index', () => {
    const df = parseDockerfile('FROM busybox AS a\nFROM a AS b\nCOPY --from=C /x /x\nFROM busybox AS c\n');
    const [a, b, c] = df.stages;
    assert.equal(fromStageIndex(df, 'A', b!), 0);
    assert.equal(fromStageIndex(df, 'c', b!), undefined);
    assert.equal(fromStageIndex(df, 'busybox', c!), undefined);
    assert.equal(fromFlagStageIndex(df, 'c', b!), 2);
    assert.equal(fromFlagStageIndex(df, '0', c!), 0);
    assert.equal(fromFlagStageIndex(df, 'alpine:3', a!), undefined);
    assert.throws(() => fromFlagStageIndex(df, 'b', b!), { message: 'circular dependency detected on stage: b' });
  });

  it('planStages takes the caller\'s meta-arg environment as is', () => {
    const df = parseDockerfile('ARG B=busybox\nFROM ${B} AS base\nFROM other\nCOPY --from=${B} /x /x\n');
    assert.deepEqual(shape(planStages(df, { metaEnv: { B: 'base' } })), [[0, []], [1, [0]]]);
    assert.deepEqual(shape(planStages(df)), [[1, []]]);
  });
});

describe('metaArgEnv', () => {
  it('build args override defaults only for declared meta ARGs; predefined args come first', () => {
    const df = parseDockerfile('ARG A=1 B\nARG C=${A}${TARGETARCH}\nFROM x\n');
    assert.deepEqual(metaArgEnv(df, { B: 'b', Z: 'z' }, { TARGETARCH: 'amd64' }), { TARGETARCH: 'amd64', A: '1', B: 'b', C: '1amd64' });
    assert.deepEqual(metaArgEnv(df), { A: '1', C: '1' });
  });
});
